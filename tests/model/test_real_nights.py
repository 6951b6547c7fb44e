"""The model on real results: simulated nights, and the real NYT snapshot of 8 November 2020."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from nights import RealNight

from racedesk.backtest.snapshot import model_snapshot
from racedesk.errors import ConfigError, ModelError
from racedesk.history.covariates import Covariates
from racedesk.history.states import load_state_totals
from racedesk.model import ModelParams, OutcomePrior, estimate
from racedesk.model.simulate import Order, simulate


def test_features_flag_units_without_baseline(night_2024: RealNight, night_2020: RealNight) -> None:
    f24, units24 = night_2024.features, night_2024.night.units
    new = np.char.startswith(units24, "DC-W") | np.isin(units24, [f"09{n}0" for n in range(11, 20)])
    assert new.sum() == 17 and not f24.has_baseline[new].any()
    assert f24.has_baseline[~new].all()
    # The nine planning regions share Connecticut's 2020 vote.
    ct = np.char.startswith(units24, "091")
    assert f24.baseline_total[ct].sum() == pytest.approx(1_823_857, rel=0.001)
    # 2020 Alaska districts share the certified 2016 Alaska total (MEDSL has no Alaska).
    ak = np.char.startswith(night_2020.night.units, "AK-HD")
    assert ak.sum() == 40 and not night_2020.features.has_baseline[ak].any()
    assert night_2020.features.baseline_total[ak].sum() == pytest.approx(318_608, rel=0.01)


def test_nation_at_half_counted_covers_the_truth(night_2024: RealNight) -> None:
    truth = night_2024.night.race_margins()
    covered = []
    for seed in (1, 2):
        snapshot = simulate(
            night_2024.night, night_2024.features, 0.5, Order.RANDOM, np.random.default_rng(seed)
        )
        result = estimate(snapshot)
        assert len(result.races) == 56  # 50 states, DC and the five districts
        for race in result.races:
            assert np.isfinite(race.margin) and race.margin_sd > 0
            covered.append(race.margin_intervals[0.9].contains(truth[race.race]))
    assert np.mean(covered) >= 0.85


def test_zero_reporting_and_all_complete(night_2024: RealNight) -> None:
    night = night_2024.night
    empty = simulate(night, night_2024.features, 0.0, Order.RANDOM, np.random.default_rng(0))
    empty = replace(
        empty,
        counted_dem=np.zeros(len(night.units), dtype=np.int64),
        counted_gop=np.zeros(len(night.units), dtype=np.int64),
        counted_other=np.zeros(len(night.units), dtype=np.int64),
        complete=np.zeros(len(night.units), dtype=bool),
    )
    result = estimate(empty)
    assert all(race.units_reporting == 0 for race in result.races)
    # Nothing counted: the estimate is the baseline, with wide intervals.
    pa = result.race("PA")
    assert pa.margin_intervals[0.9].width > 0.05 and pa.margin_intervals[0.9].contains(pa.margin)
    final = simulate(night, night_2024.features, 1.0, Order.RANDOM, np.random.default_rng(0))
    final = replace(
        final,
        counted_dem=night.dem,
        counted_gop=night.gop,
        counted_other=night.other,
        complete=np.ones(len(night.units), dtype=bool),
    )
    truth = night.race_margins()
    for race in estimate(final).races:
        assert race.margin == pytest.approx(truth[race.race], abs=1e-12)
        assert race.margin_intervals[0.995].width < 1e-12


def test_more_votes_than_expected(night_2024: RealNight) -> None:
    snapshot = simulate(
        night_2024.night, night_2024.features, 0.5, Order.RANDOM, np.random.default_rng(4)
    )
    low = np.where(snapshot.counted_total > 0, snapshot.counted_total * 0.5, np.nan)
    result = estimate(replace(snapshot, expected_votes=low))
    assert np.all(result.units.total >= snapshot.counted_total)
    assert np.all(result.units.total_hi[:, 0] >= snapshot.counted_total)


def test_snapshot_and_params_are_validated(night_2024: RealNight) -> None:
    snapshot = simulate(
        night_2024.night, night_2024.features, 0.5, Order.RANDOM, np.random.default_rng(4)
    )
    with pytest.raises(ModelError, match="rows"):
        replace(snapshot, complete=snapshot.complete[:-1])
    with pytest.raises(ModelError, match="negative"):
        replace(snapshot, counted_dem=snapshot.counted_dem - 10**9)
    with pytest.raises(ConfigError, match="size_power"):
        ModelParams(size_power=2.0)
    with pytest.raises(ConfigError, match="calibration"):
        ModelParams(calibration=0.0)
    with pytest.raises(ConfigError, match="state_sd_floor"):
        OutcomePrior(intercept_sd=1, coef_sd=1, state_sd=0.1, state_sd_floor=0.2, unit_sd=1)


def test_real_2020_snapshot_intervals_contain_certified_margins(
    data_dir: Path, covariates: Covariates
) -> None:
    """8 November 2020, counts still partial: the 90% intervals hold the certified margins."""
    snapshot = model_snapshot(data_dir, covariates)
    certified = load_state_totals(2020, data_dir)
    result = estimate(snapshot)
    assert len(result.races) == 50  # the snapshot has no DC
    covered = [r.margin_intervals[0.9].contains(certified[r.race].margin) for r in result.races]
    assert np.mean(covered) >= 0.9
    # Pennsylvania, still counting mail ballots on the 8th, ends for Biden inside its interval.
    assert result.race("PA").margin_intervals[0.9].contains(certified["PA"].margin)
