"""Real nights (truth year Y, baseline Y-4) built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from nights import RealNight, real_night

from racedesk.history.covariates import Covariates, load_covariates


@pytest.fixture(scope="session")
def covariates(data_dir: Path) -> Covariates:
    return load_covariates(data_dir)


@pytest.fixture(scope="session")
def night_2024(data_dir: Path, covariates: Covariates) -> RealNight:
    return real_night(2024, data_dir, covariates)


@pytest.fixture(scope="session")
def night_2020(data_dir: Path, covariates: Covariates) -> RealNight:
    return real_night(2020, data_dir, covariates)
