"""The model's input: what has been counted in every reporting unit at one instant.

Plain parallel arrays, built by the Desk from the store (or by ``simulate`` from past results).
A unit belongs to one race: a state ("PA"), or a Maine/Nebraska district ("NE-02") whose single
unit is the district itself. Counts are cumulative. The static per-unit baseline and covariates
come from ``features.build_features`` and travel with the snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from racedesk.errors import ModelError
from racedesk.model.features import UnitFeatures

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModeCounts:
    """Votes counted so far in one vote mode ("mail", "early", "election_day", ...)."""

    dem: IntArray
    gop: IntArray
    other: IntArray


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """Counts of every unit of every race at one instant.

    ``expected_votes`` is the feed's estimate of the unit's final total (NaN when unknown);
    ``complete`` marks units the feed reports as fully counted (their counts are final).
    ``modes`` optionally splits the counted votes by vote mode (sums never exceed the counts).
    """

    units: StrArray
    races: StrArray
    counted_dem: IntArray
    counted_gop: IntArray
    counted_other: IntArray
    expected_votes: FloatArray
    complete: BoolArray
    features: UnitFeatures
    modes: Mapping[str, ModeCounts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.units)
        for name in ("races", "counted_dem", "counted_gop", "counted_other"):
            if len(getattr(self, name)) != n:
                raise ModelError(f"snapshot: {name} has {len(getattr(self, name))} rows, not {n}")
        for name in ("expected_votes", "complete"):
            if len(getattr(self, name)) != n:
                raise ModelError(f"snapshot: {name} has {len(getattr(self, name))} rows, not {n}")
        if not np.array_equal(self.features.units, self.units):
            raise ModelError("snapshot: features were built for other units (rebuild them)")
        for name in ("counted_dem", "counted_gop", "counted_other"):
            values = getattr(self, name)
            if n and values.min() < 0:
                unit = self.units[int(np.argmin(values))]
                raise ModelError(f"snapshot: negative {name} in unit {unit}")
        if np.any(self.expected_votes < 0):
            raise ModelError("snapshot: negative expected_votes")
        for mode, counts in self.modes.items():
            if len(counts.dem) != n or len(counts.gop) != n or len(counts.other) != n:
                raise ModelError(f"snapshot: mode {mode!r} arrays do not have {n} rows")

    def __len__(self) -> int:
        return len(self.units)

    @property
    def counted_total(self) -> IntArray:
        return self.counted_dem + self.counted_gop + self.counted_other

    @property
    def states(self) -> StrArray:
        """The state of each unit (the first two letters of its race)."""
        return self.races.astype("<U2")
