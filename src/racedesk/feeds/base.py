"""What every feed adapter hands back: one frozen ``FeedPayload`` per raw payload.

A payload holds the parsed counts plus everything needed to interpret them: contests,
candidates (with parties where the feed says), reporting units (with their level, so counts at
different levels are never added together), per-unit reporting progress, external race calls
(AP winner flags) and the items that could not be mapped. Nothing is dropped silently: a count
that cannot be attached to a unit, candidate or vote mode is listed in ``unmapped`` with the
votes it carried.

Counts are kept column-wise in a ``CountTable`` (numpy arrays of indexes into the payload's
tuples), so a payload of millions of counts costs about 30 bytes per count; ``iter_counts()``
turns rows into ``CountUpdate`` values on demand.

Invariants every adapter guarantees (checked by ``PayloadBuilder.finish``):

* one count per (contest, unit, candidate, mode);
* for one (contest, unit, candidate), either a single ``VoteMode.TOTAL`` count or counts by
  mode, never both: the modes of a unit add up to its total;
* counts are ints >= 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import BinaryIO, ClassVar, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from racedesk.domain.contests import Party
from racedesk.domain.counts import CountUpdate, VoteMode
from racedesk.domain.ids import CandidateId, ContestId, StateCode, UnitId

MODES: tuple[VoteMode, ...] = tuple(VoteMode)
MODE_INDEX: dict[VoteMode, int] = {mode: i for i, mode in enumerate(MODES)}
TOTAL_MODE = MODE_INDEX[VoteMode.TOTAL]


class UnitLevel(StrEnum):
    """How big a reporting unit is. Counts at different levels overlap; never add them."""

    STATE = "state"
    DISTRICT = "district"  # congressional district (Maine/Nebraska electors), AP delegate district
    COUNTY = "county"
    TOWNSHIP = "township"  # New England towns, cities, municipalities
    PRECINCT = "precinct"  # precincts, split/combined precincts, vote centers, batches
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedContest:
    id: ContestId
    name: str
    feed_id: str  # the feed's own key (AP raceID, NIST ObjectId, Clarity key)
    state: StateCode | None = None
    election_date: date | None = None
    race: str | None = None  # "PA" or "NE-02" when this is a presidential general contest
    test: bool = False  # the feed marks it as test data (AP "test": true, NIST IsTest)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedCandidate:
    contest: ContestId
    id: CandidateId
    name: str
    party: Party | None = None  # None when the feed names no party (ballot measures, ...)
    party_label: str = ""  # what the feed said ("Dem", "REP", "Blue Party")
    feed_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedUnit:
    id: UnitId
    name: str
    level: UnitLevel
    feed_id: str = ""
    state: StateCode | None = None
    parents: tuple[UnitId, ...] = ()  # units that contain this one (NIST ComposingGpUnitIds)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitReporting:
    """How far a unit has counted in one contest, as the feed states it (not racedesk's view)."""

    contest: ContestId
    unit: UnitId
    precincts_reporting: int | None = None
    precincts_total: int | None = None
    eevp: float | None = None  # AP expected-vote percentage, 0-100


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalCall:
    """A race call made by someone else and carried in the feed (AP ``winner: "X"``)."""

    caller: str
    contest: ContestId
    race: str | None
    winner: CandidateId
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Unmapped:
    """A unit, candidate, contest or vote type the adapter could not map.

    ``kept_as`` names the fallback id the counts were kept under; when it is empty the counts
    were left out of the payload and ``votes`` says how many votes that was.
    """

    kind: str  # "unit" | "candidate" | "contest" | "vote_type"
    feed_id: str
    where: str
    reason: str
    votes: int = 0
    kept_as: str = ""


def _frozen(array: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class CountTable:
    """Counts column-wise. Index columns point into the payload's tuples."""

    contest: npt.NDArray[np.int32]
    unit: npt.NDArray[np.int32]
    candidate: npt.NDArray[np.int32]
    mode: npt.NDArray[np.int8]  # index into MODES
    votes: npt.NDArray[np.int64]
    expected: npt.NDArray[np.int64]  # expected final unit total, -1 when unknown
    at: npt.NDArray[np.int32]  # index into times
    times: tuple[datetime, ...] = ()

    def __post_init__(self) -> None:
        for name in ("contest", "unit", "candidate", "mode", "votes", "expected", "at"):
            _frozen(getattr(self, name))

    def __len__(self) -> int:
        return int(self.votes.shape[0])

    @classmethod
    def empty(cls) -> CountTable:
        return cls(
            contest=np.zeros(0, np.int32),
            unit=np.zeros(0, np.int32),
            candidate=np.zeros(0, np.int32),
            mode=np.zeros(0, np.int8),
            votes=np.zeros(0, np.int64),
            expected=np.zeros(0, np.int64),
            at=np.zeros(0, np.int32),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedPayload:
    """Everything one raw payload said, parsed and checked."""

    source: str  # where the payload came from (file name or URL), also each count's source
    format: str  # the adapter's name
    generated_at: datetime | None  # the feed's own timestamp for the whole payload
    contests: tuple[FeedContest, ...] = ()
    candidates: tuple[FeedCandidate, ...] = ()
    units: tuple[FeedUnit, ...] = ()
    reporting: tuple[UnitReporting, ...] = ()
    calls: tuple[ExternalCall, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()
    notes: tuple[str, ...] = ()
    table: CountTable = field(default_factory=CountTable.empty)

    def __len__(self) -> int:
        return len(self.table)

    def iter_counts(self) -> Iterator[CountUpdate]:
        """The counts as ``CountUpdate`` values, in feed order."""
        t = self.table
        contests = [c.id for c in self.contests]
        units = [u.id for u in self.units]
        candidates = [c.id for c in self.candidates]
        columns = zip(
            t.contest.tolist(),
            t.unit.tolist(),
            t.candidate.tolist(),
            t.mode.tolist(),
            t.votes.tolist(),
            t.expected.tolist(),
            t.at.tolist(),
            strict=True,
        )
        for contest, unit, candidate, mode, votes, expected, at in columns:
            yield CountUpdate(
                at=t.times[at],
                contest=contests[contest],
                unit=units[unit],
                candidate=candidates[candidate],
                mode=MODES[mode],
                votes=votes,
                expected_votes=None if expected < 0 else expected,
                source=self.source,
            )

    @property
    def counts(self) -> tuple[CountUpdate, ...]:
        """All counts as ``CountUpdate`` values (materialised: prefer ``iter_counts`` if huge)."""
        return tuple(self.iter_counts())

    def contest(self, contest_id: str) -> FeedContest:
        for contest in self.contests:
            if contest.id == contest_id:
                return contest
        raise KeyError(contest_id)

    def totals(
        self, contest_id: str, *, level: UnitLevel | None = None, unit: str | None = None
    ) -> dict[CandidateId, int]:
        """Votes by candidate in one contest, summed over modes and over the units at ``level``
        (or in the one ``unit``). Summing across levels would double count, so pick one."""
        t = self.table
        index = next(i for i, c in enumerate(self.contests) if c.id == contest_id)
        mask = t.contest == index
        if level is not None:
            at_level = np.array([u.level == level for u in self.units], dtype=bool)
            mask &= at_level[t.unit]
        if unit is not None:
            unit_index = next(i for i, u in enumerate(self.units) if u.id == unit)
            mask &= t.unit == unit_index
        sums = np.zeros(len(self.candidates), np.int64)
        np.add.at(sums, t.candidate[mask], t.votes[mask])
        present = np.zeros(len(self.candidates), bool)
        present[t.candidate[mask]] = True
        out: dict[CandidateId, int] = {}
        for i in np.flatnonzero(present).tolist():
            out[self.candidates[i].id] = int(sums[i])
        return out


@runtime_checkable
class FeedAdapter(Protocol):
    """A parser for one feed format. Register implementations with ``registry.register``."""

    name: ClassVar[str]  # "ap", "nist-xml", "nist-json", "clarity", "csv"
    description: ClassVar[str]

    def sniff(self, head: bytes, name: str) -> bool:
        """Whether ``head`` (the first bytes of a payload) and its name look like this format."""
        ...

    def parse(self, data: bytes | BinaryIO, *, source: str) -> FeedPayload:
        """Parse one payload, streaming; raise ``FeedFormatError`` naming source and location."""
        ...
