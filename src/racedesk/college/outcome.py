"""The president-elect declaration, and the College's status from the standing calls.

A candidate is president-elect the moment the standing calls give them a majority of the electors
(270 of 538). The moment is found by replaying the standing calls in call order (calls at the same
instant in race-name order); the call that carried the candidate over the line is named. After a
retraction the declaration is recomputed from the calls that still stand.

When every race is called and nobody has a majority (269–269) the status is the 12th Amendment's
contingent election: the House chooses the President, one vote per state delegation; the Senate
chooses the Vice President.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from racedesk.calls.status import Kind, RaceStatus
from racedesk.college.deadlines import MilestoneLike, Step, next_steps
from racedesk.domain.contests import Party
from racedesk.domain.electoral import CONTINGENT_STATUS, Outcome
from racedesk.domain.electoral import majority as majority_of
from racedesk.domain.nominees import nominee


@dataclass(frozen=True, slots=True, kw_only=True)
class PresidentElect:
    party: Party
    candidate: str
    at: datetime  # the time of the call that carried them over the line
    race: str  # that call's race
    electors: int  # their called electors at that moment
    majority: int
    next_steps: tuple[Step, ...]

    def describe(self) -> str:
        return (
            f"{self.candidate} ({self.party.value}) is president-elect at "
            f"{self.at:%Y-%m-%d %H:%MZ}: the call in {self.race} brings "
            f"{self.electors} electors (majority {self.majority})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CollegeStatus:
    outcome: Outcome
    message: str
    called: dict[Party, int]
    uncalled_electors: int
    majority: int
    president_elect: PresidentElect | None
    next_steps: tuple[Step, ...]


def _calls(statuses: Mapping[str, RaceStatus], electors: Mapping[str, int]) -> list[RaceStatus]:
    calls = [
        s for race, s in statuses.items() if race in electors and s.kind is Kind.CALLED and s.winner
    ]
    return sorted(calls, key=lambda s: (s.at, s.race))


def president_elect(
    statuses: Mapping[str, RaceStatus],
    electors: Mapping[str, int],
    *,
    year: int,
    milestones: Iterable[MilestoneLike] = (),
) -> PresidentElect | None:
    """The president-elect by the standing calls, with the moment and race that made them so."""
    majority = majority_of(sum(electors.values()))
    tally = {Party.DEM: 0, Party.GOP: 0}
    for call in _calls(statuses, electors):
        party = call.winner
        if party not in tally:  # pragma: no cover - calls name only dem or gop
            continue
        tally[party] += electors[call.race]
        if tally[party] >= majority:
            return PresidentElect(
                party=party,
                candidate=nominee(year, party),
                at=call.at,
                race=call.race,
                electors=tally[party],
                majority=majority,
                next_steps=next_steps(milestones, after=call.at),
            )
    return None


def college_status(
    statuses: Mapping[str, RaceStatus],
    electors: Mapping[str, int],
    *,
    year: int,
    at: datetime,
    milestones: Iterable[MilestoneLike] = (),
) -> CollegeStatus:
    """Where the College stands at ``at``: undecided, a president-elect, or a deadlock."""
    milestones = tuple(milestones)
    majority = majority_of(sum(electors.values()))
    calls = _calls(statuses, electors)
    called = {
        party: sum(electors[c.race] for c in calls if c.winner is party)
        for party in (Party.DEM, Party.GOP)
    }
    uncalled = sum(electors.values()) - sum(called.values())
    elect = president_elect(statuses, electors, year=year, milestones=milestones)
    if elect is not None:
        return CollegeStatus(
            outcome=Outcome.PRESIDENT_ELECT,
            message=elect.describe(),
            called=called,
            uncalled_electors=uncalled,
            majority=majority,
            president_elect=elect,
            next_steps=elect.next_steps,
        )
    if uncalled == 0:
        score = f"{called[Party.DEM]}–{called[Party.GOP]}"
        return CollegeStatus(
            outcome=Outcome.CONTINGENT,
            message=f"{CONTINGENT_STATUS} (no majority: {score}, {majority} needed)",
            called=called,
            uncalled_electors=0,
            majority=majority,
            president_elect=None,
            next_steps=next_steps(milestones, after=at, contingent=True),
        )
    return CollegeStatus(
        outcome=Outcome.UNDECIDED,
        message=(
            f"undecided: dem {called[Party.DEM]}, gop {called[Party.GOP]}, "
            f"{uncalled} electors uncalled ({majority} needed)"
        ),
        called=called,
        uncalled_electors=uncalled,
        majority=majority,
        president_elect=None,
        next_steps=(),
    )
