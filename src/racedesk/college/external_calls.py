"""Other callers' calls (AP, DDHQ, the networks), recorded in the ledger, and every caller's
standing call per race.

Ledger kinds (``racedesk.store.ledger``), one event per call or retraction:

=======================  =========================================================================
``external_call``        actor = caller ("AP"), race = "PA" / "NE-02" / "president", payload
                         ``{"winner": "gop", "source": ..., "precision": "exact", "note": ...,
                         "flags": ["before_poll_close"]}``
``external_retraction``  same actor and race; payload ``{"winner": <withdrawn>, "called_at": ...,
                         "source": ..., "reason": ...}``
``call`` / ``retraction``  the desk's own, actor ``racedesk`` (written by the desk, read here)
=======================  =========================================================================

Rules: a call for an unknown race or candidate is refused (``CallRuleError``); a call timed before
the race's polls closed is recorded but flagged ``before_poll_close``; recording a call the caller
already stands by is a no-op (the AP feed repeats its winner flags every cycle); a call for another
winner while one stands is refused (retract first); a retraction of a call never made, or dated
before the call, is refused. Nothing already in the ledger is ever changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from racedesk.domain.calendar import cycle_of, election_day
from racedesk.domain.contests import Party
from racedesk.domain.electoral import majority, race_electors
from racedesk.domain.polls import poll_close
from racedesk.errors import CallRuleError
from racedesk.history.calls import (
    EASTERN,
    PRESIDENCY,
    CallRecord,
    Precision,
    call_race,
    winner_party,
)
from racedesk.store.ledger import Event, Ledger

EXTERNAL_CALL = "external_call"
EXTERNAL_RETRACTION = "external_retraction"
DESK_CALL = "call"
DESK_RETRACTION = "retraction"
DESK = "racedesk"
BEFORE_POLL_CLOSE = "before_poll_close"
CHANGED_WITHOUT_RETRACTION = "changed_without_retraction"

# Canonical names of the usual callers; any other name is kept as typed.
CALLER_NAMES: dict[str, str] = {
    "ap": "AP",
    "associated press": "AP",
    "ddhq": "DDHQ",
    "decision desk hq": "DDHQ",
    "fox": "Fox News",
    "fox news": "Fox News",
    "cnn": "CNN",
    "nbc": "NBC",
    "abc": "ABC",
    "cbs": "CBS",
    "nyt": "NYT",
    "new york times": "NYT",
}
CALLER_ORDER = ("AP", "DDHQ", "Fox News", "CNN", "NBC", "ABC", "CBS", "NYT")


def caller_name(text: str) -> str:
    """The canonical caller name (``"fox"`` → ``"Fox News"``); refuses blanks and ``racedesk``."""
    name = " ".join(text.split())
    if not name:
        raise CallRuleError("a call needs a caller's name (AP, DDHQ, Fox News, CNN, ...)")
    if name.lower() == DESK:
        raise CallRuleError(
            "racedesk's own calls come from the desk (racedesk demo/run), not from "
            "`call record`; record another caller's name"
        )
    return CALLER_NAMES.get(name.lower(), name)


def caller_rank(caller: str) -> tuple[int, str]:
    """Sort key: the usual callers in a fixed order, then the rest by name."""
    if caller in CALLER_ORDER:
        return (CALLER_ORDER.index(caller), caller)
    return (len(CALLER_ORDER), caller)


@dataclass(frozen=True, slots=True, kw_only=True)
class CallEntry:
    """A call or retraction by one caller, from the data folder, the ledger or the desk."""

    year: int
    caller: str
    race: str
    retraction: bool
    winner: Party  # the called winner, or the withdrawn one for a retraction
    at: datetime | None  # UTC; None only for data calls without a time
    precision: Precision
    source: str
    note: str
    origin: str  # "data: <file> line N", "ledger seq N"
    seq: int | None  # ledger sequence number
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    """What ``record_external_call`` / ``retract_external_call`` did."""

    entry: CallEntry
    new: bool  # False when the call already stood (nothing appended)
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    """A caller's call of one race now: the standing winner, or none (never called / retracted)."""

    caller: str
    race: str
    winner: Party | None
    at: datetime | None  # when the standing call was made
    precision: Precision
    source: str
    history: tuple[CallEntry, ...]  # every call and retraction, in order
    flags: tuple[str, ...]

    @property
    def called(self) -> bool:
        return self.winner is not None

    @property
    def retracted(self) -> bool:
        return self.winner is None and any(e.retraction for e in self.history)


