"""A night as columns: every cumulative count of every unit, in arrival order.

Generated replays and converted real nights share this shape. A row is one cumulative count of
one (unit, candidate, vote mode) at one instant; units are rows of a small unit table (id and
contest), so the per-row columns stay numeric and a whole national night fits in a few MB.
A unit reports either by vote mode or as ``total``, never both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from racedesk.domain.counts import CountUpdate, VoteMode
from racedesk.domain.ids import CandidateId, ContestId, UnitId

IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int8]
StrArray = npt.NDArray[np.str_]

CANDIDATES: tuple[CandidateId, ...] = (CandidateId("dem"), CandidateId("gop"), CandidateId("other"))
MODES: tuple[VoteMode, ...] = tuple(VoteMode)
UNKNOWN = -1  # expected_votes not known


@dataclass(frozen=True, slots=True, kw_only=True)
class Night:
    """Cumulative counts in arrival order (``at`` in UTC seconds since the epoch, ascending)."""

    year: int
    source: str
    unit_ids: StrArray  # the unit table
    unit_contests: StrArray  # contest id of each unit in the table
    at: IntArray
    unit: IntArray  # index into the unit table
    candidate: SmallArray  # index into CANDIDATES
    mode: SmallArray  # index into MODES
    votes: IntArray  # cumulative
    expected: IntArray  # the unit's expected final total, or UNKNOWN

    def __post_init__(self) -> None:
        n = len(self.at)
        columns = (self.unit, self.candidate, self.mode, self.votes, self.expected)
        if any(len(column) != n for column in columns):
            raise ValueError("Night columns differ in length")
        if len(self.unit_ids) != len(self.unit_contests):
            raise ValueError("unit table columns differ in length")
        if n and np.any(np.diff(self.at) < 0):
            raise ValueError("Night rows are not in arrival order")

    def __len__(self) -> int:
        return len(self.at)

    @property
    def start(self) -> datetime:
        return datetime.fromtimestamp(int(self.at[0]), UTC)

    @property
    def end(self) -> datetime:
        return datetime.fromtimestamp(int(self.at[-1]), UTC)

    def update(self, row: int) -> CountUpdate:
        expected = int(self.expected[row])
        unit = int(self.unit[row])
        return CountUpdate(
            at=datetime.fromtimestamp(int(self.at[row]), UTC),
            contest=ContestId(str(self.unit_contests[unit])),
            unit=UnitId(str(self.unit_ids[unit])),
            candidate=CANDIDATES[int(self.candidate[row])],
            mode=MODES[int(self.mode[row])],
            votes=int(self.votes[row]),
            expected_votes=None if expected == UNKNOWN else expected,
            source=self.source,
        )

    def updates(self) -> Iterator[CountUpdate]:
        """Every row as a ``CountUpdate``, in arrival order."""
        for row in range(len(self)):
            yield self.update(row)

    def final(self) -> dict[tuple[str, str, str, str], int]:
        """The last count of each (contest, unit, candidate, mode)."""
        key = (self.unit * len(CANDIDATES) + self.candidate) * len(MODES) + self.mode
        order = np.argsort(key, kind="stable")
        last = np.flatnonzero(np.r_[np.diff(key[order]) != 0, True])
        rows = order[last]
        return {
            (
                str(self.unit_contests[self.unit[r]]),
                str(self.unit_ids[self.unit[r]]),
                CANDIDATES[self.candidate[r]],
                MODES[self.mode[r]].value,
            ): int(self.votes[r])
            for r in rows
        }

    def unit_totals(self) -> dict[tuple[str, str, str], int]:
        """The final votes of each (contest, unit, candidate), summed over vote modes."""
        totals: dict[tuple[str, str, str], int] = {}
        for (contest, unit, candidate, _), votes in self.final().items():
            key = (contest, unit, candidate)
            totals[key] = totals.get(key, 0) + votes
        return totals

    def take(self, rows: npt.NDArray[np.bool_] | IntArray) -> Night:
        """A night of some of the rows (kept in order), e.g. one state's units."""
        return Night(
            year=self.year,
            source=self.source,
            unit_ids=self.unit_ids,
            unit_contests=self.unit_contests,
            at=self.at[rows],
            unit=self.unit[rows],
            candidate=self.candidate[rows],
            mode=self.mode[rows],
            votes=self.votes[rows],
            expected=self.expected[rows],
        )
