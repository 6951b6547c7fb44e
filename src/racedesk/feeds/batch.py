"""``CountBatch``: one feed update (every count sharing one timestamp) held as columns.

The store ingests hundreds of thousands of counts a second, which ``CountUpdate`` objects one by
one cannot feed; a batch keeps the same fields as numpy arrays, one entry per count. Strings are
object arrays, counts ``int64``; an unknown expected vote is ``NO_EXPECTED`` (-1). Arrays are made
read-only so the frozen batch stays frozen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from racedesk.domain.counts import CountUpdate, VoteMode
from racedesk.domain.ids import CandidateId, ContestId, UnitId

NO_EXPECTED = -1
MODES: frozenset[str] = frozenset(mode.value for mode in VoteMode)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

ObjectArray = NDArray[np.object_]
IntArray = NDArray[np.int64]


def to_micros(at: datetime) -> int:
    """Microseconds since the Unix epoch, UTC: how instants are compared and stored."""
    if at.tzinfo is None:
        raise ValueError(f"timestamp {at.isoformat()} has no UTC offset")
    return (at - EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def _strings(values: Sequence[str] | NDArray[Any], name: str) -> ObjectArray:
    array = np.asarray(values, dtype=object)
    if array.ndim != 1:
        raise ValueError(f"CountBatch.{name} must be one-dimensional")
    array.flags.writeable = False
    return array


def _ints(values: Sequence[int] | NDArray[Any], name: str) -> IntArray:
    array = np.asarray(values, dtype=np.int64)
    if array.ndim != 1:
        raise ValueError(f"CountBatch.{name} must be one-dimensional")
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class CountBatch:
    """Cumulative counts reported together at ``at``; column ``i`` of every array is one count.

    Build with ``CountBatch.of(...)`` (any sequences) or ``from_updates``; compare with
    ``equals`` (array fields make ``==`` ambiguous, so it is not defined).
    """

    at: datetime
    contest: ObjectArray
    unit: ObjectArray
    candidate: ObjectArray
    mode: ObjectArray
    votes: IntArray
    expected_votes: IntArray  # NO_EXPECTED where the feed gave none
    source: ObjectArray

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("CountBatch.at must be timezone-aware (UTC)")
        size = len(self.votes)
        for name in ("contest", "unit", "candidate", "mode", "expected_votes", "source"):
            if len(getattr(self, name)) != size:
                raise ValueError(
                    f"CountBatch.{name} has {len(getattr(self, name))} rows, not {size}"
                )
        if size and int(self.votes.min()) < 0:
            raise ValueError(f"negative vote count {int(self.votes.min())}")
        if size and int(self.expected_votes.min()) < NO_EXPECTED:
            raise ValueError(f"negative expected vote {int(self.expected_votes.min())}")
        unknown = set(self.mode.tolist()) - MODES
        if unknown:
            raise ValueError(f"unknown vote modes {sorted(map(str, unknown))}")

    @classmethod
    def of(
        cls,
        *,
        at: datetime,
        contest: Sequence[str] | NDArray[Any],
        unit: Sequence[str] | NDArray[Any],
        candidate: Sequence[str] | NDArray[Any],
        mode: Sequence[str] | NDArray[Any],
        votes: Sequence[int] | NDArray[Any],
        expected_votes: Sequence[int] | NDArray[Any] | None = None,
        source: Sequence[str] | NDArray[Any] | str = "",
    ) -> CountBatch:
        """A batch from plain sequences; a single ``source`` string applies to every row."""
        size = len(votes)
        sources = np.full(size, source, dtype=object) if isinstance(source, str) else source
        expected = np.full(size, NO_EXPECTED) if expected_votes is None else expected_votes
        return cls(
            at=at.astimezone(UTC),
            contest=_strings(contest, "contest"),
            unit=_strings(unit, "unit"),
            candidate=_strings(candidate, "candidate"),
            mode=_strings(mode, "mode"),
            votes=_ints(votes, "votes"),
            expected_votes=_ints(expected, "expected_votes"),
            source=_strings(sources, "source"),
        )

    @classmethod
    def from_updates(cls, updates: Sequence[CountUpdate]) -> CountBatch:
        """One batch from updates that all share one instant."""
        if not updates:
            raise ValueError("a batch needs at least one update")
        at = updates[0].at
        if any(update.at != at for update in updates):
            raise ValueError("updates in one batch must share one timestamp")
        return cls.of(
            at=at,
            contest=[u.contest for u in updates],
            unit=[u.unit for u in updates],
            candidate=[u.candidate for u in updates],
            mode=[u.mode.value for u in updates],
            votes=[u.votes for u in updates],
            expected_votes=[
                NO_EXPECTED if u.expected_votes is None else u.expected_votes for u in updates
            ],
            source=[u.source for u in updates],
        )

    def __len__(self) -> int:
        return len(self.votes)

    @property
    def at_micros(self) -> int:
        return to_micros(self.at)

    def updates(self) -> Iterator[CountUpdate]:
        """The batch as ``CountUpdate`` values (for tests and small callers, not hot paths)."""
        rows = zip(
            self.contest.tolist(),
            self.unit.tolist(),
            self.candidate.tolist(),
            self.mode.tolist(),
            self.votes.tolist(),
            self.expected_votes.tolist(),
            self.source.tolist(),
            strict=True,
        )
        for contest, unit, candidate, mode, votes, expected, source in rows:
            yield CountUpdate(
                at=self.at,
                contest=ContestId(contest),
                unit=UnitId(unit),
                candidate=CandidateId(candidate),
                mode=VoteMode(mode),
                votes=votes,
                expected_votes=None if expected == NO_EXPECTED else expected,
                source=source,
            )

    def take(self, rows: NDArray[Any]) -> CountBatch:
        """The rows selected by an index or boolean mask, as a new batch."""
        return CountBatch.of(
            at=self.at,
            contest=self.contest[rows],
            unit=self.unit[rows],
            candidate=self.candidate[rows],
            mode=self.mode[rows],
            votes=self.votes[rows],
            expected_votes=self.expected_votes[rows],
            source=self.source[rows],
        )

    def equals(self, other: CountBatch) -> bool:
        """Same instant and the same rows in the same order."""
        return (
            self.at == other.at
            and np.array_equal(self.votes, other.votes)
            and np.array_equal(self.expected_votes, other.expected_votes)
            and all(
                getattr(self, name).tolist() == getattr(other, name).tolist()
                for name in ("contest", "unit", "candidate", "mode", "source")
            )
        )


def batches_from_updates(updates: Iterable[CountUpdate]) -> Iterator[CountBatch]:
    """Group consecutive updates that share an instant into batches, in order."""
    pending: list[CountUpdate] = []
    for update in updates:
        if pending and update.at != pending[0].at:
            yield CountBatch.from_updates(pending)
            pending = []
        pending.append(update)
    if pending:
        yield CountBatch.from_updates(pending)
