"""``racedesk calendar YEAR``: the statutory dates of a presidential election cycle."""

from __future__ import annotations

from datetime import date, datetime

import click

from racedesk.cli.output import output_options, print_csv, print_json, print_table, today_option
from racedesk.domain.calendar import Calendar, Milestone, calendar_for, days_remaining

COLUMNS = ("milestone", "date", "weekday", "law", "days_remaining")


def calendar_payload(calendar: Calendar, today: date) -> dict[str, object]:
    """The JSON document of ``racedesk calendar --json`` (documented in docs/calendar.md)."""
    countdown = _countdown(calendar, today)
    return {
        "year": calendar.year,
        "regime": calendar.regime.value,
        "election_day": calendar.election_day,
        "certificate_deadline": calendar.certificate_deadline,
        "certificate_deadline_name": calendar.certificate_deadline_name,
        "electors_meet": calendar.electors_meet,
        "certificates_due": calendar.certificates_due,
        "congress_convenes": calendar.congress_convenes,
        "congress_counts": calendar.congress_counts,
        "congress_counts_statutory": calendar.congress_counts_statutory,
        "count_note": calendar.count_note,
        "inauguration": calendar.inauguration,
        "inauguration_ceremony": calendar.inauguration_ceremony,
        "milestones": [
            {"key": m.key, "name": m.name, "date": m.date, "law": m.law}
            for m in calendar.milestones
        ],
        "today": today,
        "days_remaining": countdown,
    }


def _countdown(calendar: Calendar, today: date) -> dict[str, int] | None:
    """Days to each milestone still ahead; ``None`` once the cycle's inauguration has passed."""
    if today > calendar.inauguration_ceremony:
        return None
    return {c.milestone.key: c.days for c in days_remaining(calendar, today) if not c.passed}


def _days_cell(days: int) -> str:
    if days < 0:
        return "passed"
    return "today" if days == 0 else str(days)


@click.command(name="calendar")
@click.argument("year", type=int)
@today_option
@output_options()
def calendar_command(year: int, today: datetime | None, as_json: bool, as_csv: bool) -> None:
    """The statutory calendar of the YEAR presidential election, from Election Day to
    Inauguration Day, with the law behind each date. Until that cycle's inauguration, it also
    shows how many days remain to each date.

    Example:

        racedesk calendar 2028 --today 2028-11-01
    """
    calendar = calendar_for(year)
    now = today.date() if today is not None else date.today()
    if as_json:
        print_json(calendar_payload(calendar, now))
        return
    counting = now <= calendar.inauguration_ceremony
    countdown = days_remaining(calendar, now)
    if as_csv:
        print_csv(
            COLUMNS,
            [
                (*_cells(c.milestone), c.days if counting and not c.passed else "")
                for c in countdown
            ],
        )
        return
    rows = [(*_cells(c.milestone), _days_cell(c.days)) for c in countdown]
    print_table(
        COLUMNS if counting else COLUMNS[:4],
        [row if counting else row[:4] for row in rows],
        title=f"{year} presidential election calendar ({calendar.regime.value})",
        caption=None if calendar.count_note == "statutory date" else calendar.count_note,
    )


def _cells(milestone: Milestone) -> tuple[str, str, str, str]:
    return (
        milestone.name,
        milestone.date.isoformat(),
        milestone.date.strftime("%A"),
        milestone.law,
    )
