"""The Electoral College as the API serves it: called electors, projection, tipping point.

With a desk cycle in this process the projection is complete (expected electors, the 90% range,
the distribution). From the ledger alone, the called electors come from the desk's standing
calls and the odds and tipping point from its latest ``cycle`` event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from racedesk.api import schemas as s
from racedesk.api.board import DESK, Standing
from racedesk.college.deadlines import Step, next_steps
from racedesk.desk import Cycle
from racedesk.domain.calendar import calendar_for
from racedesk.domain.contests import Party
from racedesk.domain.electoral import CONTINGENT_STATUS, Outcome
from racedesk.domain.electoral import majority as majority_of

TIPPING_SHOWN = 10


def _steps(steps: Iterable[Step]) -> list[s.StepOut]:
    return [
        s.StepOut(key=step.key, name=step.name, on=step.on, law=step.law, what=step.what)
        for step in steps
    ]


def college_from_cycle(cycle: Cycle, *, year: int, seq: int) -> s.CollegeOut:
    p, college = cycle.projection, cycle.college
    tip = p.tipping_point
    elect = college.president_elect
    return s.CollegeOut(
        year=year,
        seq=seq,
        cycle=cycle.number,
        at=cycle.at,
        appointed=p.appointed,
        majority=p.majority,
        called=s.PartyCounts(dem=college.called[Party.DEM], gop=college.called[Party.GOP]),
        uncalled_electors=college.uncalled_electors,
        win_probability=s.PartyNumbers(
            dem=round(p.win_probability[Party.DEM], 4), gop=round(p.win_probability[Party.GOP], 4)
        ),
        no_majority_probability=round(p.no_majority_probability, 4),
        expected_electors=s.PartyNumbers(
            dem=round(p.expected_electors[Party.DEM], 2),
            gop=round(p.expected_electors[Party.GOP], 2),
        ),
        electors_90=s.PartyRanges(dem=p.electors_90[Party.DEM], gop=p.electors_90[Party.GOP]),
        tipping_point=None
        if tip is None
        else s.TippingOut(race=tip.race, winner=tip.winner.value, margin=round(tip.margin, 6)),
        tipping_probability=[
            s.RaceProbability(race=race, probability=round(prob, 4))
            for race, prob in list(p.tipping_probability.items())[:TIPPING_SHOWN]
        ],
        distribution=[round(x, 6) for x in p.distribution],
        outcome=college.outcome.value,
        message=college.message,
        president_elect=None
        if elect is None
        else s.PresidentElectOut(
            party=elect.party.value,
            candidate=elect.candidate,
            at=elect.at,
            race=elect.race,
            electors=elect.electors,
        ),
        next_steps=_steps(college.next_steps),
    )


def college_from_ledger(
    calls: Standing, electors: Mapping[str, int], *, year: int, seq: int
) -> s.CollegeOut:
    appointed = sum(electors.values())
    majority = majority_of(appointed)
    called = {"dem": 0, "gop": 0}
    for race, by_caller in calls.calls.items():
        event = by_caller.get(DESK)
        winner = event.payload.get("winner") if event is not None else None
        if race in electors and winner in called:
            called[str(winner)] += electors[race]
    uncalled = appointed - sum(called.values())
    cycle = calls.last_cycle
    summary = cycle.payload if cycle is not None else {}
    odds = summary.get("win_probability")
    tip = summary.get("tipping_point")
    at: datetime | None = cycle.at if cycle is not None else None
    milestones = calendar_for(year).milestones
    elect_event = calls.president_elect
    elect: s.PresidentElectOut | None = None
    if (
        elect_event is not None
        and called.get(str(elect_event.payload.get("winner")), 0) >= majority
    ):
        payload = elect_event.payload
        elect = s.PresidentElectOut(
            party=str(payload["winner"]),
            candidate=str(payload.get("candidate", "")),
            at=elect_event.at,
            race=str(payload.get("race", "")),
            electors=int(payload.get("electors", majority)),
        )
    if elect is not None:
        outcome = Outcome.PRESIDENT_ELECT
        message = (
            f"{elect.candidate} ({elect.party}) is president-elect at {elect.at:%Y-%m-%d %H:%MZ}"
        )
        steps = next_steps(milestones, after=elect.at)
    elif uncalled == 0:
        outcome = Outcome.CONTINGENT
        message = f"{CONTINGENT_STATUS} (no majority: {called['dem']}–{called['gop']})"
        steps = next_steps(milestones, after=at or elect_event_at(calls), contingent=True)
    else:
        outcome = Outcome.UNDECIDED
        message = (
            f"undecided: dem {called['dem']}, gop {called['gop']}, "
            f"{uncalled} electors uncalled ({majority} needed)"
        )
        steps = ()
    return s.CollegeOut(
        year=year,
        seq=seq,
        cycle=summary.get("cycle"),
        at=at,
        appointed=appointed,
        majority=majority,
        called=s.PartyCounts(**called),
        uncalled_electors=uncalled,
        win_probability=s.PartyNumbers(dem=odds.get("dem", 0.0), gop=odds.get("gop", 0.0))
        if isinstance(odds, dict)
        else None,
        no_majority_probability=None,
        expected_electors=None,
        electors_90=None,
        tipping_point=None
        if not tip
        else s.TippingOut(race=str(tip), winner=_winner_of(calls, str(tip)), margin=None),
        tipping_probability=[],
        distribution=[],
        outcome=outcome.value,
        message=message,
        president_elect=elect,
        next_steps=_steps(steps),
    )


def elect_event_at(calls: Standing) -> datetime:
    """The latest call's time: when the last elector was called, for a deadlock's next steps."""
    times = [e.at for by_caller in calls.calls.values() for e in by_caller.values()]
    return max(times)


def _winner_of(calls: Standing, race: str) -> str | None:
    event = calls.desk_call(race)
    return str(event.payload["winner"]) if event is not None else None
