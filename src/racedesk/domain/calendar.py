"""The statutory calendar of a presidential election, computed from the rules (domain.md §1).

Two regimes: the Electoral Count Act of 1887 as codified in 1948 (elections through 2020) and
the Electoral Count Reform Act of 2022 (ECRA, Division P of Pub. L. 117-328; from 2024).

==================================  =======================================================
Election Day                        Tuesday after the first Monday in November (Nov 2–8)
safe harbor / certificate deadline  6 days before the electors meet (3 U.S.C. §5)
electors meet                       first Monday (ECRA: Tuesday) after the second Wednesday
                                    of December (3 U.S.C. §7)
certificates due                    fourth Wednesday of December (3 U.S.C. §§12–13)
new Congress convenes               noon, January 3 (20th Amendment §2), unless moved by law
joint session counts the votes      January 6 (3 U.S.C. §15), unless moved by law
inauguration                        noon, January 20 (20th Amendment §1); the public
                                    ceremony moves to Monday when the 20th is a Sunday
==================================  =======================================================

Congress moves the count (and sometimes the convening) by a law for one cycle; those moves are
data (``COUNT_MOVED``, ``CONVENE_MOVED``), never a weekday rule. The rules hold from the 1936
election (the 20th Amendment and the 1934 act on the electors' meeting); earlier years are
refused. The House moved the count in 1957, 1985, 1989 and 1997 too, but those dates are not
in our sources: those years show the statutory date and say so in ``count_note``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from racedesk.domain.electoral import check_presidential_year
from racedesk.errors import RacedeskError

FIRST_YEAR = 1936  # first election under the 20th Amendment dates and the 1934 meeting rule
ECRA_FIRST_YEAR = 2024
MONDAY, TUESDAY, WEDNESDAY, SUNDAY = 0, 1, 2, 6
CERTIFICATE_LEAD_DAYS = 6

# Election year -> (date, law) where Congress set another day by law (calendar.csv).
COUNT_MOVED: dict[int, tuple[date, str]] = {
    2008: (date(2009, 1, 8), "H.J.Res.100 (110th Congress)"),
    2012: (date(2013, 1, 4), "H.J.Res.122 (112th Congress)"),
}
CONVENE_MOVED: dict[int, tuple[date, str]] = {
    2008: (date(2009, 1, 6), "H.J.Res.100 (110th Congress)"),
}
# Years the House historians list as count-date changes whose dates we have not verified.
COUNT_MOVED_UNKNOWN: frozenset[int] = frozenset({1956, 1984, 1988, 1996})


class CalendarError(RacedeskError, ValueError):
    """A year the calendar cannot be computed for."""


class Regime(StrEnum):
    PRE_ECRA = "ECA-1887/1948"
    ECRA = "ECRA-2022"


@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone:
    key: str  # stable name for JSON: "electors_meet"
    name: str
    date: date
    law: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar:
    """Every statutory date of one presidential election cycle."""

    year: int
    regime: Regime
    election_day: date
    certificate_deadline: date  # safe harbor (pre-ECRA) or certificate of ascertainment (ECRA)
    electors_meet: date
    certificates_due: date
    congress_convenes: date
    congress_counts_statutory: date
    congress_counts: date
    count_note: str
    inauguration: date  # the constitutional date: noon, January 20
    inauguration_ceremony: date  # the public ceremony

    @property
    def certificate_deadline_name(self) -> str:
        if self.regime is Regime.ECRA:
            return "Certificate of ascertainment deadline"
        return "Safe harbor deadline"

    @property
    def milestones(self) -> tuple[Milestone, ...]:
        """The milestones in legal order (dates never decrease)."""
        ecra = self.regime is Regime.ECRA
        convene_law = "20th Amendment §2"
        if self.year in CONVENE_MOVED:
            convene_law += f"; moved by {CONVENE_MOVED[self.year][1]}"
        count_law = "3 U.S.C. §15"
        if self.year in COUNT_MOVED:
            count_law += f"; moved by {COUNT_MOVED[self.year][1]}"
        rows = [
            Milestone(
                key="election_day",
                name="Election Day",
                date=self.election_day,
                law="3 U.S.C. §1",
            ),
            Milestone(
                key="certificate_deadline",
                name=self.certificate_deadline_name,
                date=self.certificate_deadline,
                law="3 U.S.C. §5 (ECRA)" if ecra else "3 U.S.C. §5 (1948)",
            ),
            Milestone(
                key="electors_meet",
                name="Electors meet and vote",
                date=self.electors_meet,
                law="3 U.S.C. §7 (ECRA)" if ecra else "3 U.S.C. §7 (1948)",
            ),
            Milestone(
                key="certificates_due",
                name="Certificates of vote due",
                date=self.certificates_due,
                law="3 U.S.C. §§12-13",
            ),
            Milestone(
                key="congress_convenes",
                name="New Congress convenes",
                date=self.congress_convenes,
                law=convene_law,
            ),
            Milestone(
                key="congress_counts",
                name="Joint session counts the electoral votes",
                date=self.congress_counts,
                law=count_law,
            ),
            Milestone(
                key="inauguration",
                name="Inauguration (terms begin at noon)",
                date=self.inauguration,
                law="20th Amendment §1",
            ),
        ]
        if self.inauguration_ceremony != self.inauguration:
            rows.append(
                Milestone(
                    key="inauguration_ceremony",
                    name="Public inauguration ceremony",
                    date=self.inauguration_ceremony,
                    law="custom: Monday when January 20 is a Sunday",
                )
            )
        return tuple(rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class Countdown:
    milestone: Milestone
    days: int  # days from today to the milestone; negative once it has passed

    @property
    def passed(self) -> bool:
        return self.days < 0


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday = 0) of a month: ``nth_weekday(2024, 12, WEDNESDAY, 4)``."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def first_weekday_after(day: date, weekday: int) -> date:
    """The first ``weekday`` strictly after ``day``."""
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def election_day(year: int) -> date:
    """The Tuesday after the first Monday in November (3 U.S.C. §1); always Nov 2–8."""
    return nth_weekday(year, 11, MONDAY, 1) + timedelta(days=1)


def regime(year: int) -> Regime:
    return Regime.ECRA if year >= ECRA_FIRST_YEAR else Regime.PRE_ECRA


def calendar_for(year: int) -> Calendar:
    """The statutory calendar of the ``year`` presidential election (1936 onward)."""
    try:
        check_presidential_year(year)
    except ValueError as error:
        raise CalendarError(f"no electoral calendar: {error}") from None
    if year < FIRST_YEAR:
        raise CalendarError(
            f"no electoral calendar for {year}: the rules computed here hold from the "
            f"{FIRST_YEAR} election (before it, electors met in January and the term began "
            "on March 4)"
        )
    rules = regime(year)
    meet_weekday = TUESDAY if rules is Regime.ECRA else MONDAY
    meet = first_weekday_after(nth_weekday(year, 12, WEDNESDAY, 2), meet_weekday)
    statutory_count = date(year + 1, 1, 6)
    count, law = COUNT_MOVED.get(year, (statutory_count, ""))
    if law:
        note = f"moved by law: {law}"
    elif year in COUNT_MOVED_UNKNOWN:
        note = "statutory date shown; Congress moved the count this cycle (date not on record)"
    else:
        note = "statutory date"
    inauguration = date(year + 1, 1, 20)
    sunday = inauguration.weekday() == SUNDAY
    return Calendar(
        year=year,
        regime=rules,
        election_day=election_day(year),
        certificate_deadline=meet - timedelta(days=CERTIFICATE_LEAD_DAYS),
        electors_meet=meet,
        certificates_due=nth_weekday(year, 12, WEDNESDAY, 4),
        congress_convenes=CONVENE_MOVED.get(year, (date(year + 1, 1, 3), ""))[0],
        congress_counts_statutory=statutory_count,
        congress_counts=count,
        count_note=note,
        inauguration=inauguration,
        inauguration_ceremony=inauguration + timedelta(days=1) if sunday else inauguration,
    )


def days_remaining(calendar: Calendar, today: date) -> tuple[Countdown, ...]:
    """Days from ``today`` to each milestone, in legal order (negative once passed)."""
    return tuple(
        Countdown(milestone=milestone, days=(milestone.date - today).days)
        for milestone in calendar.milestones
    )


def cycle_of(today: date) -> int:
    """The election year whose cycle ``today`` is in: after one inauguration ceremony, up to and
    including the next."""
    year = today.year - today.year % 4
    if today.year == year:
        return year
    if today.year == year + 1 and today <= calendar_for(year).inauguration_ceremony:
        return year
    return year + 4
