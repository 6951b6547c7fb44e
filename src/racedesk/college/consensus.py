"""The consensus of the callers: per race and for the presidency, who has called it, for whom and
when; whether all callers agree or are split; and where racedesk stands against them.

Callers are counted per level: the race view counts the callers with any state or district call
that year, the presidency view those with any presidency call, so "declared by all N callers"
means every caller that calls at that level. Agreement:

* ``unanimous``: every caller has a standing call for the same winner ("declared by all N");
* ``partial``: some have called, all for the same winner, others not yet;
* ``split``: standing calls disagree — flagged loudly in ``splits``;
* ``uncalled``: no standing call.

racedesk's own calls come from the ledger (kinds ``call`` / ``retraction``, actor racedesk). If
the desk wrote no presidency call, racedesk's presidency call is derived from its race calls: the
moment its standing calls first give one party a majority of the electors (flag ``derived``).
racedesk's lead is ``other.at − racedesk.at``: positive means racedesk was ahead (earlier), both
against the first external caller and against the consensus (the moment the last caller joined a
unanimous call).

The real calls in the data folder are merged with the ledger's every time (they are data, never
copied into the ledger); ``consensus`` takes them as ``data_calls``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from racedesk.college.external_calls import (
    DESK,
    CallEntry,
    Standing,
    caller_rank,
    data_entries,
    desk_entries,
    ledger_entries,
    standings,
)
from racedesk.domain.contests import Party
from racedesk.domain.electoral import majority, race_electors
from racedesk.domain.nominees import nominee
from racedesk.history.calls import PRESIDENCY, CallRecord, Precision
from racedesk.store.ledger import Ledger

DERIVED = "derived"


class Agreement(StrEnum):
    UNCALLED = "uncalled"
    PARTIAL = "partial"
    UNANIMOUS = "unanimous"
    SPLIT = "split"


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceView:
    """One race (or the presidency) across every caller."""

    race: str
    electors: int | None  # None for the presidency
    callers: tuple[Standing, ...]  # external callers with any entry for this race
    expected: tuple[str, ...]  # the callers counted at this level (N)
    agreement: Agreement
    winner: Party | None  # the winner all standing calls name; None when split or uncalled
    first: Standing | None  # the earliest standing external call
    consensus_at: datetime | None  # when the last caller joined a unanimous call
    racedesk: Standing | None
    racedesk_agrees: bool | None  # None while either side has no standing call
    lead_vs_first: timedelta | None  # positive: racedesk called earlier than the first caller
    lead_vs_consensus: timedelta | None  # positive: racedesk called before the consensus
    approximate: bool  # a time involved is approximate or date-only
    summary: str

    @property
    def missing(self) -> tuple[str, ...]:
        called = {s.caller for s in self.callers if s.called}
        return tuple(c for c in self.expected if c not in called)


@dataclass(frozen=True, slots=True, kw_only=True)
class Consensus:
    """Every race and the presidency, for one year, as of ``as_of`` (None: everything known)."""

    year: int
    as_of: datetime | None
    race_callers: tuple[str, ...]
    president_callers: tuple[str, ...]
    president: RaceView
    races: tuple[RaceView, ...]
    splits: tuple[str, ...]  # one loud line per split race
    warnings: tuple[str, ...]  # calls before poll close, changed calls, racedesk disagreements
    racedesk_replay: bool  # the store holds racedesk calls for this year
    hint: str | None  # how to get a replay when there is none


def duration(delta: timedelta) -> str:
    """``2 h 05 min``, ``12 min``, ``3 d 4 h`` (absolute value)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def _lead_text(lead: timedelta, against: str) -> str:
    if abs(lead) < timedelta(minutes=1):
        return f"racedesk level with {against}"
    side = "ahead of" if lead > timedelta(0) else "behind"
    return f"racedesk {side} {against} by {duration(lead)}"


def _derive_desk_president(year: int, entries: Sequence[CallEntry]) -> CallEntry | None:
    """racedesk's presidency call implied by its race calls (first moment with a majority)."""
    electors = race_electors(year)
    needed = majority(sum(electors.values()))
    standing: dict[str, CallEntry] = {}
    for entry in sorted((e for e in entries if e.at is not None), key=lambda e: (e.at, e.seq or 0)):
        if entry.race not in electors:
            continue
        if entry.retraction:
            standing.pop(entry.race, None)
            continue
        standing[entry.race] = entry
        won = sum(electors[r] for r, e in standing.items() if e.winner is entry.winner)
        if won >= needed:
            return replace(
                entry,
                race=PRESIDENCY,
                origin=f"derived from racedesk's call of {entry.race} ({entry.origin})",
                note=f"{won} electors called, {needed} needed",
                flags=(*entry.flags, DERIVED),
            )
    return None


