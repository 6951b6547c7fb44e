"""Vote counts as they arrive: one cumulative count per contest, unit, candidate and vote mode.

Votes are ``int``; shares are computed. Times are UTC-aware.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from racedesk.domain.ids import CandidateId, ContestId, UnitId


class VoteMode(StrEnum):
    """How a ballot was cast. ``total`` is used when a source does not split by mode."""

    TOTAL = "total"
    EARLY = "early"
    MAIL = "mail"
    ELECTION_DAY = "election_day"
    PROVISIONAL = "provisional"


@dataclass(frozen=True, slots=True, kw_only=True)
class CountUpdate:
    """A cumulative count reported at ``at``: everything counted so far, not an increment."""

    at: datetime
    contest: ContestId
    unit: UnitId
    candidate: CandidateId
    mode: VoteMode
    votes: int
    expected_votes: int | None = None  # the unit's expected final total (all candidates, all modes)
    source: str = ""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("CountUpdate.at must be timezone-aware (UTC)")
        if self.votes < 0:
            raise ValueError(f"negative vote count {self.votes}")
