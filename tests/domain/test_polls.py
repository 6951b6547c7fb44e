"""Poll closing times: the 2024 table of poll_closing_times.csv, and other years via zoneinfo."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from racedesk.domain.electoral import ElectoralError
from racedesk.domain.ids import STATES
from racedesk.domain.polls import (
    CLOSING_RULES,
    all_poll_closes,
    eastern_utc_offset,
    first_poll_close,
    poll_close,
    poll_closes,
)

ET = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir.parent / "docs" / "poll_closing_times.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _eastern(text: str) -> datetime:
    """``"20:30"`` or ``"00:00+1"`` on Nov 5, 2024, Eastern time."""
    clock, _, plus = text.partition("+")
    hour, minute = map(int, clock.split(":"))
    day = datetime(2024, 11, 5, hour, minute, tzinfo=ET)
    return day + timedelta(days=int(plus or 0))


def test_2024_table(rows: list[dict[str, str]]) -> None:
    assert sorted(row["state"] for row in rows) == sorted(STATES)
    for row in rows:
        state = row["state"]
        assert first_poll_close(2024, state) == _eastern(row["first_close_et"]), state
        assert poll_close(2024, state) == _eastern(row["final_close_et"]), state
        zones = {rule.zone for rule in CLOSING_RULES[state]}
        assert (len(zones) > 1) == (row["multiple_time_zones"] == "yes"), state


def test_closes_are_utc_aware() -> None:
    close = poll_close(2024, "PA")
    assert close.tzinfo is UTC
    assert close == datetime(2024, 11, 6, 1, 0, tzinfo=UTC)  # 8 pm EST
    assert poll_close(2024, "AK") == datetime(2024, 11, 6, 6, 0, tzinfo=UTC)  # Aleutians 8 pm HST


def test_2032_is_on_daylight_time() -> None:
    # Nov 2, 2032 comes before the first Sunday of November: ET is UTC-4.
    assert eastern_utc_offset(2032) == timedelta(hours=-4)
    assert eastern_utc_offset(2024) == timedelta(hours=-5)
    assert poll_close(2032, "PA") == datetime(2032, 11, 3, 0, 0, tzinfo=UTC)
    assert poll_close(2032, "PA").astimezone(ET).utcoffset() == timedelta(hours=-4)
    # Arizona keeps standard time: 7 pm MST is still 02:00 UTC.
    assert poll_close(2032, "AZ") == datetime(2032, 11, 3, 2, 0, tzinfo=UTC)


def test_districts_close_with_their_state() -> None:
    assert poll_close(2024, "NE-02") == poll_close(2024, "NE")
    assert first_poll_close(2024, "me-1") == first_poll_close(2024, "ME")


def test_split_states_close_twice() -> None:
    florida = poll_closes(2024, "FL")
    assert [c.astimezone(ET).hour for c in florida] == [19, 20]
    assert len(poll_closes(2024, "NE")) == 2 and len(set(poll_closes(2024, "NE"))) == 1


def test_unknown_race_is_refused() -> None:
    with pytest.raises(ElectoralError, match="unknown race"):
        poll_close(2024, "XX")


def test_every_state_closes_on_election_night_utc() -> None:
    closes = all_poll_closes(2028)
    assert set(closes) == set(STATES)
    assert min(closes.values()) == datetime(2028, 11, 8, 0, 0, tzinfo=UTC)  # 7 pm EST
    first = min(first_poll_close(2028, state) for state in STATES)
    assert first == datetime(2028, 11, 7, 23, 0, tzinfo=UTC)  # eastern IN and KY, 6 pm EST
    assert max(closes.values()) == datetime(2028, 11, 8, 6, 0, tzinfo=UTC)  # AK Aleutians
