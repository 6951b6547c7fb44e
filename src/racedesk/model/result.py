"""What ``estimate`` returns: one ``RaceEstimate`` per race, unit-level arrays, shared error.

**Combining errors across races (the Electoral College simulation).** Race errors are not
independent: they share the national pattern (the pooled regression's coefficients). Two ways,
both exposed:

* exact (within the model): draw the race margins jointly from ``N(margin, margin_cov)``
  (``race_keys`` orders its rows);
* one factor: draw one standard normal ``z`` per simulation and, per race, an independent ``e``;
  the race margin is ``margin + shared_sd * z + sqrt(margin_sd**2 - shared_sd**2) * e``.
  ``national_sd`` is the sd of that shared error for the nation's remaining vote as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.model.estimate import RaceEstimate

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitEstimates:
    """Unit-level final estimates; interval arrays have one column per level in ``LEVELS``."""

    units: StrArray
    races: StrArray
    dem: FloatArray
    gop: FloatArray
    other: FloatArray
    total: FloatArray
    margin: FloatArray
    margin_lo: FloatArray
    margin_hi: FloatArray
    total_lo: FloatArray
    total_hi: FloatArray
    reporting: BoolArray
    complete: BoolArray


@dataclass(frozen=True, slots=True, kw_only=True)
class FitSummary:
    """The fitted spreads, for diagnostics and the docs."""

    units_fitted: int
    swing_unit_sd: float
    swing_state_sd: float
    turnout_unit_sd: float
    turnout_state_sd: float
    swing_quantiles: tuple[float, ...]  # conformal quantiles at LEVELS
    turnout_quantiles: tuple[float, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelResult:
    races: tuple[RaceEstimate, ...]
    units: UnitEstimates
    race_keys: tuple[str, ...]
    margin_cov: FloatArray  # (races, races) calibrated covariance of the final margins
    national_sd: float  # sd of the shared error of the nation's remaining-vote margin
    fit: FitSummary

    def race(self, key: str) -> RaceEstimate:
        return self.races[self.race_keys.index(key)]

    def by_race(self) -> dict[str, RaceEstimate]:
        return dict(zip(self.race_keys, self.races, strict=True))
