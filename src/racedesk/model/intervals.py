r"""Prediction intervals: how wide, and clipped to what the count already makes impossible.

**Unit intervals — normalised jackknife (leave-one-out) conformal.** For each reporting unit the
pooled fit gives a leave-one-out residual :math:`r_i^{(-i)} = r_i / (1 - h_{ii})` and its
predictive sd :math:`s_i`. The normalised scores :math:`a_i = |r_i^{(-i)}| / s_i` are exchangeable
with the score of a not-yet-reported unit *drawn like the reporting ones*, so the
:math:`\lceil (n+1)\ell \rceil`-th smallest score :math:`q_\ell` gives
:math:`\hat y_j \pm q_\ell s_j` with coverage :math:`\ge \ell` (Barber et al. 2021, jackknife+;
the normalisation makes the width follow each unit's own sd). Leave-one-out costs nothing here:
the hat matrix diagonal comes with the fit. Why conformal and not bootstrap: it needs one fit,
not hundreds (the national fit must stay far under 0.1 s), and its guarantee does not rest on the
Gaussian error model, whose tails are too thin for counties. With too few reporting units for a
quantile (:math:`n < 1/(1-\ell) - 1`) the Gaussian quantile is used, never a smaller one.

**Race intervals — Gaussian on the calibrated race sd.** A race's error is a sum over many units
(nearly Gaussian by the central limit theorem) plus the shared state and national terms, whose
variance the fit estimates; the exchangeability conformal needs does not hold between races
(each state's remaining units are a different mix), so the race sd is calibrated instead
(``ModelParams.calibration``, measured on simulated nights in ``bench/bench_model.py``).

**Clipping to what is counted.** With counted votes :math:`C`, counted lead
:math:`\Delta = D_c - G_c` and at most :math:`R` votes still to come, the final margin lies in
:math:`[(\Delta - R)/(C + R),\ (\Delta + R)/(C + R)]`; both ends move outward as :math:`R` grows,
so using the interval's own upper total keeps intervals nested across levels. A total interval
runs from :math:`C` (the contract: it contains the votes counted; the final total cannot be less)
up to :math:`\hat T + q_\ell s`. Every interval is then widened, if needed, to contain the
point estimate.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

FloatArray = npt.NDArray[np.float64]


def gaussian_quantiles(levels: tuple[float, ...]) -> FloatArray:
    """Two-sided standard normal quantiles: 0.9 -> 1.645."""
    result: FloatArray = norm.ppf(0.5 + 0.5 * np.asarray(levels, dtype=np.float64))
    return result


def conformal_quantiles(scores: FloatArray, levels: tuple[float, ...]) -> FloatArray:
    """Finite-sample conformal quantiles of normalised scores, never below the Gaussian ones."""
    gaussian = gaussian_quantiles(levels)
    finite = np.sort(scores[np.isfinite(scores)])
    n = len(finite)
    result = gaussian.copy()
    for k, level in enumerate(levels):
        rank = int(np.ceil((n + 1) * level))
        if n and rank <= n:
            result[k] = max(gaussian[k], float(finite[rank - 1]))
        elif n:
            result[k] = max(gaussian[k], float(finite[-1]))
    accumulated: FloatArray = np.maximum.accumulate(result)
    return accumulated


def total_bounds(
    point: FloatArray, sd: FloatArray, counted: FloatArray, quantiles: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(lo, hi) of shape (n, levels), from the count (the contract: a total interval contains
    the votes already counted, and the final total cannot be lower) to above the point."""
    half = sd[:, None] * quantiles[None, :]
    lo = np.broadcast_to(np.minimum(counted, point)[:, None], half.shape).copy()
    hi = np.maximum(point[:, None] + half, np.maximum(point, counted)[:, None])
    return lo, hi


def margin_bounds(
    point: FloatArray,
    sd: FloatArray,
    quantiles: FloatArray,
    counted_lead: FloatArray,
    counted: FloatArray,
    total_hi: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """(lo, hi) of shape (n, levels), clipped to the margins the remaining vote allows."""
    half = sd[:, None] * quantiles[None, :]
    lo = point[:, None] - half
    hi = point[:, None] + half
    remaining = np.maximum(total_hi - counted[:, None], 0.0)
    final = counted[:, None] + remaining
    safe = np.where(final > 0, final, 1.0)
    feasible_lo = np.where(final > 0, (counted_lead[:, None] - remaining) / safe, -1.0)
    feasible_hi = np.where(final > 0, (counted_lead[:, None] + remaining) / safe, 1.0)
    lo = np.clip(lo, np.maximum(feasible_lo, -1.0), 1.0)
    hi = np.clip(hi, -1.0, np.minimum(feasible_hi, 1.0))
    lo = np.minimum(lo, point[:, None])
    hi = np.maximum(hi, point[:, None])
    return lo, hi
