"""A race's status at one instant, and the numbers every decision rested on.

One frozen ``RaceStatus`` per race and cycle. Its ``kind`` is one of the AP's decision states:
``not_yet`` (polls open), ``too_early`` (wait for more counting), ``too_close`` (a complete count
may not settle it: the recount zone is in reach), ``called`` (winner declared) or ``retracted``
(a call withdrawn, with the reason; AP's "Uncalled"). A called status is returned unchanged by
later cycles while the evidence holds, so ``status == previous`` means "nothing new".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from racedesk.domain.contests import Party
from racedesk.errors import CallRuleError
from racedesk.model.estimate import Interval


class Kind(StrEnum):
    NOT_YET = "not_yet"
    TOO_EARLY = "too_early"
    TOO_CLOSE = "too_close"
    CALLED = "called"
    RETRACTED = "retracted"

    @property
    def label(self) -> str:
        return {
            "not_yet": "polls open",
            "too_early": "too early to call",
            "too_close": "too close to call",
            "called": "called",
            "retracted": "call retracted",
        }[self.value]


class Rule(StrEnum):
    """Which rule made a call."""

    COUNT = "count"  # the interval clears the recount band and enough of the vote is in
    SAFE_STATE = "safe_state"  # lopsided by the baseline, model agrees, first returns agree


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """The numbers a decision used. Margins are ``(dem − gop) / total``; shares are in [0, 1].

    ``hurdle`` is the share of the remaining vote (upper end of the expected-total interval, no
    votes to third parties) the candidate trailing in the *estimate* would need to win; ``None``
    when nothing remains to be counted.
    """

    counted_margin: float
    margin: float  # the model's point estimate of the final margin
    interval: Interval  # final margin at ``confidence``
    confidence: float
    recount_band: float  # half-width of the no-call zone around a tie
    recount_rule: str  # the state's trigger in words
    share_counted: float
    counted_total: int
    expected_total: float
    remaining_high: float  # remaining vote at the upper end of the total interval
    hurdle: float | None
    prior_margin: float | None  # the baseline (previous election) margin, when given

    @property
    def leader(self) -> Party | None:
        """The candidate ahead in the estimate; ``None`` on an exact tie."""
        if self.margin == 0:
            return None
        return Party.DEM if self.margin > 0 else Party.GOP

    @property
    def clears_band(self) -> bool:
        """The interval lies wholly beyond the recount band, on one side of the tie."""
        return self.interval.lo > self.recount_band or self.interval.hi < -self.recount_band


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceStatus:
    """The desk's decision on one race at ``at`` (UTC)."""

    race: str
    kind: Kind
    at: datetime  # when this status was decided; for a call, the moment of the call
    reasons: tuple[str, ...]
    evidence: Evidence | None = None  # None only while polls are open or the estimate is unusable
    winner: Party | None = None  # the called (or, when retracted, the withdrawn) winner
    rule: Rule | None = None  # what made the call
    called_at: datetime | None = None  # for a retraction: when the withdrawn call was made

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise CallRuleError(f"{self.race}: status time {self.at} must be timezone-aware (UTC)")
        if self.kind is Kind.CALLED and (
            self.winner is None or self.evidence is None or self.rule is None
        ):
            raise CallRuleError(f"{self.race}: a call needs a winner, a rule and its evidence")
        if self.kind is Kind.RETRACTED and (self.winner is None or self.called_at is None):
            raise CallRuleError(f"{self.race}: a retraction names the withdrawn call")
        if self.kind not in (Kind.CALLED, Kind.RETRACTED) and self.winner is not None:
            raise CallRuleError(f"{self.race}: only calls and retractions name a winner")
        if not self.reasons:
            raise CallRuleError(f"{self.race}: every decision gives its reasons")

    @property
    def called(self) -> bool:
        return self.kind is Kind.CALLED

    @property
    def confidence(self) -> float | None:
        return self.evidence.confidence if self.evidence is not None else None

    def describe(self) -> str:
        """One line for logs and tables: ``PA called for gop at 07:24Z: margin +2.1 pts; ...``."""
        head = f"{self.race} {self.kind.label}"
        if self.winner is not None:
            head += f" ({self.winner.value})"
        return f"{head} at {self.at:%Y-%m-%d %H:%MZ}: " + "; ".join(self.reasons)
