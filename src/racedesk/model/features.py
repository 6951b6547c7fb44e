"""Per-unit baseline (the previous presidential result) and covariates, built once per night.

Baseline: the unit's previous total vote, margin ``(dem - gop) / total`` and other share. Units
with no previous counterpart (Alaska districts against 2016's single ``AK-ALL``, Connecticut's
2024 planning regions, DC's 2024 wards, districts without previous district results) share a
*pooled* baseline: the previous units of their state that no current unit matches (or the
certified state total when the whole state is new), split equally in size. They are flagged
``has_baseline = False`` and the model gives them a wider error.

Covariates: a few ACS columns, transformed (logs for sizes and income) and standardised over
the matched counties; missing cells become 0 (the mean) and ``has_covariates`` is False.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.history.counties import CountyResults
from racedesk.history.covariates import Covariates
from racedesk.history.states import RaceResult

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

# (source column, transform) of the covariates the model uses.
COVARIATE_FEATURES: tuple[tuple[str, str], ...] = (
    ("total_population", "log"),
    ("white_pct", ""),
    ("black_pct", ""),
    ("hispanic_pct", ""),
    ("foreignborn_pct", ""),
    ("age29andunder_pct", ""),
    ("age65andolder_pct", ""),
    ("median_hh_inc", "log"),
    ("clf_unemploy_pct", ""),
    ("lesshs_pct", ""),
    ("college_pct_derived", ""),
    ("lesscollege_whites_pct", ""),
    ("rural_pct", ""),
    ("ruralurban_cc", ""),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitFeatures:
    """Static per-unit inputs of the model, parallel to the snapshot's units."""

    units: StrArray
    baseline_total: FloatArray  # previous total vote (> 0; pooled where no baseline)
    baseline_margin: FloatArray  # previous (dem - gop) / total
    baseline_other: FloatArray  # previous other / total
    has_baseline: BoolArray
    covariates: FloatArray  # (n, k) standardised; 0 where missing
    has_covariates: BoolArray
    covariate_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.units)


def _index(keys: StrArray, wanted: StrArray) -> npt.NDArray[np.int64]:
    """Position of each wanted key in ``keys``, -1 where absent."""
    if len(keys) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    order = np.argsort(keys)
    pos = np.clip(np.searchsorted(keys[order], wanted), 0, len(keys) - 1)
    return np.where(keys[order][pos] == wanted, order[pos], -1).astype(np.int64)


def _covariate_matrix(
    units: StrArray, covariates: Covariates | None
) -> tuple[FloatArray, BoolArray]:
    n, k = len(units), len(COVARIATE_FEATURES)
    if covariates is None:
        return np.zeros((n, k)), np.zeros(n, dtype=bool)
    rows = covariates.rows_for(units)
    found = rows >= 0
    raw = np.full((n, k), np.nan)
    for j, (name, transform) in enumerate(COVARIATE_FEATURES):
        column = covariates.column(name)[rows[found]]
        raw[found, j] = np.log(np.maximum(column, 1.0)) if transform == "log" else column
    mean = np.nanmean(raw[found], axis=0) if found.any() else np.zeros(k)
    sd = np.nanstd(raw[found], axis=0) if found.any() else np.ones(k)
    standard = (raw - mean) / np.where(sd > 0, sd, 1.0)
    has = found & ~np.isnan(raw).any(axis=1)
    return np.nan_to_num(standard, nan=0.0), has


def build_features(
    units: StrArray,
    races: StrArray,
    *,
    previous: CountyResults,
    covariates: Covariates | None = None,
    previous_districts: Mapping[str, RaceResult] | None = None,
    previous_states: Mapping[str, RaceResult] | None = None,
) -> UnitFeatures:
    """Attach the previous result and covariates to each unit (``races`` gives its race)."""
    n = len(units)
    states = races.astype("<U2")
    is_district = races != states
    total = np.full(n, np.nan)
    dem_minus_gop = np.full(n, np.nan)
    other = np.full(n, np.nan)

    rows = _index(previous.units, units)
    rows[is_district] = -1
    matched = rows >= 0
    prev_total = previous.total.astype(np.float64)
    total[matched] = prev_total[rows[matched]]
    dem_minus_gop[matched] = (previous.dem - previous.gop)[rows[matched]]
    other[matched] = previous.other[rows[matched]]

    guessed = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(is_district):  # at most five districts
        result = (previous_districts or {}).get(str(races[i]))
        if result is not None and result.total > 0:
            total[i], dem_minus_gop[i], other[i] = (
                result.total,
                result.dem - result.gop,
                result.other,
            )
            continue
        # No district result: the state's previous vote split equally among its districts.
        in_state = previous.states == states[i]
        share = 1.0 / max(int((is_district & (states == states[i])).sum()), 1)
        total[i] = max(float(previous.total[in_state].sum()) * share, 1.0)
        dem_minus_gop[i] = float((previous.dem - previous.gop)[in_state].sum()) * share
        other[i] = float(previous.other[in_state].sum()) * share
        guessed[i] = True

    used = np.zeros(len(previous.units), dtype=bool)
    used[rows[matched]] = True
    missing = np.isnan(total) | (total <= 0)
    for state in np.unique(states[missing]):
        _pool(
            state,
            missing & (states == state),
            previous,
            used,
            (previous_states or {}).get(str(state)),
            (total, dem_minus_gop, other),
            matched & (states == state),
        )
    has_baseline = ~missing & ~guessed
    total = np.maximum(total, 1.0)
    matrix, has_covariates = _covariate_matrix(units, covariates)
    return UnitFeatures(
        units=units,
        baseline_total=total,
        baseline_margin=np.clip(dem_minus_gop / total, -1.0, 1.0),
        baseline_other=np.clip(other / total, 0.0, 1.0),
        has_baseline=has_baseline,
        covariates=matrix,
        has_covariates=has_covariates,
        covariate_names=tuple(name for name, _ in COVARIATE_FEATURES),
    )


def _pool(
    state: str,
    unmatched: BoolArray,
    previous: CountyResults,
    used: BoolArray,
    state_result: RaceResult | None,
    out: tuple[FloatArray, FloatArray, FloatArray],
    matched: BoolArray,
) -> None:
    """Give a state's unmatched units an equal share of the state's unmatched previous vote."""
    total, dem_minus_gop, other = out
    leftover = (previous.states == state) & ~used
    count = int(unmatched.sum())
    if leftover.any():
        pool_total = float(previous.total[leftover].sum())
        pool_dmg = float((previous.dem - previous.gop)[leftover].sum())
        pool_other = float(previous.other[leftover].sum())
    elif state_result is not None and not matched.any():
        pool_total, pool_other = float(state_result.total), float(state_result.other)
        pool_dmg = float(state_result.dem - state_result.gop)
    else:
        # Units new within a state whose old units all matched: the state's margin, and the
        # state's median unit size.
        in_state = previous.states == state
        if in_state.any():
            size = float(np.median(previous.total[in_state]))
            scale = size / max(float(previous.total[in_state].sum()), 1.0)
            pool_total = size * count
            pool_dmg = float((previous.dem - previous.gop)[in_state].sum()) * scale * count
            pool_other = float(previous.other[in_state].sum()) * scale * count
        else:
            pool_total, pool_dmg, pool_other = float(count), 0.0, 0.0
    total[unmatched] = pool_total / count
    dem_minus_gop[unmatched] = pool_dmg / count
    other[unmatched] = pool_other / count
