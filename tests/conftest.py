"""Shared fixtures: the real data folder, a seeded generator, a clean environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from racedesk.settings import resolve_data_dir


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real data folder (``RACEDESK_DATA`` or ``shared/data`` beside the checkout)."""
    return resolve_data_dir()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20241105)


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import os

    for key in list(os.environ):
        if key.startswith("RACEDESK_"):
            monkeypatch.delenv(key)
    yield
