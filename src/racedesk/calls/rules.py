"""The calling rules as data: recount triggers per state, confidence levels and limits.

Each state's recount trigger is encoded from ``shared/docs/recount_thresholds.csv`` (a test checks
the two agree). A trigger is a share of some vote total, a vote count, or both ("the smaller of",
"the larger of"); the share's *denominator* is the total vote for the office, the votes of the top
two, or the winner's vote. The engine turns a trigger into a **recount band**: the half-width, in
the model's margin units ``(dem − gop) / total``, of the zone around a tie where a race is not
called. The conversion is conservative (it never shrinks the zone):

* share ``s`` of the total vote: ``|m| ≤ s``;
* share ``s`` of the top two: ``|d − g| ≤ s·(d + g) ≤ s·total``, so ``|m| ≤ s``;
* share ``s`` of the winner's vote: ``|d − g| ≤ s·max(d, g)`` and ``max(d, g)/total ≤ (1 + |m|)/2``
  give ``|m| ≤ s / (2 − s)``;
* ``V`` votes: ``|m| ≤ V / total`` with ``total`` the *low* end of the expected-total interval.

States with no numeric trigger (tie-only, requested recounts at any margin, no automatic recount,
or not in the table) get ``CallRules.unknown_band`` (0.5 pts, the most common trigger in the table:
PA, AZ, FL, GA, AL). Every band is at least ``CallRules.band_floor`` (0.25 pts): below that a
canvass or late provisional ballots can move a margin, whatever the statute says.

Requested recounts (GA, WI, NC, VA) count like automatic ones: AP holds such a race as "too close
to call" because a complete count may not settle it. Year matters twice: Arizona's trigger was
0.1% before SB 1008 (2022), Michigan's 2,000 votes before Public Act 74 (2025).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from racedesk.domain.ids import STATE_FIPS
from racedesk.errors import CallRuleError
from racedesk.model.estimate import LEVELS


class Denominator(StrEnum):
    TOTAL = "total"  # votes cast for the office
    TOP_TWO = "top_two"  # votes of the two leading candidates
    WINNER = "winner"  # the leading candidate's vote


class Combine(StrEnum):
    SMALLER = "smaller"  # both must hold: "X% or N votes, whichever is less", "< N AND < X%"
    LARGER = "larger"  # either suffices: "N votes or X%, whichever is larger"


class Mechanism(StrEnum):
    AUTOMATIC = "automatic"
    REQUESTED = "requested"
    UNKNOWN = "unknown"  # not in the table, or unsure


@dataclass(frozen=True, slots=True, kw_only=True)
class RecountRule:
    """One state's recount trigger, as the statute (or the best source found) states it."""

    state: str
    mechanism: Mechanism
    share: float | None = None  # e.g. 0.005 for 0.5%
    votes: int | None = None  # absolute vote-difference trigger
    combine: Combine = Combine.SMALLER
    denominator: Denominator = Denominator.TOTAL
    tie_only: bool = False
    text: str = ""  # the trigger in words, as in the source table
    source: str = "shared/docs/recount_thresholds.csv"

    def __post_init__(self) -> None:
        if self.share is not None and not 0 < self.share < 0.1:
            raise CallRuleError(f"recount rule {self.state}: share {self.share} not in (0, 0.1)")
        if self.votes is not None and self.votes <= 0:
            raise CallRuleError(f"recount rule {self.state}: votes {self.votes} must be > 0")

    @property
    def numeric(self) -> bool:
        """Whether the rule gives a margin at all (tie-only and any-margin rules do not)."""
        return not self.tie_only and (self.share is not None or self.votes is not None)

    def band(self, total_low: float) -> float | None:
        """Half-width of the recount zone in margin units, for a final total of ``total_low``."""
        if not self.numeric:
            return None
        parts: list[float] = []
        if self.share is not None:
            share = self.share
            parts.append(share / (2 - share) if self.denominator is Denominator.WINNER else share)
        if self.votes is not None:
            parts.append(self.votes / total_low if total_low > 0 else 1.0)
        return min(parts) if self.combine is Combine.SMALLER else max(parts)


def _rule(
    state: str,
    mechanism: str,
    text: str,
    *,
    share: float | None = None,
    votes: int | None = None,
    combine: Combine = Combine.SMALLER,
    denominator: Denominator = Denominator.TOTAL,
    tie_only: bool = False,
) -> RecountRule:
    return RecountRule(
        state=state,
        mechanism=Mechanism(mechanism),
        text=text,
        share=share,
        votes=votes,
        combine=combine,
        denominator=denominator,
        tie_only=tie_only,
    )


A, R, U = "automatic", "requested", "unknown"  # short names keep the table readable
T2, W = Denominator.TOP_TWO, Denominator.WINNER

