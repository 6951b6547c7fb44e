"""The road from Election Day to Inauguration Day for one cycle: the statutory milestones of the
calendar (``calendar_for``), and what happened on the way — each caller's call of the presidency,
certificates of ascertainment, the electors' votes, the joint session — as dated entries, past
ones with their dates and the ones ahead with days remaining.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from racedesk.college.certification import Step, certification_events
from racedesk.college.consensus import Consensus
from racedesk.college.electors_vote import recorded_votes
from racedesk.college.joint_session import JOINT_SESSION
from racedesk.domain.calendar import calendar_for
from racedesk.domain.nominees import nominee
from racedesk.history.calls import EASTERN
from racedesk.store.ledger import Ledger


class Kind(StrEnum):
    MILESTONE = "milestone"  # a statutory date
    CALL = "call"  # a caller declared the president-elect
    EVENT = "event"  # something recorded in the ledger


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    key: str
    name: str
    on: date
    kind: Kind
    detail: str  # the law for a milestone, the source or summary otherwise
    days: int  # from today; negative once passed

    @property
    def status(self) -> str:
        return "today" if self.days == 0 else ("past" if self.days < 0 else "ahead")


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    year: int
    today: date
    regime: str
    entries: tuple[Entry, ...]  # in date order; milestones keep legal order on the same day

    @property
    def milestones(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind is Kind.MILESTONE)

    @property
    def next(self) -> Entry | None:
        ahead = [e for e in self.milestones if e.days >= 0]
        return ahead[0] if ahead else None


def _calls(year: int, view: Consensus, today: date) -> list[Entry]:
    entries: list[Entry] = []
    timed = [s for s in view.president.callers if s.at is not None]
    for standing in sorted(timed, key=lambda s: s.at or datetime.min):
        if not standing.called or standing.at is None or standing.winner is None:
            continue
        on = standing.at.astimezone(EASTERN).date()
        clock = standing.at.astimezone(EASTERN).strftime("%H:%M ET")
        entries.append(
            Entry(
                key=f"call_{standing.caller.lower().replace(' ', '_')}",
                name=f"{standing.caller} declares {nominee(year, standing.winner)} president-elect",
                on=on,
                kind=Kind.CALL,
                detail=f"{clock} ({standing.precision.value}); {standing.source}",
                days=(on - today).days,
            )
        )
    desk = view.president.racedesk
    if desk is not None and desk.called and desk.at is not None and desk.winner is not None:
        on = desk.at.astimezone(EASTERN).date()
        entries.append(
            Entry(
                key="call_racedesk",
                name=f"racedesk declares {nominee(year, desk.winner)} president-elect",
                on=on,
                kind=Kind.CALL,
                detail=desk.at.astimezone(EASTERN).strftime("%H:%M ET") + " (replay)",
                days=(on - today).days,
            )
        )
    return entries


def _ledger(year: int, ledger: Ledger, today: date) -> list[Entry]:
    entries: list[Entry] = []
    issued = sorted(
        e.on for e in certification_events(ledger, year) if e.step is Step.ASCERTAINMENT_ISSUED
    )
    if issued:
        entries.append(
            Entry(
                key="ascertainment_last",
                name=f"Certificates of ascertainment recorded: {len(issued)}",
                on=issued[-1],
                kind=Kind.EVENT,
                detail=f"first {issued[0]}, last {issued[-1]}",
                days=(issued[-1] - today).days,
            )
        )
    votes = recorded_votes(ledger, year)
    if votes:
        last = max(v.on for v in votes.values())
        entries.append(
            Entry(
                key="elector_votes",
                name=f"Electors' votes recorded for {len(votes)} states",
                on=last,
                kind=Kind.EVENT,
                detail=f"{sum(v.cast for v in votes.values())} votes cast",
                days=(last - today).days,
            )
        )
    for event in ledger.events(year=year, kinds=[JOINT_SESSION]):
        on = event.at.astimezone(EASTERN).date()
        entries.append(
            Entry(
                key="joint_session_result",
                name="Joint session result recorded",
                on=on,
                kind=Kind.EVENT,
                detail=str(event.payload.get("message", "")),
                days=(on - today).days,
            )
        )
    return entries


def timeline(
    year: int, today: date, *, consensus: Consensus | None = None, ledger: Ledger | None = None
) -> Timeline:
    """The cycle's road to January 20 as of ``today``."""
    calendar = calendar_for(year)
    entries = [
        Entry(
            key=m.key,
            name=m.name,
            on=m.date,
            kind=Kind.MILESTONE,
            detail=m.law,
            days=(m.date - today).days,
        )
        for m in calendar.milestones
    ]
    if consensus is not None:
        entries += _calls(year, consensus, today)
    if ledger is not None:
        entries += _ledger(year, ledger, today)
    order = {kind: i for i, kind in enumerate(Kind)}
    # Stable sort: milestones keep their legal order; events follow a milestone of the same day.
    entries.sort(key=lambda e: (e.on, order[e.kind]))
    return Timeline(year=year, today=today, regime=calendar.regime.value, entries=tuple(entries))
