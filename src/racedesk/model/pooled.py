r"""One regression across all states at once, with state effects shrunk toward the nation.

For an outcome :math:`y_i` of unit :math:`i` (swing, log turnout ratio, or other-share change):

.. math::

    y_i = x_i^\top \beta + u_{s(i)} + \varepsilon_i, \qquad
    \varepsilon_i \sim N(0, \sigma^2 \nu_i), \qquad u_s \sim N(0, \tau^2),

with Gaussian priors :math:`\beta_0 \sim N(0, \sigma_0^2)` (the national shift) and
:math:`\beta_j \sim N(0, \sigma_c^2)` (standardised covariates). :math:`\nu_i` is a unit's
relative error variance (``noise``: 9 for a unit with only a pooled baseline, more for a partly
counted one). The fit weights :math:`w_i \propto (\text{baseline votes})^{a}` make big units
count more (they decide states) but need not be the inverse variances, so the coefficient
covariance is a sandwich. Stacking the state effects into :math:`\theta = (\beta, u)` with prior
precision :math:`D` and :math:`A = X^\top W X + s^2 D` (:math:`s^2` the weighted residual
variance):

.. math::

    \hat\theta = A^{-1} X^\top W y, \qquad
    \operatorname{Cov}(\hat\theta - \theta) = A^{-1}(\sigma^2 X^\top W^2 N X + s^4 D) A^{-1}.

The ridge penalty on :math:`u` is :math:`s^2/\tau^2`: a state with few reporting units stays
near the national pattern, a state with many follows its own. :math:`\sigma^2`, :math:`s^2` and
:math:`\tau^2` are estimated by a few EM-like steps (empirical Bayes), each held to its prior by
pseudo-observations so that the first units of the night cannot make them collapse.

The coefficients are Huber-robust: after the first fit, a unit whose standardised residual is
beyond ``ModelParams.huber`` loses weight in proportion (thirty counties with the parties swapped
move the other units' forecasts a quarter as much as without). The spreads are *not*: 2024's
Alaska house districts, redrawn since 2020 but matched by name, carry "swings" of 50-90 points
and double :math:`\sigma` (0.045 against 0.023 with capped residuals), but capping them left the
intervals too narrow where the reporting units are unlike the rest (each party's strongholds
first), so junk units widen intervals, the safe side.

A unit that has not reported gets the predictive variance
:math:`\sigma^2 \nu_i + x_i^\top \operatorname{Cov}\,x_i`: the second term grows for units unlike
the reporting ones (extrapolation; ``outstanding`` stretches it further). Reporting units'
leave-one-out residuals :math:`r_i/(1-h_{ii})` are returned for the conformal calibration.
Cost: two weighted Gram matrices and one :math:`p\times p` inverse per EM step,
:math:`p \approx 37 + 51`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.model.params import ModelParams, OutcomePrior

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Design:
    """The design matrix: shared columns first (intercept at 0), then one column per state."""

    matrix: FloatArray  # (n, shared + states)
    shared: int
    state_index: IntArray  # (n,) the state column of each unit, 0..states-1
    states: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PooledFit:
    coef: FloatArray
    cov: FloatArray  # posterior covariance of coef
    sigma: float  # unit error sd at weight 1
    state_sd: float
    residuals: FloatArray  # leave-one-out residuals of the fitted units
    residual_sd: FloatArray  # their predictive sd
    n: int

    def predict(self, design: Design) -> FloatArray:
        result: FloatArray = design.matrix @ self.coef
        return result

    def coef_variance(self, design: Design) -> FloatArray:
        """Per-unit variance of the fitted mean (the coefficient uncertainty)."""
        return quadratic_rows(design.matrix, self.cov)


def quadratic_rows(x: FloatArray, matrix: FloatArray) -> FloatArray:
    """``x_i^T M x_i`` for every row (one matrix product, not a loop)."""
    result: FloatArray = np.maximum(((x @ matrix) * x).sum(axis=1), 0.0)
    return result


def fit_pooled(
    design: Design,
    y: FloatArray,
    weights: FloatArray,
    fit: BoolArray,
    prior: OutcomePrior,
    params: ModelParams,
    noise: FloatArray | None = None,
) -> PooledFit:
    """Fit on the units in ``fit`` (weights ``weights``; ``noise`` each unit's relative error
    variance, 1 if not given); EM for the unit and state spreads."""
    prior_units, prior_states = params.prior_units, params.prior_states
    iterations = params.em_iterations
    x = design.matrix[fit]
    base_w = weights[fit]
    w = base_w
    v = np.ones(len(w)) if noise is None else noise[fit]
    yy = y[fit]
    n, p = x.shape
    shared = design.shared
    counts = np.bincount(design.state_index[fit], minlength=design.states)
    observed = np.flatnonzero(counts > 0) + shared
    prior_var = np.empty(p)
    prior_var[0] = prior.intercept_sd**2
    prior_var[1:shared] = prior.coef_sd**2
    states = slice(shared, shared + design.states)
    prior_var[states] = prior.state_sd**2
    sigma2 = prior.unit_sd**2  # unit error variance (the same for every unit)
    scale2 = sigma2  # its weighted counterpart, which sets the ridge penalties
    for step in range(iterations + 1):
        if step < 2:  # the Huber weights are set once, after the first fit
            gram = (x * w[:, None]).T @ x
            gram2 = (x * (w**2 * v)[:, None]).T @ x
            moment = (x * w[:, None]).T @ yy
        penalty = np.diag(1.0 / prior_var)
        inverse = np.asarray(np.linalg.inv(gram + scale2 * penalty), dtype=np.float64)
        coef = inverse @ moment
        resid = yy - x @ coef
        # Sandwich: the weights need not be the inverse variances.
        cov = inverse @ (sigma2 * gram2 + scale2**2 * penalty) @ inverse
        if step == iterations:
            break
        df = float(np.sum(inverse * gram))  # trace of the hat matrix
        room = prior_units + max(n - df, 0.0)
        # The spread is the plain mean square: junk units (a redrawn district, a feed error)
        # widen every interval, which is the safe side. Huber only guards the coefficients: after
        # the first fit, a unit beyond ``huber`` sds loses weight in proportion.
        z2 = resid**2 / (v * sigma2)
        sigma2 = (prior_units * prior.unit_sd**2 + float(resid**2 @ (1.0 / v))) / room
        scale2 = (prior_units * prior.unit_sd**2 + float(w @ resid**2)) / room
        if step == 0:
            w = base_w * np.minimum(1.0, params.huber / np.sqrt(np.maximum(z2, 1e-12)))
        effects = coef[observed] ** 2 + np.diag(cov)[observed]
        tau2 = (prior_states * prior.state_sd**2 + float(effects.sum())) / (
            prior_states + len(observed)
        )
        prior_var[states] = max(prior.state_sd_floor**2, tau2)
    leverage = np.clip(quadratic_rows(x, inverse) * w, 0.0, 0.99)
    loo = resid / (1.0 - leverage)
    return PooledFit(
        coef=coef,
        cov=cov,
        sigma=float(np.sqrt(sigma2)),
        state_sd=float(np.sqrt(prior_var[shared])) if design.states else 0.0,
        residuals=loo,
        residual_sd=np.sqrt(sigma2 * v + quadratic_rows(x, cov)),
        n=n,
    )