# The table, in the order of recount_thresholds.csv. Rules that change with the year are below.
RECOUNT_TABLE: tuple[RecountRule, ...] = (
    _rule("PA", A, "<= 0.5% of votes cast for the office", share=0.005),
    _rule("AZ", A, "<= 0.5% of total votes (SB 1008, from 2022)", share=0.005),
    _rule("GA", R, "<= 0.5% of total votes, on request", share=0.005),
    # Wisconsin: any candidate within 1% may ask, but pays unless the margin is under 0.25%;
    # the state-funded range is the recount range a desk waits out (AP called 2024 at 0.86%).
    _rule("WI", R, "< 0.25% state-funded (on request, paid, up to 1%)", share=0.0025),
    _rule("MI", A, "<= 2,000 votes (through 2024)", votes=2000),
    _rule("NC", R, "<= 0.5% or 10,000 votes, whichever is less", share=0.005, votes=10_000),
    _rule("FL", A, "<= 0.5% machine recount", share=0.005),
    _rule("OH", A, "< 0.25% statewide", share=0.0025),
    _rule("CO", A, "<= 0.5% of the winner's vote", share=0.005, denominator=W),
    _rule("NV", R, "any margin, requester pays"),
    _rule(
        "WA",
        A,
        "machine recount if < 2,000 votes AND < 0.5% of the top two",
        share=0.005,
        votes=2000,
        denominator=T2,
    ),
    _rule("AL", A, "<= 0.5%", share=0.005),
    _rule("AK", A, "tie only", tie_only=True),
    _rule("CT", A, "< 0.5% but not more than 2,000 votes", share=0.005, votes=2000),
    _rule("DE", A, "smaller of 0.5% or 1,000 votes", share=0.005, votes=1000),
    _rule("DC", A, "< 1%", share=0.01),
    _rule(
        "HI",
        A,
        "<= 100 votes or 0.25%, whichever is larger",
        share=0.0025,
        votes=100,
        combine=Combine.LARGER,
    ),
    _rule("KY", U, "<= 0.5% (low confidence: may be petition-based)", share=0.005),
    _rule("MT", A, "tie only", tie_only=True),
    _rule("NM", A, "< 0.25%", share=0.0025),
    _rule("ND", A, "<= 0.5% of the highest vote", share=0.005, denominator=W),
    _rule("OR", A, "tie, or <= 0.2% of total votes", share=0.002),
    _rule("SC", A, "< 1%", share=0.01),
    _rule("SD", A, "tie only", tie_only=True),
    _rule("TX", A, "tie only", tie_only=True),
    _rule("UT", A, "tie only", tie_only=True),
    _rule("VT", A, "tie only", tie_only=True),
    _rule("VA", R, "<= 1% of votes cast for the two candidates", share=0.01, denominator=T2),
    _rule("NH", R, "no automatic recount; request allowed"),
    _rule("IA", R, "no automatic recount; request allowed"),
    _rule("MN", U, "<= 0.5% publicly funded (not verified)", share=0.005),
)

# Rules that differ by election year: the table holds the rules in force in 2024.
AZ_BEFORE_2022 = _rule("AZ", A, "<= 0.1% of total votes (before SB 1008, 2022)", share=0.001)
MI_FROM_2025 = _rule("MI", A, "<= 0.1% of total votes (Public Act 74, from 2025)", share=0.001)


def recount_rules(year: int) -> dict[str, RecountRule]:
    """Every state's (and DC's) recount rule for an election ``year``; unknown states included."""
    rules = {rule.state: rule for rule in RECOUNT_TABLE}
    if year < 2022:
        rules["AZ"] = AZ_BEFORE_2022
    if year >= 2025:
        rules["MI"] = MI_FROM_2025
    for state in STATE_FIPS:
        rules.setdefault(state, _rule(state, U, "not in the recount table"))
    return rules


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRules:
    """Everything ``decide`` needs besides the estimate. Defaults are documented in docs/calls.md.

    ``confidence``: the interval level a call must clear (one of ``LEVELS``).
    ``retract_confidence``: a call stands until the interval at this (lower) level reaches the
    recount band or the other side; the gap between the two levels keeps calls from flickering.
    ``hurdle_limit``: the trailing candidate must need at least this share of the remaining vote.
    ``minimum_share_counted``: no call from the count before this share of the expected vote is in.
    ``too_close_share``: past this share counted, a race whose interval touches the band is "too
    close to call" rather than "too early".
    ``safe_prior_margin``, ``safe_estimate_margin``, ``safe_interval_margin``: the safe-state rule
    at poll close (prior margin, the model's point estimate and the near end of its interval).
    """

    year: int
    confidence: float = 0.995
    retract_confidence: float = 0.9
    hurdle_limit: float = 0.6
    minimum_share_counted: float = 0.25
    too_close_share: float = 0.8
    safe_prior_margin: float = 0.15
    safe_estimate_margin: float = 0.10
    safe_interval_margin: float = 0.05
    unknown_band: float = 0.005
    band_floor: float = 0.0025
    recount: Mapping[str, RecountRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not any(abs(self.confidence - level) < 1e-9 for level in LEVELS):
            raise CallRuleError(f"calling confidence {self.confidence} is not one of {LEVELS}")
        if not 0.5 < self.retract_confidence <= self.confidence:
            raise CallRuleError(
                f"retract_confidence {self.retract_confidence} must be in (0.5, confidence]"
            )
        if not 0.5 <= self.hurdle_limit <= 1.0:
            raise CallRuleError(f"hurdle_limit {self.hurdle_limit} must be in [0.5, 1]")
        for name in ("minimum_share_counted", "too_close_share"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise CallRuleError(f"{name} {getattr(self, name)} must be in (0, 1]")
        if not 0 < self.band_floor <= self.unknown_band < 0.1:
            raise CallRuleError("need 0 < band_floor <= unknown_band < 0.1")
        if not self.safe_prior_margin > 0 or not self.safe_estimate_margin > 0:
            raise CallRuleError("safe-state margins must be positive")

    def recount_rule(self, race: str) -> RecountRule:
        """The rule of a race's state: districts (``NE-02``) follow their state."""
        state = race[:2]
        rule = self.recount.get(state)
        return rule if rule is not None else _rule(state, U, "not in the recount table")

    def band(self, race: str, total_low: float) -> float:
        """The effective recount band of ``race`` (margin units), floors applied."""
        statutory = self.recount_rule(race).band(total_low)
        if statutory is None:
            return self.unknown_band
        return max(statutory, self.band_floor)


def rules_for(year: int, **overrides: float) -> CallRules:
    """The default rules of an election ``year``, with any limit overridden by keyword."""
    return CallRules(year=year, recount=recount_rules(year), **overrides)
