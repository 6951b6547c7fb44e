"""Assembling a ``FeedPayload``: interning ids, appending counts column-wise, final checks.

Adapters append counts into ``array`` columns (8 bytes or less per value) while they stream,
then ``finish()`` turns them into numpy arrays and checks the payload invariants vectorised:
no key twice, never a ``total`` beside per-mode counts for the same unit and candidate.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from datetime import datetime

import numpy as np

from racedesk.domain.counts import VoteMode
from racedesk.errors import FeedFormatError
from racedesk.feeds.base import (
    MODE_INDEX,
    MODES,
    TOTAL_MODE,
    CountTable,
    ExternalCall,
    FeedCandidate,
    FeedContest,
    FeedPayload,
    FeedUnit,
    UnitReporting,
    Unmapped,
)

MAX_VOTES = 10**10  # more votes than any unit could hold: a corrupt or hostile number


def count_from_text(
    text: str, *, source: str, field: str, line: int | None = None, where: str = ""
) -> int:
    """A vote count written as text: ASCII digits only (no sign, no decimals, no ``1_000``)."""
    if text.isascii() and text.isdigit():
        value = int(text)
        if value < MAX_VOTES:
            return value
        raise FeedFormatError(
            f"{where}implausible vote count {text[:30]!r}", source=source, line=line, field=field
        )
    stripped = text.strip()
    if stripped.startswith("-") and stripped[1:].isdigit():
        problem = f"negative vote count {stripped[:30]!r}"
    else:
        problem = f"vote count {text[:30]!r} is not a non-negative integer"
    raise FeedFormatError(f"{where}{problem}", source=source, line=line, field=field)


def count_from_json(
    value: object, *, source: str, field: str, allow_integral_float: bool = False
) -> int:
    """A vote count read from JSON: an int (not a bool); NIST counts are doubles, so integral
    floats are accepted there."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FeedFormatError(
            f"vote count {value!r:.40} is not a number", source=source, field=field
        )
    if isinstance(value, float):
        if not (allow_integral_float and value.is_integer()):
            raise FeedFormatError(
                f"vote count {value!r} is not an integer", source=source, field=field
            )
        value = int(value)
    if value < 0:
        raise FeedFormatError(f"negative vote count {value}", source=source, field=field)
    if value >= MAX_VOTES:
        raise FeedFormatError(f"implausible vote count {value}", source=source, field=field)
    return value


