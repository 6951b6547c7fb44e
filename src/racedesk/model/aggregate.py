r"""Units to races: sums, the race margin's variance, intervals, and ``estimate`` itself.

A race's final margin is :math:`M = \sum_i (D_i - G_i) / \sum_i T_i`. To first order its error is

.. math::

    \delta M = \sum_i \frac{T_i}{T}\,\delta m_i + \sum_i \frac{\tilde m_i - M}{T}\,\delta T_i,

:math:`\delta m_i` the unit's final-margin error, :math:`\delta T_i` its final-total error and
:math:`\tilde m_i` the margin of its remaining votes. Each error is a shared part (the pooled
coefficients' error: national pattern plus the state effect, correlated across units and, through
the national columns, across races) and an own part (independent). With :math:`Z` the
race-aggregated loadings on the coefficients, the race covariance is
:math:`Z_m \Sigma_m Z_m^\top + Z_T \Sigma_T Z_T^\top + \operatorname{diag}(\text{own})`, then
multiplied by ``calibration``\ :sup:`2`. All of it is a few matrix products over the ~3,150 units.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from racedesk.model.estimate import LEVELS, Interval, RaceEstimate
from racedesk.model.intervals import (
    conformal_quantiles,
    gaussian_quantiles,
    margin_bounds,
    total_bounds,
)
from racedesk.model.outstanding import UnitForecast, forecast_units, unit_sds
from racedesk.model.params import ModelParams
from racedesk.model.pooled import quadratic_rows
from racedesk.model.result import FitSummary, ModelResult, UnitEstimates
from racedesk.model.snapshot import Snapshot

FloatArray = npt.NDArray[np.float64]


def estimate(snapshot: Snapshot, params: ModelParams | None = None) -> ModelResult:
    """Final margins and totals of every race and unit in ``snapshot``, with intervals."""
    params = params or ModelParams()
    forecast = forecast_units(snapshot, params)
    keys, race_index = np.unique(snapshot.races, return_inverse=True)
    indicator = np.zeros((len(keys), len(snapshot)))
    indicator[race_index, np.arange(len(snapshot))] = 1.0

    def per_race(values: FloatArray) -> FloatArray:
        return np.bincount(race_index, weights=values, minlength=len(keys)).astype(np.float64)

    dem, gop, other = per_race(forecast.dem), per_race(forecast.gop), per_race(forecast.other)
    total = dem + gop + other
    safe_total = np.where(total > 0, total, 1.0)
    margin = np.where(total > 0, (dem - gop) / safe_total, 0.0)
    counted = per_race(forecast.counted)
    lead = per_race(forecast.counted_lead)

    x = forecast.design.matrix
    unit_total = safe_total[race_index]
    margin_weight = forecast.total / unit_total
    turnout_weight = (forecast.remaining_margin - margin[race_index]) / unit_total
    z_swing = indicator @ (forecast.swing_rows * margin_weight[:, None])
    z_turnout = indicator @ (x * (turnout_weight * forecast.total_loading)[:, None])
    z_total = indicator @ (x * forecast.total_loading[:, None])
    own = per_race(margin_weight**2 * forecast.margin_var + turnout_weight**2 * forecast.total_var)
    own += per_race(margin_weight * forecast.mode_bias) ** 2
    remaining_share = np.clip((total - counted) / safe_total, 0.0, 1.0)
    floor = params.national_floor_sd * remaining_share
    swing_cov, turnout_cov = forecast.swing_fit.cov, forecast.turnout_fit.cov
    shared_part = z_swing @ swing_cov @ z_swing.T + z_turnout @ turnout_cov @ z_turnout.T
    margin_cov = (shared_part + np.outer(floor, floor) + np.diag(own)) * params.calibration**2
    margin_sd = np.sqrt(np.maximum(np.diag(margin_cov), 0.0))
    k = forecast.design.shared
    national = (
        quadratic_rows(z_swing[:, :k], swing_cov[:k, :k])
        + quadratic_rows(z_turnout[:, :k], turnout_cov[:k, :k])
        + floor**2
    )
    shared_sd = np.minimum(np.sqrt(np.maximum(national, 0.0)) * params.calibration, margin_sd)
    total_var = per_race(forecast.total_var) + quadratic_rows(z_total, turnout_cov)
    total_sd = np.sqrt(np.maximum(total_var, 0.0)) * params.calibration

    quantiles = gaussian_quantiles(LEVELS)
    total_lo, total_hi = total_bounds(total, total_sd, counted, quantiles)
    margin_lo, margin_hi = margin_bounds(margin, margin_sd, quantiles, lead, counted, total_hi)
    units_total = np.bincount(race_index, minlength=len(keys))
    units_reporting = np.bincount(race_index, weights=forecast.reporting, minlength=len(keys))
    counted_dem = np.bincount(race_index, weights=snapshot.counted_dem, minlength=len(keys))
    counted_gop = np.bincount(race_index, weights=snapshot.counted_gop, minlength=len(keys))
    counted_other = np.bincount(race_index, weights=snapshot.counted_other, minlength=len(keys))
    races = tuple(
        RaceEstimate(
            race=str(keys[r]),
            counted_dem=int(counted_dem[r]),
            counted_gop=int(counted_gop[r]),
            counted_other=int(counted_other[r]),
            expected_total=float(total[r]),
            margin=float(margin[r]),
            margin_sd=float(margin_sd[r]),
            margin_intervals={
                level: Interval(lo=float(margin_lo[r, j]), hi=float(margin_hi[r, j]))
                for j, level in enumerate(LEVELS)
            },
            total_intervals={
                level: Interval(lo=float(total_lo[r, j]), hi=float(total_hi[r, j]))
                for j, level in enumerate(LEVELS)
            },
            units_total=int(units_total[r]),
            units_reporting=int(units_reporting[r]),
            shared_sd=float(shared_sd[r]),
        )
        for r in range(len(keys))
    )
    national_z = forecast.total @ forecast.swing_rows[:, :k] / max(float(forecast.total.sum()), 1.0)
    national_sd = float(
        np.sqrt(max(float(national_z @ swing_cov[:k, :k] @ national_z), 0.0))
        + params.national_floor_sd
    )
    return ModelResult(
        races=races,
        units=_unit_estimates(snapshot, forecast, params),
        race_keys=tuple(str(key) for key in keys),
        margin_cov=margin_cov,
        national_sd=national_sd * params.calibration,
        fit=_summary(forecast),
    )


def _scores(residuals: FloatArray, sd: FloatArray) -> FloatArray:
    result: FloatArray = np.abs(residuals) / np.where(sd > 0, sd, np.inf)
    return result


def _summary(forecast: UnitForecast) -> FitSummary:
    swing, turnout = forecast.swing_fit, forecast.turnout_fit
    return FitSummary(
        units_fitted=swing.n,
        swing_unit_sd=swing.sigma,
        swing_state_sd=swing.state_sd,
        turnout_unit_sd=turnout.sigma,
        turnout_state_sd=turnout.state_sd,
        swing_quantiles=tuple(
            float(q)
            for q in conformal_quantiles(_scores(swing.residuals, swing.residual_sd), LEVELS)
        ),
        turnout_quantiles=tuple(
            float(q)
            for q in conformal_quantiles(_scores(turnout.residuals, turnout.residual_sd), LEVELS)
        ),
    )


def _unit_estimates(
    snapshot: Snapshot, forecast: UnitForecast, params: ModelParams
) -> UnitEstimates:
    swing, turnout = forecast.swing_fit, forecast.turnout_fit
    margin_q = conformal_quantiles(_scores(swing.residuals, swing.residual_sd), LEVELS)
    total_q = conformal_quantiles(_scores(turnout.residuals, turnout.residual_sd), LEVELS)
    margin_sd, total_sd = unit_sds(forecast)
    total = forecast.total
    safe = np.where(total > 0, total, 1.0)
    margin = np.where(total > 0, (forecast.dem - forecast.gop) / safe, 0.0)
    total_lo, total_hi = total_bounds(total, total_sd, forecast.counted, total_q)
    margin_lo, margin_hi = margin_bounds(
        margin, margin_sd, margin_q, forecast.counted_lead, forecast.counted, total_hi
    )
    return UnitEstimates(
        units=snapshot.units,
        races=snapshot.races,
        dem=forecast.dem,
        gop=forecast.gop,
        other=forecast.other,
        total=total,
        margin=margin,
        margin_lo=margin_lo,
        margin_hi=margin_hi,
        total_lo=total_lo,
        total_hi=total_hi,
        reporting=forecast.reporting,
        complete=forecast.done,
    )
