"""The statutory calendar, checked row by row against calendar.csv and by invariants."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from racedesk.domain.calendar import (
    FIRST_YEAR,
    Calendar,
    CalendarError,
    Regime,
    calendar_for,
    cycle_of,
    days_remaining,
    election_day,
    first_weekday_after,
    nth_weekday,
)
from racedesk.domain.polls import eastern_utc_offset

YEARS = st.integers(min_value=1900, max_value=2400)


@pytest.fixture(scope="module")
def rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir.parent / "docs" / "calendar.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> date:
    return date.fromisoformat(text)


def test_every_row_and_column_of_calendar_csv(rows: list[dict[str, str]]) -> None:
    assert [int(row["election_year"]) for row in rows] == list(range(2000, 2029, 4))
    for row in rows:
        year = int(row["election_year"])
        cal = calendar_for(year)
        assert cal.regime.value == row["regime"], year
        assert cal.election_day == _day(row["election_day"]), year
        offset = eastern_utc_offset(year)
        sign = "-" if offset < timedelta(0) else "+"
        hours = abs(offset) // timedelta(hours=1)
        assert f"{sign}{hours:02d}00" == row["et_utc_offset_on_election_night"], year
        assert cal.certificate_deadline == _day(row["certificate_or_safe_harbor_deadline"]), year
        assert cal.electors_meet == _day(row["electors_meet"]), year
        assert cal.electors_meet.strftime("%A") == row["electors_meet_weekday"], year
        assert cal.certificates_due == _day(row["certificates_due_fourth_wednesday"]), year
        assert cal.congress_convenes == _day(row["new_congress_convenes"]), year
        assert cal.congress_counts_statutory == _day(row["count_statutory"]), year
        assert cal.congress_counts == _day(row["count_actual"]), year
        if row["count_note"] == "statutory date":
            assert cal.count_note == "statutory date", year
        else:
            law = cal.count_note.removeprefix("moved by law: ")
            assert row["count_note"].startswith(f"moved by law: {law}"), year
        assert cal.inauguration == _day(row["inauguration_constitutional"]), year
        assert cal.inauguration_ceremony == _day(row["inauguration_public_ceremony"]), year
        assert row["source"] and row["verification"]


def test_verified_table_of_domain_md() -> None:
    # domain.md §1.3, with the weekdays it names.
    for year, expected in {
        2016: ("Tue Nov 08", "Tue Dec 13", "Mon Dec 19", "Wed Dec 28", "Fri Jan 06", "Fri Jan 20"),
        2020: ("Tue Nov 03", "Tue Dec 08", "Mon Dec 14", "Wed Dec 23", "Wed Jan 06", "Wed Jan 20"),
        2024: ("Tue Nov 05", "Wed Dec 11", "Tue Dec 17", "Wed Dec 25", "Mon Jan 06", "Mon Jan 20"),
    }.items():
        cal = calendar_for(year)
        got = (cal.election_day, cal.certificate_deadline, cal.electors_meet,
               cal.certificates_due, cal.congress_counts, cal.inauguration)  # fmt: skip
        assert tuple(d.strftime("%a %b %d") for d in got) == expected
    assert calendar_for(2000).electors_meet == date(2000, 12, 18)
    assert calendar_for(2000).certificate_deadline == date(2000, 12, 12)
    assert calendar_for(2008).electors_meet == date(2008, 12, 15)


def test_sunday_inauguration_moves_the_public_ceremony() -> None:
    for year in (1956, 1984, 2012, 2040, 2068, 2096):
        cal = calendar_for(year)
        assert cal.inauguration.weekday() == 6, year
        assert cal.inauguration_ceremony == date(year + 1, 1, 21), year
        assert cal.milestones[-1].key == "inauguration_ceremony"
    assert calendar_for(2016).milestones[-1].key == "inauguration"


def test_moved_counts_are_data_not_rules() -> None:
    cal = calendar_for(2008)
    assert (cal.congress_convenes, cal.congress_counts) == (date(2009, 1, 6), date(2009, 1, 8))
    assert "H.J.Res.100" in cal.count_note
    # Jan 6, 2041 is a Sunday, but no law has moved it: the statutory date stands.
    assert calendar_for(2040).congress_counts == date(2041, 1, 6)
    assert "not on record" in calendar_for(1996).count_note


@pytest.mark.parametrize("year", [2021, 2022, 2027, 2402])
def test_non_presidential_years_are_refused(year: int) -> None:
    with pytest.raises(CalendarError, match=f"{year} is not a presidential election year"):
        calendar_for(year)


def test_years_before_the_20th_amendment_rules_are_refused() -> None:
    with pytest.raises(CalendarError, match="1936"):
        calendar_for(1932)
    assert calendar_for(1936).inauguration == date(1937, 1, 20)


def test_helpers() -> None:
    assert nth_weekday(2024, 12, 2, 2) == date(2024, 12, 11)
    assert nth_weekday(2024, 12, 2, 4) == date(2024, 12, 25)
    assert first_weekday_after(date(2024, 12, 11), 2) == date(2024, 12, 18)
    assert election_day(2032) == date(2032, 11, 2)


def test_days_remaining() -> None:
    cal = calendar_for(2024)
    countdown = days_remaining(cal, date(2024, 12, 17))
    by_key = {c.milestone.key: c.days for c in countdown}
    assert by_key == {
        "election_day": -42,
        "certificate_deadline": -6,
        "electors_meet": 0,
        "certificates_due": 8,
        "congress_convenes": 17,
        "congress_counts": 20,
        "inauguration": 34,
    }
    assert [c.passed for c in countdown[:3]] == [True, True, False]


def test_cycle_of() -> None:
    assert cycle_of(date(2024, 3, 1)) == 2024
    assert cycle_of(date(2025, 1, 20)) == 2024
    assert cycle_of(date(2025, 1, 21)) == 2028
    assert cycle_of(date(2013, 1, 21)) == 2012
    assert cycle_of(date(2026, 11, 3)) == 2028


def _presidential(year: int) -> Calendar | None:
    if year % 4 or year < FIRST_YEAR:
        with pytest.raises(CalendarError):
            calendar_for(year)
        return None
    return calendar_for(year)


@given(YEARS)
def test_election_day_is_always_november_2_to_8(year: int) -> None:
    day = election_day(year)
    assert day.month == 11 and 2 <= day.day <= 8 and day.weekday() == 1


@given(YEARS)
def test_calendar_invariants(year: int) -> None:
    cal = _presidential(year)
    if cal is None:
        return
    gap = (cal.certificates_due - cal.electors_meet).days
    if year >= 2024:
        assert cal.regime is Regime.ECRA and gap == 8 and cal.electors_meet.weekday() == 1
    else:
        assert cal.regime is Regime.PRE_ECRA and gap == 9 and cal.electors_meet.weekday() == 0
    assert (cal.electors_meet - cal.certificate_deadline).days == 6
    assert cal.certificates_due.weekday() == 2 and 22 <= cal.certificates_due.day <= 28
    assert cal.congress_counts_statutory.weekday() == cal.inauguration.weekday()
    assert (cal.inauguration - cal.congress_counts_statutory).days == 14
    ceremony_moves = cal.inauguration.weekday() == 6
    assert (cal.inauguration_ceremony - cal.inauguration).days == int(ceremony_moves)
    dates = [m.date for m in cal.milestones]
    assert dates == sorted(dates) and dates[0] == cal.election_day
