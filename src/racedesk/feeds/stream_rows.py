"""Checking stream rows a chunk at a time and cutting them into batches (one per timestamp).

Rows arrive as columns of strings (CSV cells, or JSON values turned into text). Every check is
vectorised over the chunk: ids, timestamps and modes are parsed once per distinct value (a
national update has a few thousand units, not hundreds of thousands), counts are converted in
one numpy cast. Only rows that fail are looked at one by one, to word their error.

A run of consecutive rows with the same instant is one batch. The last run of a chunk may go on
in the next chunk, so it is held back until the run ends or the stream does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from racedesk.domain.contests import parse_contest
from racedesk.domain.ids import FIPS_STATE, STATE_FIPS, IdError
from racedesk.errors import FeedFormatError
from racedesk.feeds.batch import (
    MODES,
    NO_EXPECTED,
    CountBatch,
    IntArray,
    ObjectArray,
    from_micros,
    to_micros,
)

COLUMNS: tuple[str, ...] = (
    "timestamp",
    "contest",
    "unit",
    "candidate",
    "mode",
    "votes",
    "expected_votes",
    "source",
)
REQUIRED: tuple[str, ...] = COLUMNS[:6]
OPTIONAL: tuple[str, ...] = COLUMNS[6:]

_NO_TIME = np.iinfo(np.int64).min  # a row whose timestamp could not be read
_MAX_DIGITS = 18  # anything longer could overflow int64
_UNIT_CODE = re.compile(r"^([A-Z]{2})-[A-Za-z0-9][A-Za-z0-9_.-]*$")
_MODE_LIST = ", ".join(sorted(MODES))

Columns = dict[str, ObjectArray]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectedBatch:
    """A batch refused whole: where it was, and one error per bad row (file, line, field)."""

    origin: str
    at: datetime | None
    first_line: int
    last_line: int
    rows: int
    errors: tuple[FeedFormatError, ...]


@dataclass(frozen=True, slots=True)
class _Check:
    field: str
    mask: BoolArray
    message: Callable[[str], str]


def unit_state(unit: str) -> str | None:
    """The state a unit id belongs to (``"42003"`` → PA, ``"AK-HD01"`` → AK), or None if invalid."""
    if len(unit) == 5 and unit.isdigit():
        return FIPS_STATE.get(unit[:2])
    match = _UNIT_CODE.match(unit)
    if match is not None and match.group(1) in STATE_FIPS:
        return match.group(1)
    return None


def parse_timestamp(text: str) -> int | None:
    """ISO-8601 with an offset or ``Z``, as UTC microseconds; None if unreadable or naive."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if at.tzinfo is None else to_micros(at)


def _contest_state(text: str) -> str:
    try:
        return parse_contest(text).state
    except IdError:
        return ""


def _count_problem(text: str) -> str:
    if text.startswith("-") and text[1:].isdecimal():
        return f"negative count {text}"
    if text.isdecimal():
        return f"count {text} is too large"
    return f"not a whole number of votes: {text!r}"


