"""From a parsed ``FeedPayload`` to what the store and the ledger take: batches and race flags.

A payload carries counts at several instants (AP stamps each reporting unit with its own
``lastUpdated``), so it becomes one ``CountBatch`` per instant, in time order. The conversion is
column-wise (numpy fancy indexing into the payload's id tuples), never one Python object per
count. Nothing here writes: the caller stores all the batches of a payload together, after the
whole payload has parsed and converted, so a payload that fails never reaches the store.

``race_flags`` turns the payload's external calls (AP winner flags) into one ``RaceFlag`` per
presidential race the payload speaks about: the called winner's party, or ``winner=None`` for a
race whose own unit (the state, or the ME/NE district) came without a flag: how AP withdraws a
call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from racedesk.domain.contests import Party
from racedesk.domain.ids import CandidateId, ContestId, UnitId
from racedesk.feeds.base import MODES, FeedPayload
from racedesk.feeds.batch import CountBatch, from_micros, to_micros

# The adapters that carry another caller's calls, and that caller's name.
CALLERS: dict[str, str] = {"ap": "AP"}


def _ids(values: tuple[str, ...]) -> NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _row_micros(payload: FeedPayload) -> NDArray[np.int64]:
    """Each count's instant in microseconds since the epoch."""
    t = payload.table
    micros = np.array([to_micros(at) for at in t.times], dtype=np.int64)
    return micros[t.at] if len(t) else np.zeros(0, np.int64)


def payload_batches(payload: FeedPayload, *, source: str | None = None) -> tuple[CountBatch, ...]:
    """The payload's counts as one batch per instant, earliest first.

    ``source`` (default: ``payload.source``) is recorded as every count's source.
    """
    t = payload.table
    if not len(t):
        return ()
    row_micros = _row_micros(payload)
    order = np.argsort(row_micros, kind="stable")
    sorted_micros = row_micros[order]
    starts = np.flatnonzero(np.r_[True, sorted_micros[1:] != sorted_micros[:-1]])
    stops = np.r_[starts[1:], len(order)]
    contest = _ids(tuple(c.id for c in payload.contests))[t.contest[order]]
    unit = _ids(tuple(u.id for u in payload.units))[t.unit[order]]
    candidate = _ids(tuple(c.id for c in payload.candidates))[t.candidate[order]]
    mode = _ids(tuple(m.value for m in MODES))[t.mode[order]]
    votes, expected = t.votes[order], t.expected[order]
    name = payload.source if source is None else source
    return tuple(
        CountBatch.of(
            at=from_micros(int(sorted_micros[start])),
            contest=contest[start:stop],
            unit=unit[start:stop],
            candidate=candidate[start:stop],
            mode=mode[start:stop],
            votes=votes[start:stop],
            expected_votes=expected[start:stop],
            source=name,
        )
        for start, stop in zip(starts.tolist(), stops.tolist(), strict=True)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceFlag:
    """What one payload says about one caller's call of one race.

    ``winner`` is None when the race's counts came without a winner flag. ``race`` is None for
    contests outside the presidency (governors, ballot measures): those calls are not recorded.
    """

    caller: str
    contest: ContestId
    race: str | None
    year: int
    at: datetime  # the flag's time (the unit's lastUpdated); for no flag, the latest count
    winner: CandidateId | None
    party: Party | None  # the winner's party, None when the feed names none
    test: bool  # the contest is marked as test data: never a real call


def race_flags(payload: FeedPayload) -> tuple[RaceFlag, ...]:
    """One flag per external call, then one ``winner=None`` flag per presidential contest whose
    race unit has counts but no call (only for feeds that carry calls, i.e. AP)."""
    contests = {c.id: c for c in payload.contests}
    parties = {(c.contest, c.id): c.party for c in payload.candidates}
    flags: list[RaceFlag] = []
    for call in payload.calls:
        contest = contests[call.contest]
        flags.append(
            RaceFlag(
                caller=call.caller,
                contest=call.contest,
                race=call.race,
                year=contest.election_date.year if contest.election_date else call.at.year,
                at=call.at,
                winner=call.winner,
                party=parties.get((call.contest, call.winner)),
                test=contest.test,
            )
        )
    caller = CALLERS.get(payload.format)
    t = payload.table
    if caller is None or not len(t):
        return tuple(flags)
    called = {call.contest for call in payload.calls}
    # Only the race's own unit (the state, or the ME/NE district) carries AP's flag: a payload
    # holding just some counties of a race says nothing about its call.
    unit_index = {unit.id: i for i, unit in enumerate(payload.units)}
    race_unit = np.array(
        [unit_index.get(UnitId(c.race), -1) if c.race else -1 for c in payload.contests],
        dtype=np.int64,
    )
    on_race_unit = t.unit == race_unit[t.contest]
    latest = np.full(len(payload.contests), -1, dtype=np.int64)
    np.maximum.at(latest, t.contest[on_race_unit], _row_micros(payload)[on_race_unit])
    for index, contest in enumerate(payload.contests):
        if contest.race is None or contest.id in called or latest[index] < 0:
            continue
        at = from_micros(int(latest[index]))
        flags.append(
            RaceFlag(
                caller=caller,
                contest=contest.id,
                race=contest.race,
                year=contest.election_date.year if contest.election_date else at.year,
                at=at,
                winner=None,
                party=None,
                test=contest.test,
            )
        )
    return tuple(flags)
