"""Invariants of every estimate, on small synthetic snapshots drawn by hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from racedesk.model import ModelResult, estimate
from racedesk.model.estimate import LEVELS
from racedesk.model.features import UnitFeatures
from racedesk.model.snapshot import Snapshot

RACES = np.array(["AA"] * 5 + ["BB"] * 3 + ["CC"] + ["NE-02"])


def synthetic(seed: int, reported: float, complete: float, with_expected: bool) -> Snapshot:
    rng = np.random.default_rng(seed)
    n = len(RACES)
    baseline = rng.uniform(500, 200_000, n)
    has_baseline = rng.random(n) > 0.2
    features = UnitFeatures(
        units=np.array([f"U{i:02d}" for i in range(n)]),
        baseline_total=baseline,
        baseline_margin=rng.uniform(-0.6, 0.6, n),
        baseline_other=rng.uniform(0.0, 0.06, n),
        has_baseline=has_baseline,
        covariates=rng.normal(size=(n, 3)),
        has_covariates=rng.random(n) > 0.2,
        covariate_names=("a", "b", "c"),
    )
    final = baseline * rng.uniform(0.7, 1.4, n)
    fraction = np.where(rng.random(n) < reported, rng.uniform(0.05, 1.3, n), 0.0)
    counted = np.floor(final * fraction)
    dem_share = rng.uniform(0.2, 0.75, n)
    dem = np.floor(counted * dem_share)
    other = np.floor(counted * 0.03)
    gop = counted - dem - other
    is_complete = (rng.random(n) < complete) & (counted > 0)
    expected = np.where(rng.random(n) < 0.6, final, np.nan) if with_expected else np.full(n, np.nan)
    return Snapshot(
        units=features.units,
        races=RACES,
        counted_dem=dem.astype(np.int64),
        counted_gop=gop.astype(np.int64),
        counted_other=other.astype(np.int64),
        expected_votes=expected,
        complete=is_complete,
        features=features,
    )


def check(snapshot: Snapshot, result: ModelResult) -> None:
    for race in result.races:
        previous_margin, previous_total = None, None
        for level in LEVELS:
            margin, total = race.margin_intervals[level], race.total_intervals[level]
            assert margin.lo <= race.margin <= margin.hi
            assert margin.lo >= -1.0 and margin.hi <= 1.0
            assert total.lo <= race.counted_total <= total.hi or total.lo == race.counted_total
            assert total.contains(race.expected_total) and total.lo >= race.counted_total
            # The margin interval respects the count: all remaining votes to one side at most.
            remaining = total.hi - race.counted_total
            lead = race.counted_dem - race.counted_gop
            final = race.counted_total + remaining
            if final > 0:
                assert margin.lo >= (lead - remaining) / final - 1e-9
                assert margin.hi <= (lead + remaining) / final + 1e-9
            if previous_margin is not None and previous_total is not None:
                assert margin.lo <= previous_margin.lo + 1e-12
                assert margin.hi >= previous_margin.hi - 1e-12
                assert total.lo <= previous_total.lo and total.hi >= previous_total.hi
            previous_margin, previous_total = margin, total
        assert race.margin_sd >= race.shared_sd >= 0.0
    units = result.units
    assert np.all(units.margin_lo <= units.margin[:, None] + 1e-12)
    assert np.all(units.margin_hi >= units.margin[:, None] - 1e-12)
    assert np.all(np.diff(units.margin_lo, axis=1) <= 1e-12)
    assert np.all(np.diff(units.margin_hi, axis=1) >= -1e-12)
    counted = snapshot.counted_total
    assert np.all(units.total_lo >= counted[:, None]) and np.all(units.total >= counted)
    assert np.all(units.total_hi >= units.total[:, None])
    for name in ("dem", "gop", "other"):
        assert np.all(getattr(units, name) >= getattr(snapshot, f"counted_{name}") - 1e-6)
    assert np.all(np.isfinite(result.margin_cov)) and result.national_sd >= 0.0


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    reported=st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]),
    complete=st.sampled_from([0.0, 0.5, 1.0]),
    with_expected=st.booleans(),
)
def test_intervals_are_ordered_nested_and_respect_the_count(
    seed: int, reported: float, complete: float, with_expected: bool
) -> None:
    snapshot = synthetic(seed, reported, complete, with_expected)
    check(snapshot, estimate(snapshot))


def test_complete_count_gives_the_counted_margin() -> None:
    snapshot = synthetic(3, 1.0, 1.0, False)
    snapshot = Snapshot(
        units=snapshot.units,
        races=snapshot.races,
        counted_dem=snapshot.counted_dem + 10,
        counted_gop=snapshot.counted_gop + 10,
        counted_other=snapshot.counted_other,
        expected_votes=snapshot.expected_votes,
        complete=np.ones(len(snapshot), dtype=bool),
        features=snapshot.features,
    )
    result = estimate(snapshot)
    for race in result.races:
        assert race.margin == race.counted_margin
        assert race.expected_total == race.counted_total
        for level in LEVELS:
            assert race.margin_intervals[level].width < 1e-12
            assert race.total_intervals[level].width < 1e-9
        assert race.margin_intervals[0.995].contains(race.counted_margin)