class PayloadBuilder:
    """Collects one payload. Units and candidates are interned: adding one twice is a no-op."""

    def __init__(self, *, source: str, format: str) -> None:
        self.source = source
        self.format = format
        self.generated_at: datetime | None = None
        self.contests: list[FeedContest] = []
        self.candidates: list[FeedCandidate] = []
        self.units: list[FeedUnit] = []
        self.reporting: list[UnitReporting] = []
        self.calls: list[ExternalCall] = []
        self.unmapped: list[Unmapped] = []
        self.notes: list[str] = []
        self._contest_index: dict[str, int] = {}
        self._unit_index: dict[str, int] = {}
        self._candidate_index: dict[tuple[str, str], int] = {}
        self._time_index: dict[datetime, int] = {}
        self.times: list[datetime] = []
        self.c_contest = array("i")
        self.c_unit = array("i")
        self.c_candidate = array("i")
        self.c_mode = array("b")
        self.c_votes = array("q")
        self.c_expected = array("q")
        self.c_at = array("i")

    # -- interning -------------------------------------------------------------------------
    def contest(self, contest: FeedContest) -> int:
        index = self._contest_index.get(contest.id)
        if index is None:
            index = self._contest_index[contest.id] = len(self.contests)
            self.contests.append(contest)
        return index

    def has_contest(self, contest_id: str) -> bool:
        return contest_id in self._contest_index

    def unit(self, unit: FeedUnit) -> int:
        index = self._unit_index.get(unit.id)
        if index is None:
            index = self._unit_index[unit.id] = len(self.units)
            self.units.append(unit)
        return index

    def unit_index(self, unit_id: str) -> int | None:
        return self._unit_index.get(unit_id)

    def candidate(self, candidate: FeedCandidate) -> int:
        key = (candidate.contest, candidate.id)
        index = self._candidate_index.get(key)
        if index is None:
            index = self._candidate_index[key] = len(self.candidates)
            self.candidates.append(candidate)
        return index

    def time(self, at: datetime) -> int:
        index = self._time_index.get(at)
        if index is None:
            index = self._time_index[at] = len(self.times)
            self.times.append(at)
        return index

    # -- counts ----------------------------------------------------------------------------
    def add(
        self,
        contest: int,
        unit: int,
        candidate: int,
        mode: VoteMode,
        votes: int,
        at: int,
        expected: int = -1,
    ) -> None:
        self.c_contest.append(contest)
        self.c_unit.append(unit)
        self.c_candidate.append(candidate)
        self.c_mode.append(MODE_INDEX[mode])
        self.c_votes.append(votes)
        self.c_expected.append(expected)
        self.c_at.append(at)

    def add_run(
        self,
        contest: int,
        candidate: int,
        mode: VoteMode,
        at: int,
        units: Iterable[int],
        votes: Iterable[int],
    ) -> None:
        """Many units of one contest, candidate and mode at once (the streaming hot path)."""
        before = len(self.c_unit)
        self.c_unit.extend(units)
        self.c_votes.extend(votes)
        n = len(self.c_unit) - before
        if len(self.c_votes) != len(self.c_unit):
            raise ValueError("add_run: units and votes differ in length")
        self.c_contest.extend(array("i", [contest]) * n)
        self.c_candidate.extend(array("i", [candidate]) * n)
        self.c_mode.extend(array("b", [MODE_INDEX[mode]]) * n)
        self.c_expected.extend(array("q", [-1]) * n)
        self.c_at.extend(array("i", [at]) * n)

    def add_unit_run(
        self,
        contest: int,
        unit: int,
        mode: VoteMode,
        at: int,
        candidates: list[int],
        votes: list[int],
        expected: int = -1,
    ) -> None:
        """Many candidates of one contest, unit and mode at once (AP's hot path)."""
        n = len(candidates)
        if len(votes) != n:
            raise ValueError("add_unit_run: candidates and votes differ in length")
        self.c_candidate.extend(candidates)
        self.c_votes.extend(votes)
        self.c_contest.extend(array("i", [contest]) * n)
        self.c_unit.extend(array("i", [unit]) * n)
        self.c_mode.extend(array("b", [MODE_INDEX[mode]]) * n)
        self.c_expected.extend(array("q", [expected]) * n)
        self.c_at.extend(array("i", [at]) * n)

    def set_expected(self, start: int, stop: int, expected: int) -> None:
        """Set the unit's expected final total on the counts appended in ``[start, stop)``."""
        for i in range(start, stop):
            self.c_expected[i] = expected

    def __len__(self) -> int:
        return len(self.c_votes)

    # -- the end ---------------------------------------------------------------------------
    def finish(self) -> FeedPayload:
        table = CountTable(
            contest=np.frombuffer(self.c_contest, dtype=np.int32),
            unit=np.frombuffer(self.c_unit, dtype=np.int32),
            candidate=np.frombuffer(self.c_candidate, dtype=np.int32),
            mode=np.frombuffer(self.c_mode, dtype=np.int8),
            votes=np.frombuffer(self.c_votes, dtype=np.int64),
            expected=np.frombuffer(self.c_expected, dtype=np.int64),
            at=np.frombuffer(self.c_at, dtype=np.int32),
            times=tuple(self.times),
        )
        self._check(table)
        return FeedPayload(
            source=self.source,
            format=self.format,
            generated_at=self.generated_at,
            contests=tuple(self.contests),
            candidates=tuple(self.candidates),
            units=tuple(self.units),
            reporting=tuple(self.reporting),
            calls=tuple(self.calls),
            unmapped=tuple(self.unmapped),
            notes=tuple(self.notes),
            table=table,
        )

    def _check(self, t: CountTable) -> None:
        if len(t) == 0:
            return
        # Sort by (contest, unit, candidate, mode): duplicates and total-beside-parts are then
        # neighbours. The candidate index already implies the contest.
        order = np.lexsort((t.mode, t.candidate, t.unit))
        unit, cand, mode = t.unit[order], t.candidate[order], t.mode[order]
        same_cell = (unit[1:] == unit[:-1]) & (cand[1:] == cand[:-1])
        dup = same_cell & (mode[1:] == mode[:-1])
        mixed = same_cell & ((mode[1:] == TOTAL_MODE) | (mode[:-1] == TOTAL_MODE))
        for bad, problem in ((dup, "appears twice"), (mixed, "has a total beside mode counts")):
            if bad.any():
                row = int(order[int(np.argmax(bad)) + 1])
                candidate = self.candidates[int(t.candidate[row])]
                raise FeedFormatError(
                    f"duplicated unit: contest {candidate.contest}, unit "
                    f"{self.units[int(t.unit[row])].id}, candidate {candidate.id}, mode "
                    f"{MODES[int(t.mode[row])]} {problem}",
                    source=self.source,
                )
