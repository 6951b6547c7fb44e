"""Real nights for the model tests: truth year Y, baseline Y-4 (MEDSL counts for 2016)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from racedesk.history.counties import load_county_results
from racedesk.history.covariates import Covariates, prior_results
from racedesk.history.states import load_district_results, load_state_totals
from racedesk.model.features import UnitFeatures, build_features
from racedesk.model.simulate import Night, night_from_results


@dataclass(frozen=True)
class RealNight:
    year: int
    night: Night
    features: UnitFeatures


def real_night(year: int, data_dir: Path, covariates: Covariates) -> RealNight:
    night = night_from_results(
        load_county_results(year, data_dir), load_district_results(year, data_dir)
    )
    previous = (
        prior_results(covariates, year - 4)
        if year - 4 == 2016
        else load_county_results(year - 4, data_dir)
    )
    features = build_features(
        night.units,
        night.races,
        previous=previous,
        covariates=covariates,
        previous_districts=load_district_results(year - 4, data_dir),
        previous_states=load_state_totals(year - 4, data_dir),
    )
    return RealNight(year, night, features)
