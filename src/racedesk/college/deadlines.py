"""What the calendar says comes next, after a president-elect (or a deadlock) is known.

Takes the milestones of ``racedesk.domain.calendar.calendar_for(year).milestones`` — any objects
with ``key``, ``name``, ``date`` and ``law`` — and returns those still ahead, in order, each with a
line saying what happens then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


class MilestoneLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def date(self) -> date: ...
    @property
    def law(self) -> str: ...


# What happens at each milestone, for the declaration's "next steps".
WHAT_HAPPENS: dict[str, str] = {
    "certificate_deadline": (
        "each governor issues the certificate of ascertainment naming the state's electors"
    ),
    "electors_meet": "the electors meet in each state capital and cast their votes",
    "certificates_due": "the certificates of vote must reach the President of the Senate",
    "congress_convenes": "the new Congress is sworn in",
    "congress_counts": "Congress counts the electoral votes in joint session",
    "inauguration": "the President-elect takes the oath; the new term begins at noon",
    "inauguration_ceremony": "the public inauguration ceremony",
}

# After a deadlock the count is followed at once by the House's vote (12th Amendment).
CONTINGENT_STEP = (
    "no candidate has a majority: the House chooses the President, one vote per state "
    "delegation (26 needed); the Senate chooses the Vice President (51 needed)"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    key: str
    name: str
    on: date
    law: str
    what: str


def next_steps(
    milestones: Iterable[MilestoneLike], *, after: date | datetime, contingent: bool = False
) -> tuple[Step, ...]:
    """The milestones strictly after ``after`` (a date, or a UTC instant's date), in date order.

    With ``contingent``, the joint session's step says that the House and Senate then choose.
    """
    day = after.date() if isinstance(after, datetime) else after
    steps: list[Step] = []
    for milestone in sorted(milestones, key=lambda m: m.date):
        if milestone.date <= day or milestone.key == "election_day":
            continue
        what = WHAT_HAPPENS.get(milestone.key, milestone.name)
        if contingent and milestone.key == "congress_counts":
            what = f"{what}; {CONTINGENT_STEP}"
        elif contingent and milestone.key == "inauguration":
            what = (
                "the new term begins at noon; if no President has been chosen, the "
                "Vice President-elect acts as President"
            )
        steps.append(
            Step(
                key=milestone.key,
                name=milestone.name,
                on=milestone.date,
                law=milestone.law,
                what=what,
            )
        )
    return tuple(steps)
