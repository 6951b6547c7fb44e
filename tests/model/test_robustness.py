"""What the model does with junk units, units unlike the reported ones, and covariate tails."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from nights import RealNight

from racedesk.errors import ConfigError
from racedesk.model import ModelParams, estimate
from racedesk.model.design import design_for
from racedesk.model.simulate import Order, simulate


def test_junk_units_barely_move_the_forecast_but_widen_it(night_2024: RealNight) -> None:
    """Thirty complete counties with dem and gop swapped (a feed error): with the Huber weights
    the unreported units' forecasts move a quarter as much as without; the fitted unit error
    still grows (the safe side: junk widens every interval)."""
    rng = np.random.default_rng(7)
    clean = simulate(
        night_2024.night, night_2024.features, 0.5, Order.RANDOM, rng, partial_probability=0.0
    )
    reported = np.flatnonzero(clean.complete & (clean.races == clean.states))
    junk = rng.choice(reported, 30, replace=False)
    dem, gop = clean.counted_dem.copy(), clean.counted_gop.copy()
    dem[junk], gop[junk] = clean.counted_gop[junk], clean.counted_dem[junk]
    dirty = replace(clean, counted_dem=dem, counted_gop=gop)
    out = ~clean.complete

    def moved(params: ModelParams) -> float:
        before, after = estimate(clean, params).units, estimate(dirty, params).units
        return float(np.mean(np.abs(before.margin - after.margin)[out]))

    assert moved(ModelParams()) < 0.4 * moved(ModelParams(huber=1e6))
    assert estimate(dirty).fit.swing_unit_sd > 2 * estimate(clean).fit.swing_unit_sd


def test_units_unlike_the_reported_ones_get_wider_intervals(night_2024: RealNight) -> None:
    """Smallest counties first: the big unreported ones are stretched; in random order the
    stretch hardly changes anything."""
    night, features = night_2024.night, night_2024.features

    def widths(order: Order, strength: float) -> tuple[np.ndarray, np.ndarray]:
        snap = simulate(
            night, features, 0.5, order, np.random.default_rng(3), partial_probability=0.0
        )
        units = estimate(snap, ModelParams(extrapolation=strength)).units
        width = units.margin_hi[:, 1] - units.margin_lo[:, 1]
        return width, ~units.reporting & (snap.races == snap.states)

    stretched, out = widths(Order.SMALLEST_FIRST, 1.0)
    plain, _ = widths(Order.SMALLEST_FIRST, 0.0)
    big = out & (features.baseline_total >= np.quantile(features.baseline_total[out], 0.9))
    assert np.median(stretched[big] / plain[big]) > 1.3
    stretched, out = widths(Order.RANDOM, 1.0)
    plain, _ = widths(Order.RANDOM, 0.0)
    assert np.median(stretched[out] / plain[out]) < 1.1
    assert np.all(stretched[out] >= plain[out] - 1e-12)


def test_squares_have_linear_tails_beyond_the_reported_range(night_2024: RealNight) -> None:
    snap = simulate(
        night_2024.night, night_2024.features, 0.3, Order.SMALLEST_FIRST, np.random.default_rng(1)
    )
    seen = snap.counted_total > 0
    design = design_for(snap, seen)
    covariates = night_2024.features.covariates
    k = covariates.shape[1]
    squares = design.matrix[:, design.shared - k : design.shared]
    population = covariates[:, 0]  # log population: the big counties are beyond the range
    top = float(population[seen].max())
    beyond = population > top
    assert beyond.sum() > 50
    np.testing.assert_allclose(squares[beyond, 0], top**2)
    inside = ~beyond & (population >= population[seen].min())
    np.testing.assert_allclose(squares[inside, 0], population[inside] ** 2)
    # The linear columns are not clipped: the trend goes on.
    linear = design.matrix[:, design.shared - 2 * k : design.shared - k]
    np.testing.assert_array_equal(linear[:, 0], population)


@pytest.mark.parametrize(
    ("field", "value"), [("huber", 0.0), ("noise_power", -0.1), ("extrapolation", -1.0)]
)
def test_new_params_are_validated(field: str, value: float) -> None:
    with pytest.raises(ConfigError, match=field):
        ModelParams(**{field: value})
