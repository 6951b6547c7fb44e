r"""Each unit's final turnout and shares: the expected remaining vote, unit by unit.

Three pooled regressions (``pooled``) learn, from every reporting unit of every state at once,
how units moved from their baseline: the margin swing :math:`m_i - b^m_i`, the log turnout ratio
:math:`\log(T_i / b^T_i)` and the other-share change. Complete units are observations; a partly
counted unit's counted margin is one too, with the extra variance
:math:`\eta^2 (1 - f_i)^2` (:math:`f_i` its counted share, :math:`\eta` the vote-mode bias); a
unit whose feed gives an expected vote :math:`E_i` observes its turnout with relative error
``expected_vote_sd``.

For a unit not yet complete:

* final total :math:`\hat T_i = \max(C_i, E_i)` when the feed expects :math:`E_i`, else
  :math:`\max(C_i, b^T_i e^{\hat y^T_i})`;
* final margin: the regression's :math:`\hat m_i = b^m_i + \hat y^m_i` (variance :math:`v_i`),
  moved toward the counted margin :math:`c_i` by :math:`\kappa_i = v_i / (v_i + \eta^2(1-f_i)^2)`
  (a Gaussian update: the counted share is a noisy look at the final margin);
* its error loads on the swing coefficients through the row :math:`(1-\kappa_i)\,g_i\,x_i`, where
  the **extrapolation stretch** :math:`g_i = 1 + \lambda \max(0, \sqrt{r_i} - 1)`, :math:`r_i`
  the unit's national-pattern variance :math:`x_i^\top \operatorname{Cov} x_i` (shared columns)
  over the reporting units' median: 1 for units like the reporting ones, growing for units
  unlike them (the big cities when the small counties came first), because a linear pattern
  learnt on one kind of unit is off for another by more than its coefficients' error says;
* the remaining votes carry whatever margin makes the unit end at that final margin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.model.design import design_for
from racedesk.model.params import ModelParams
from racedesk.model.pooled import Design, PooledFit, fit_pooled, quadratic_rows
from racedesk.model.snapshot import Snapshot

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitForecast:
    """Per-unit point forecasts and the pieces of their error, for ``aggregate``."""

    design: Design  # the turnout regression's columns
    swing_fit: PooledFit
    turnout_fit: PooledFit
    counted: FloatArray
    counted_lead: FloatArray  # dem - gop counted
    total: FloatArray  # final total
    dem: FloatArray
    gop: FloatArray
    other: FloatArray
    remaining_margin: FloatArray
    # Final-margin error: its row of loadings on the swing coefficients, and own variance.
    swing_rows: FloatArray  # (n, swing coefficients); zero for complete units
    margin_var: FloatArray
    mode_bias: FloatArray  # sd of the final margin's vote-mode bias, shared within a race
    # Final-total error: loading on the turnout coefficients (votes) and own variance (votes^2).
    total_loading: FloatArray
    total_var: FloatArray
    reporting: BoolArray  # any votes counted
    done: BoolArray  # complete: no error left
    turnout_coef_var: FloatArray


def forecast_units(snapshot: Snapshot, params: ModelParams) -> UnitForecast:
    f = snapshot.features
    dem = snapshot.counted_dem.astype(np.float64)
    gop = snapshot.counted_gop.astype(np.float64)
    oth = snapshot.counted_other.astype(np.float64)
    counted = dem + gop + oth
    reporting = counted > 0
    done = snapshot.complete & reporting
    expected = snapshot.expected_votes
    has_expected = np.isfinite(expected) & (expected > 0)
    in_fit = snapshot.races == snapshot.states  # district units repeat their counties
    design = design_for(snapshot, in_fit & reporting)

    weight = (f.baseline_total / f.baseline_total.mean()) ** params.size_power
    weight = weight / weight[in_fit].mean() if in_fit.any() else weight
    spread = np.where(f.has_baseline, 1.0, params.no_baseline_factor)  # own-error multiplier
    weight = weight / spread**2
    typical = float(np.median(f.baseline_total[in_fit])) if in_fit.any() else 1.0
    noise = spread**2 * (f.baseline_total / typical) ** -params.noise_power

    known_total = np.where(done, counted, np.where(has_expected, np.maximum(expected, counted), 0))
    turnout_noise = np.where(done, 0.0, params.expected_vote_sd**2)
    turnout_weight = 1.0 / (1.0 / weight + turnout_noise / params.turnout.unit_sd**2)
    turnout_fit = fit_pooled(
        design,
        np.log(np.maximum(known_total, 1.0) / f.baseline_total),
        turnout_weight,
        in_fit & (known_total > 0),
        params.turnout,
        params,
    )

    # Final total.
    turnout_log = turnout_fit.predict(design)
    turnout_coef_var = turnout_fit.coef_variance(design)
    model_total = f.baseline_total * np.exp(turnout_log)
    total = np.where(has_expected, np.maximum(expected, counted), np.maximum(model_total, counted))
    total = np.where(done, counted, total)
    uses_model_total = ~done & ~has_expected
    total_loading = np.where(uses_model_total, model_total, 0.0)
    own_total_var = np.where(
        has_expected,
        (params.expected_vote_sd * total) ** 2 + (params.overshoot * counted) ** 2,
        model_total**2 * turnout_fit.sigma**2 * spread**2,
    )
    total_var = np.where(done, 0.0, own_total_var)

    safe_counted = np.maximum(counted, 1.0)
    counted_margin = (dem - gop) / safe_counted
    # Counted share; an incomplete unit is never taken as fully counted (it may overshoot).
    share_in = np.clip(counted / np.maximum(total, 1.0), 0.0, 1.0 - params.overshoot)
    share_in = np.where(done, 1.0, share_in)
    partial_var = (params.partial_bias_sd * (1.0 - share_in)) ** 2

    swing_weight = 1.0 / (1.0 / weight + partial_var / params.swing.unit_sd**2)
    swing_fit = fit_pooled(
        design,
        counted_margin - f.baseline_margin,
        swing_weight,
        in_fit & reporting,
        params.swing,
        params,
        noise + partial_var / params.swing.unit_sd**2,
    )
    other_fit = fit_pooled(
        design,
        oth / safe_counted - f.baseline_other,
        swing_weight,
        in_fit & reporting,
        params.other,
        params,
    )

    # Final margin.
    stretch = _extrapolation(design, swing_fit, in_fit & reporting, params.extrapolation)
    rows = design.matrix * stretch[:, None]
    own_var = swing_fit.sigma**2 * noise
    swing_var = own_var + quadratic_rows(rows, swing_fit.cov)
    model_margin = np.clip(f.baseline_margin + swing_fit.predict(design), -1.0, 1.0)
    kappa = np.where(reporting, swing_var / (swing_var + partial_var + 1e-12), 0.0)
    kappa = np.where(done, 1.0, kappa)
    final_margin = model_margin + kappa * (counted_margin - model_margin)
    swing_rows = (1.0 - kappa)[:, None] * rows
    margin_var = (1.0 - kappa) ** 2 * own_var
    # Vote-mode bias is shared by a state's partly counted units (mail counted last everywhere),
    # so its part of the error is summed per race, not squared-summed: see ``aggregate``.
    # The state effect is learnt from the same biased counts: it inherits the bias of the
    # state's average counted share (fit-weighted).
    state = design.state_index
    fitted = swing_weight * (in_fit & reporting)
    mass = np.bincount(state, weights=fitted, minlength=design.states)
    state_share = np.bincount(state, weights=fitted * share_in, minlength=design.states)
    state_share = np.where(mass > 0, state_share / np.maximum(mass, 1e-12), 1.0)
    inherited = params.partial_bias_sd * (1.0 - state_share[state])
    mode_bias = np.where(done, 0.0, kappa * np.sqrt(partial_var) + (1.0 - kappa) * inherited)

    # Split the remaining votes.
    remaining = np.maximum(total - counted, 0.0)
    other_share = np.clip(f.baseline_other + other_fit.predict(design), 0.0, 0.5)
    safe_remaining = np.where(remaining > 0, remaining, 1.0)
    remaining_margin = np.where(
        remaining > 0, (final_margin * total - (dem - gop)) / safe_remaining, final_margin
    )
    limit = 1.0 - other_share
    remaining_margin = np.clip(remaining_margin, -limit, limit)
    return UnitForecast(
        design=design,
        swing_fit=swing_fit,
        turnout_fit=turnout_fit,
        counted=counted,
        counted_lead=dem - gop,
        total=total,
        dem=dem + remaining * (1.0 - other_share + remaining_margin) / 2.0,
        gop=gop + remaining * (1.0 - other_share - remaining_margin) / 2.0,
        other=oth + remaining * other_share,
        remaining_margin=remaining_margin,
        swing_rows=np.where(done[:, None], 0.0, swing_rows),
        margin_var=np.where(done, 0.0, margin_var),
        mode_bias=mode_bias,
        total_loading=total_loading,
        total_var=total_var,
        reporting=reporting,
        done=done,
        turnout_coef_var=turnout_coef_var,
    )


def _extrapolation(
    design: Design, fit: PooledFit, fitted: BoolArray, strength: float
) -> FloatArray:
    """How much more a unit's fitted mean may be off than the model says: 1 for units like the
    reporting ones, growing with the square root of its national-pattern variance over theirs
    (the linear national pattern is a local fit: it bends away from where it was learnt)."""
    k = design.shared
    national = quadratic_rows(design.matrix[:, :k], fit.cov[:k, :k])
    if strength == 0.0 or not fitted.any():
        return np.ones(len(national))
    typical = max(float(np.median(national[fitted])), 1e-12)
    result: FloatArray = 1.0 + strength * np.maximum(np.sqrt(national / typical) - 1.0, 0.0)
    return result


def unit_sds(forecast: UnitForecast) -> tuple[FloatArray, FloatArray]:
    """Each unit's final-margin and final-total standard deviation."""
    swing = quadratic_rows(forecast.swing_rows, forecast.swing_fit.cov)
    turnout = forecast.turnout_coef_var * forecast.total_loading**2
    margin = forecast.margin_var + forecast.mode_bias**2 + swing
    return np.sqrt(margin), np.sqrt(forecast.total_var + turnout)
