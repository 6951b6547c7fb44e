"""What the model hands to the calls and the Electoral College: one estimate per race.

Margins are two-party-free shares of the *total* vote: ``(dem - gop) / total``, in [-1, 1];
positive means the Democrat leads. Intervals are given at fixed levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LEVELS: tuple[float, ...] = (0.8, 0.9, 0.95, 0.99, 0.995)


@dataclass(frozen=True, slots=True, kw_only=True)
class Interval:
    lo: float
    hi: float

    def __post_init__(self) -> None:
        if not self.lo <= self.hi:
            raise ValueError(f"inverted interval [{self.lo}, {self.hi}]")

    def contains(self, value: float) -> bool:
        return self.lo <= value <= self.hi

    @property
    def width(self) -> float:
        return self.hi - self.lo


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceEstimate:
    """The model's view of one race (a state, or a Maine/Nebraska district) at one instant.

    ``margin_intervals`` and ``total_intervals`` map each level in ``LEVELS`` to an interval;
    every margin interval contains ``margin``, and every total interval contains both
    ``expected_total`` and ``counted_total``.
    """

    race: str
    counted_dem: int
    counted_gop: int
    counted_other: int
    expected_total: float  # point estimate of the final total vote
    margin: float  # point estimate of the final (dem - gop) / total
    margin_sd: float  # predictive standard deviation of the final margin (calibrated)
    margin_intervals: dict[float, Interval] = field(default_factory=dict)
    total_intervals: dict[float, Interval] = field(default_factory=dict)
    units_total: int = 0
    units_reporting: int = 0  # units with any votes counted
    # The part of margin_sd shared with every other race (national error); see model.result.
    shared_sd: float = 0.0

    @property
    def counted_total(self) -> int:
        return self.counted_dem + self.counted_gop + self.counted_other

    @property
    def counted_margin(self) -> float:
        total = self.counted_total
        return (self.counted_dem - self.counted_gop) / total if total else 0.0

    @property
    def share_counted(self) -> float:
        """Counted votes as a share of the expected final total (capped at 1)."""
        if self.expected_total <= 0:
            return 0.0
        return min(1.0, self.counted_total / self.expected_total)

    @property
    def remaining(self) -> float:
        return max(0.0, self.expected_total - self.counted_total)