def _time(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise CallRuleError(f"call time {at} must carry a time zone (e.g. 2024-11-06T05:34-05:00)")
    return at.astimezone(UTC)


def _close_of_majority(year: int) -> datetime:
    """The first instant polls have closed in races worth a majority of the electors."""
    electors = race_electors(year)
    races = sorted(electors, key=lambda race: poll_close(year, race))
    cumulative = np.cumsum([electors[race] for race in races])
    index = int(np.searchsorted(cumulative, majority(int(cumulative[-1]))))
    return poll_close(year, races[index])


def poll_close_flags(
    year: int, race: str, at: datetime | None, precision: Precision
) -> tuple[str, ...]:
    """``("before_poll_close",)`` when the call precedes the race's last poll close (the
    presidency: before polls had closed in races worth a majority). Date-only calls are
    flagged only when their date is before Election Day."""
    if at is None or precision is Precision.UNKNOWN:
        return ()
    if precision is Precision.DATE:
        early = at.astimezone(EASTERN).date() < election_day(year)
    else:
        closes = _close_of_majority(year) if race == PRESIDENCY else poll_close(year, race)
        early = at < closes
    return (BEFORE_POLL_CLOSE,) if early else ()


def data_entries(calls: Iterable[CallRecord]) -> list[CallEntry]:
    """The data folder's calls as entries (flagged like recorded ones)."""
    return [
        CallEntry(
            year=call.year,
            caller=call.caller,
            race=call.race,
            retraction=False,
            winner=call.winner,
            at=call.at,
            precision=call.precision,
            source=call.source,
            note=call.note,
            origin=f"data: {call.origin}",
            seq=None,
            flags=poll_close_flags(call.year, call.race, call.at, call.precision),
        )
        for call in calls
    ]


def _entry(event: Event, *, retraction: bool) -> CallEntry:
    payload: Mapping[str, Any] = event.payload
    precision = Precision(str(payload.get("precision", Precision.EXACT.value)))
    return CallEntry(
        year=event.year,
        caller=event.actor,
        race=event.race or PRESIDENCY,
        retraction=retraction,
        winner=Party(str(payload["winner"])),
        at=event.at,
        precision=precision,
        source=str(payload.get("source", "")),
        note=str(payload.get("reason", payload.get("note", ""))),
        origin=f"ledger seq {event.seq}",
        seq=event.seq,
        flags=tuple(str(flag) for flag in payload.get("flags", ())),
    )


def ledger_entries(ledger: Ledger, year: int) -> list[CallEntry]:
    """Every external call and retraction of ``year`` in the ledger, in sequence order."""
    return [
        _entry(event, retraction=event.kind == EXTERNAL_RETRACTION)
        for event in ledger.events(year=year, kinds=[EXTERNAL_CALL, EXTERNAL_RETRACTION])
    ]


def desk_entries(ledger: Ledger, year: int) -> list[CallEntry]:
    """The desk's own calls and retractions (kinds ``call`` / ``retraction``, actor racedesk)."""
    return [
        _entry(event, retraction=event.kind == DESK_RETRACTION)
        for event in ledger.events(year=year, kinds=[DESK_CALL, DESK_RETRACTION])
        if event.actor == DESK and "winner" in event.payload
    ]


def _entry_order(entry: CallEntry) -> tuple[bool, datetime, int]:
    at = entry.at or datetime.max.replace(tzinfo=UTC)
    return (entry.at is None, at, entry.seq or 0)


def standings(entries: Iterable[CallEntry]) -> dict[tuple[str, str], Standing]:
    """Each (caller, race)'s standing call, replaying its entries in time order.

    A repeated call for the standing winner keeps the first one's time; a call for another
    winner without a retraction replaces it and is flagged ``changed_without_retraction``.
    """
    grouped: dict[tuple[str, str], list[CallEntry]] = {}
    for entry in sorted(entries, key=_entry_order):
        grouped.setdefault((entry.caller, entry.race), []).append(entry)
    result: dict[tuple[str, str], Standing] = {}
    for (caller, race), history in grouped.items():
        current: CallEntry | None = None
        flags: list[str] = []
        for entry in history:
            if entry.retraction:
                current = None
            elif current is None or current.winner is not entry.winner:
                if current is not None:
                    flags.append(CHANGED_WITHOUT_RETRACTION)
                current = entry
        if current is not None:
            flags.extend(current.flags)
        result[(caller, race)] = Standing(
            caller=caller,
            race=race,
            winner=current.winner if current else None,
            at=current.at if current else None,
            precision=current.precision if current else Precision.UNKNOWN,
            source=current.source if current else "",
            history=tuple(history),
            flags=tuple(dict.fromkeys(flags)),
        )
    return result


def _year_of(at: datetime, year: int | None) -> int:
    return year if year is not None else cycle_of(at.astimezone(EASTERN).date())


def _standing(
    ledger: Ledger, year: int, caller: str, race: str, reference: Sequence[CallRecord]
) -> Standing | None:
    known = data_entries(c for c in reference if c.year == year)
    entries = [
        e for e in [*known, *ledger_entries(ledger, year)] if (e.caller, e.race) == (caller, race)
    ]
    return standings(entries).get((caller, race))


def record_external_call(
    ledger: Ledger,
    caller: str,
    race: str,
    winner: str | Party,
    at: datetime,
    source: str,
    *,
    year: int | None = None,
    note: str = "",
    precision: Precision = Precision.EXACT,
    reference: Sequence[CallRecord] = (),
) -> Recorded:
    """Record ``caller``'s call of ``race`` for ``winner`` at ``at`` (timezone-aware).

    ``reference`` holds calls known from elsewhere (the data folder) that count as made. The
    year is the election cycle of ``at`` unless given.
    """
    name = caller_name(caller)
    moment = _time(at)
    cycle = _year_of(moment, year)
    key = call_race(cycle, race)
    party = winner if isinstance(winner, Party) else winner_party(cycle, winner)
    flags = poll_close_flags(cycle, key, moment, precision)
    warnings = (
        [
            f"{name}'s call of {key} at {moment:%Y-%m-%d %H:%MZ} is before polls closed; recorded "
            "and flagged"
        ]
        if flags
        else []
    )
    current = _standing(ledger, cycle, name, key, reference)
    if current is not None and current.winner is party:
        if current.at is not None and moment < current.at:
            warnings.append(
                f"{name} already called {key} for {party.value} at {current.at:%Y-%m-%d %H:%MZ}; "
                "the earlier time stands"
            )
        return Recorded(entry=current.history[-1], new=False, warnings=tuple(warnings))
    if current is not None and current.winner is not None:
        raise CallRuleError(
            f"{name} has called {key} for {current.winner.value} (at {current.at}); record a "
            f"retraction before a call for {party.value}; nothing recorded"
        )
    payload = {
        "winner": party.value,
        "source": source,
        "precision": precision.value,
        "note": note,
        "flags": list(flags),
    }
    event = ledger.append(
        EXTERNAL_CALL, year=cycle, at=moment, actor=name, race=key, payload=payload
    )
    return Recorded(entry=_entry(event, retraction=False), new=True, warnings=tuple(warnings))


def retract_external_call(
    ledger: Ledger,
    caller: str,
    race: str,
    at: datetime,
    source: str,
    *,
    year: int | None = None,
    reason: str = "",
    reference: Sequence[CallRecord] = (),
    winner: str | Party | None = None,
) -> Recorded:
    """Record that ``caller`` withdrew its standing call of ``race`` at ``at``.

    Refused (``CallRuleError``) when the caller has no standing call of the race, when ``at``
    is before the call it withdraws, or when ``winner`` is given and is not the called winner.
    """
    name = caller_name(caller)
    moment = _time(at)
    cycle = _year_of(moment, year)
    key = call_race(cycle, race)
    current = _standing(ledger, cycle, name, key, reference)
    if current is None or current.winner is None:
        state = "its call was already retracted" if current else "no call on record"
        raise CallRuleError(
            f"{name} has no standing call of {key} in {cycle} to retract ({state}); "
            "nothing recorded"
        )
    if winner is not None:
        named = winner if isinstance(winner, Party) else winner_party(cycle, winner)
        if named is not current.winner:
            raise CallRuleError(
                f"{name} called {key} for {current.winner.value}, not {named.value}: no call "
                f"for {named.value} to retract; nothing recorded"
            )
    if current.at is not None and moment < current.at:
        raise CallRuleError(
            f"retraction at {moment:%Y-%m-%d %H:%MZ} is before {name}'s call of {key} at "
            f"{current.at:%Y-%m-%d %H:%MZ}; nothing recorded"
        )
    payload = {
        "winner": current.winner.value,
        "called_at": current.at.isoformat() if current.at else None,
        "source": source,
        "reason": reason,
    }
    event = ledger.append(
        EXTERNAL_RETRACTION, year=cycle, at=moment, actor=name, race=key, payload=payload
    )
    return Recorded(entry=_entry(event, retraction=True), new=True, warnings=())