def _view(
    year: int,
    race: str,
    external: dict[tuple[str, str], Standing],
    expected: tuple[str, ...],
    desk: Standing | None,
) -> RaceView:
    callers = tuple(
        sorted(
            (s for (caller, key), s in external.items() if key == race),
            key=lambda s: caller_rank(s.caller),
        )
    )
    called = [s for s in callers if s.called]
    winners = {s.winner for s in called}
    timed = [s for s in called if s.at is not None]
    first = min(timed, key=lambda s: s.at) if timed else (called[0] if called else None)  # type: ignore[arg-type, return-value]
    if not called:
        agreement, winner = Agreement.UNCALLED, None
    elif len(winners) > 1:
        agreement, winner = Agreement.SPLIT, None
    else:
        winner = next(iter(winners))
        everyone = {s.caller for s in called} >= set(expected)
        agreement = Agreement.UNANIMOUS if everyone else Agreement.PARTIAL
    consensus_at = None
    if agreement is Agreement.UNANIMOUS and all(s.at is not None for s in called):
        consensus_at = max(s.at for s in called if s.at is not None)
    desk_at = desk.at if desk and desk.called else None
    lead_first = first.at - desk_at if first and first.at and desk_at else None
    lead_consensus = consensus_at - desk_at if consensus_at and desk_at else None
    agrees = desk.winner is winner if desk and desk.called and winner is not None else None
    if desk and desk.called and agreement is Agreement.SPLIT:
        agrees = False
    approximate = any(
        s.precision not in (Precision.EXACT, Precision.MINUTE)
        for s in (*called, *([desk] if desk else []))
        if s is not None and s.called
    )
    return RaceView(
        race=race,
        electors=None if race == PRESIDENCY else race_electors(year)[race],
        callers=callers,
        expected=expected,
        agreement=agreement,
        winner=winner,
        first=first,
        consensus_at=consensus_at,
        racedesk=desk,
        racedesk_agrees=agrees,
        lead_vs_first=lead_first,
        lead_vs_consensus=lead_consensus,
        approximate=approximate,
        summary=_summary(
            year, race, agreement, winner, called, expected, desk, lead_first, lead_consensus, first
        ),
    )


def _summary(
    year: int,
    race: str,
    agreement: Agreement,
    winner: Party | None,
    called: Sequence[Standing],
    expected: Sequence[str],
    desk: Standing | None,
    lead_first: timedelta | None,
    lead_consensus: timedelta | None,
    first: Standing | None,
) -> str:
    n = len(expected)
    if agreement is Agreement.SPLIT:
        sides = "; ".join(f"{s.caller} for {s.winner.value if s.winner else '?'}" for s in called)
        text = f"SPLIT: callers disagree on {race} ({sides})"
    elif agreement is Agreement.UNCALLED:
        text = f"{race}: not called by any of {n} caller{'s' if n != 1 else ''}"
    else:
        who = f"{nominee(year, winner)} ({winner.value})" if winner else "?"
        if agreement is Agreement.UNANIMOUS and n == 1:
            text = f"{race}: {who} declared by {expected[0]} (the only caller on record)"
        elif agreement is Agreement.UNANIMOUS:
            text = f"{race}: {who} declared by all {n} callers"
        else:
            missing = ", ".join(c for c in expected if c not in {s.caller for s in called})
            text = f"{race}: {who} called by {len(called)} of {n} callers (not yet: {missing})"
    parts = [text]
    if desk is not None and desk.called:
        if winner is not None and desk.winner is not winner:
            parts.append(
                f"RACEDESK DISAGREES: racedesk called {desk.winner.value if desk.winner else '?'}"
            )
        if lead_consensus is not None:
            parts.append(_lead_text(lead_consensus, "the consensus"))
        elif lead_first is not None and first is not None:
            parts.append(_lead_text(lead_first, f"{first.caller} (first)"))
    elif desk is not None and desk.retracted:
        parts.append("racedesk retracted its call")
    return "; ".join(parts)


def consensus(
    year: int,
    *,
    ledger: Ledger | None = None,
    data_calls: Iterable[CallRecord] = (),
    as_of: datetime | None = None,
) -> Consensus:
    """The callers' consensus for ``year``: the data folder's calls, the ledger's external calls
    and racedesk's own, as of ``as_of`` (UTC-aware; None: everything, undated calls included)."""
    entries = data_entries(c for c in data_calls if c.year == year)
    desk: list[CallEntry] = []
    if ledger is not None:
        entries += ledger_entries(ledger, year)
        desk = desk_entries(ledger, year)
    # The callers counted (N) are those of the whole year, also when looking at an earlier time.
    race_callers = tuple(
        sorted({e.caller for e in entries if e.race != PRESIDENCY}, key=caller_rank)
    )
    president_callers = tuple(
        sorted({e.caller for e in entries if e.race == PRESIDENCY}, key=caller_rank)
    )
    if as_of is not None:
        entries = [e for e in entries if e.at is not None and e.at <= as_of]
        desk = [e for e in desk if e.at is not None and e.at <= as_of]
    if desk and not any(e.race == PRESIDENCY for e in desk):
        derived = _derive_desk_president(year, desk)
        if derived is not None:
            desk.append(derived)
    external = standings(entries)
    desk_standing = standings(desk)
    races = tuple(
        _view(year, race, external, race_callers, desk_standing.get((DESK, race)))
        for race in race_electors(year)
    )
    president = _view(
        year, PRESIDENCY, external, president_callers, desk_standing.get((DESK, PRESIDENCY))
    )
    views = (president, *races)
    splits = tuple(v.summary for v in views if v.agreement is Agreement.SPLIT)
    warnings: list[str] = []
    for standing in (*external.values(), *desk_standing.values()):
        for flag in standing.flags:
            if flag != DERIVED:
                warnings.append(f"{standing.caller} {standing.race}: {flag.replace('_', ' ')}")
    warnings += [
        f"{v.race}: racedesk's call disagrees with the other callers"
        for v in views
        if v.racedesk_agrees is False
    ]
    hint = None
    if not desk:
        hint = (
            f"no racedesk replay of {year} in this store: run `racedesk demo --year {year} "
            f"--store PATH`, then `racedesk callers --year {year} --store PATH`"
        )
    return Consensus(
        year=year,
        as_of=as_of,
        race_callers=race_callers,
        president_callers=president_callers,
        president=president,
        races=races,
        splits=splits,
        warnings=tuple(warnings),
        racedesk_replay=bool(desk),
        hint=hint,
    )