class RowChecker:
    """Turns chunks of string columns into ``CountBatch`` and ``RejectedBatch`` values, in order.

    Keeps what must last across chunks: parse caches, the held-back run, and the latest
    accepted instant (timestamps may not go backwards).
    """

    def __init__(
        self, *, origin: str, known_units: Collection[str] | None, default_source: str
    ) -> None:
        self.origin = origin
        self.known_units = None if known_units is None else frozenset(known_units)
        self.default_source = default_source
        self._times: dict[str, int | None] = {}
        self._contests: dict[str, str] = {}
        self._units: dict[str, str] = {}
        self._latest = _NO_TIME  # instant of the last accepted batch
        self._pending: tuple[Columns, IntArray, dict[int, tuple[str | None, str]]] | None = None

    def feed(
        self,
        columns: Columns,
        lines: IntArray,
        problems: dict[int, tuple[str | None, str]] | None = None,
        *,
        final: bool = False,
    ) -> list[CountBatch | RejectedBatch]:
        """Check a chunk (plus any held-back run); return the batches that are complete."""
        problems = dict(problems or {})
        if self._pending is not None:
            held_columns, held_lines, held_problems = self._pending
            columns = {k: np.concatenate([held_columns[k], columns[k]]) for k in COLUMNS}
            lines = np.concatenate([held_lines, lines])
            problems = {**held_problems, **problems}
            self._pending = None
        if len(lines) == 0:
            return []
        keys, unreadable = self._instants(columns["timestamp"])
        starts = np.flatnonzero(np.diff(keys) != 0) + 1
        cut = len(lines) if final else (int(starts[-1]) if len(starts) else 0)
        if cut < len(lines):
            self._pending = (
                {k: v[cut:] for k, v in columns.items()},
                lines[cut:],
                {line: p for line, p in problems.items() if line >= lines[cut]},
            )
        if cut == 0:
            return []
        columns = {k: v[:cut] for k, v in columns.items()}
        return self._cut(columns, lines[:cut], keys[:cut], unreadable[:cut], problems)

    def _instants(self, stamps: ObjectArray) -> tuple[IntArray, BoolArray]:
        """Instant of each row (rows with unreadable timestamps take the instant before them),
        and which rows were unreadable."""
        codes, uniques = pd.factorize(stamps)
        parsed = [self._parse_time(s) for s in uniques]
        values = np.array([_NO_TIME if p is None else p for p in parsed], dtype=np.int64)
        keys = values[codes] if len(values) else np.full(len(stamps), _NO_TIME)
        unreadable = keys == _NO_TIME
        last_readable = np.maximum.accumulate(np.where(unreadable, -1, np.arange(len(keys))))
        filled = np.where(last_readable >= 0, keys[np.maximum(last_readable, 0)], _NO_TIME)
        return filled, unreadable

    def _parse_time(self, text: str) -> int | None:
        if text not in self._times:
            self._times[text] = parse_timestamp(text)
        return self._times[text]

    def _contest_state(self, text: str) -> str:
        if text not in self._contests:
            self._contests[text] = _contest_state(text)
        return self._contests[text]

    def _unit_state(self, text: str) -> str:
        if text not in self._units:
            self._units[text] = unit_state(text) or ""
        return self._units[text]

    def _checks(
        self, columns: Columns, keys: IntArray, unreadable_time: BoolArray
    ) -> tuple[list[_Check], IntArray, IntArray]:
        """Every check as a mask over rows, in reporting order; plus parsed votes and expected."""
        # Distinct values are checked once each; rows pick their result up by factor code.
        contest_codes, contests = pd.factorize(columns["contest"])
        unit_codes, units = pd.factorize(columns["unit"])
        contest_states = np.array([self._contest_state(c) for c in contests] + [""], dtype=object)
        unit_states = np.array([self._unit_state(u) for u in units] + [""], dtype=object)
        row_contest_state = contest_states[contest_codes]
        row_unit_state = unit_states[unit_codes]
        known = self.known_units
        unknown_units = np.array(
            [known is not None and u not in known for u in units] + [False], dtype=bool
        )
        mode_codes, modes = pd.factorize(columns["mode"])
        bad_modes = np.array([m not in MODES for m in modes] + [True], dtype=bool)

        votes, bad_votes = _counts(columns["votes"])
        expected_text = columns["expected_votes"]
        given = expected_text != ""
        expected, bad_expected = _counts(np.where(given, expected_text, "0"))
        expected = np.where(given, expected, NO_EXPECTED)

        empty = {k: columns[k] == "" for k in REQUIRED}
        no_contest = row_contest_state == ""
        no_unit = row_unit_state == ""
        wrong_state = (row_unit_state != row_contest_state) & ~no_unit & ~no_contest
        keyframe = pd.DataFrame(
            {
                "k": keys,
                "c": contest_codes,
                "u": unit_codes,
                "n": pd.factorize(columns["candidate"])[0],
                "m": mode_codes,
            }
        )
        checks = [
            _Check("timestamp", empty["timestamp"], lambda v: "missing timestamp"),
            _Check(
                "timestamp",
                unreadable_time,
                lambda v: (
                    f"unreadable timestamp {v!r}: use ISO-8601 with an offset, "
                    "e.g. 2024-11-05T20:00:00-05:00 or 2024-11-06T01:00:00Z"
                ),
            ),
            _Check("contest", empty["contest"], lambda v: "missing contest"),
            _Check(
                "contest",
                no_contest,
                lambda v: f"unknown contest {v!r} (expected e.g. 2024-president-PA)",
            ),
            _Check("unit", empty["unit"], lambda v: "missing unit"),
            _Check(
                "unit",
                no_unit,
                lambda v: (
                    f"unknown unit {v!r} (a 5-digit county FIPS code, or XX-... like AK-HD01)"
                ),
            ),
            _Check("unit", wrong_state, lambda v: f"unit {v!r} is not in the contest's state"),
            _Check("unit", unknown_units[unit_codes], lambda v: f"unknown unit {v!r}"),
            _Check("candidate", empty["candidate"], lambda v: "missing candidate"),
            _Check(
                "mode",
                bad_modes[mode_codes],
                lambda v: f"unknown mode {v!r} (one of {_MODE_LIST})",
            ),
            _Check("votes", empty["votes"], lambda v: "missing votes"),
            _Check("votes", bad_votes, _count_problem),
            _Check("expected_votes", given & bad_expected, _count_problem),
            _Check(
                "unit",
                keyframe.duplicated().to_numpy(),
                lambda v: "repeats a (contest, unit, candidate, mode) already in this update",
            ),
        ]
        return checks, votes, expected

    def _cut(
        self,
        columns: Columns,
        lines: IntArray,
        keys: IntArray,
        unreadable: BoolArray,
        problems: dict[int, tuple[str | None, str]],
    ) -> list[CountBatch | RejectedBatch]:
        checks, votes, expected = self._checks(columns, keys, unreadable)
        structural = len(checks)  # rows the format reader could not even split into fields
        first_failure = np.full(len(lines), -1)
        for index in range(len(checks) - 1, -1, -1):
            first_failure[checks[index].mask] = index
        if problems:
            first_failure[np.isin(lines, np.fromiter(problems, dtype=np.int64))] = structural
        starts = np.concatenate([[0], np.flatnonzero(np.diff(keys) != 0) + 1])
        ends = np.append(starts[1:], len(lines))
        failing = np.add.reduceat((first_failure >= 0).astype(np.int64), starts) > 0
        sources = np.where(columns["source"] == "", self.default_source, columns["source"])
        out: list[CountBatch | RejectedBatch] = []
        for start, end, bad in zip(starts.tolist(), ends.tolist(), failing.tolist(), strict=True):
            key = int(keys[start])
            errors: list[FeedFormatError] = []
            if bad:  # word each failing row's first problem (error path only)
                for row in (np.flatnonzero(first_failure[start:end] >= 0) + start).tolist():
                    code, line = int(first_failure[row]), int(lines[row])
                    if code == structural:
                        errors.append(self._error(line, *problems[line]))
                    else:
                        check = checks[code]
                        value = str(columns[check.field][row])
                        errors.append(self._error(line, check.field, check.message(value)))
            elif key < self._latest:
                errors.append(
                    self._error(
                        int(lines[start]),
                        "timestamp",
                        "timestamp is earlier than the update before it; a stream is in time order",
                    )
                )
            if errors:
                out.append(
                    RejectedBatch(
                        origin=self.origin,
                        at=None if key == _NO_TIME else from_micros(key),
                        first_line=int(lines[start]),
                        last_line=int(lines[end - 1]),
                        rows=end - start,
                        errors=tuple(errors),
                    )
                )
                continue
            self._latest = key
            out.append(
                CountBatch.of(
                    at=from_micros(key),
                    contest=columns["contest"][start:end],
                    unit=columns["unit"][start:end],
                    candidate=columns["candidate"][start:end],
                    mode=columns["mode"][start:end],
                    votes=votes[start:end],
                    expected_votes=expected[start:end],
                    source=sources[start:end],
                )
            )
        return out

    def _error(self, line: int, field: str | None, message: str) -> FeedFormatError:
        return FeedFormatError(message, source=self.origin, line=line, field=field)


def _counts(text: ObjectArray) -> tuple[IntArray, BoolArray]:
    """Parse whole numbers ≥ 0 in one cast; bad cells become 0 and are flagged."""
    strings = text.astype(str)
    good = np.char.isdecimal(strings) & (np.char.str_len(strings) <= _MAX_DIGITS)
    values = np.where(good, strings, "0").astype(np.int64)
    return values, ~good
