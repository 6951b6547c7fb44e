"""The AP's call times of 2020 and 2024 (``calls/`` in the data folder), for comparison.

``race_calls_president_2020_2024.csv`` gives each state's (or district's) call in US Eastern time;
``overall_race_calls.csv`` the presidency's. Rows whose time is a date only or missing are kept
with ``at = None`` (their ``precision`` says why). Times are converted with the tz database
(``America/New_York``), so EST/EDT is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from racedesk.errors import DataNotFound
from racedesk.history.files import read_rows

RACE_CALLS_FILE = "calls/race_calls_president_2020_2024.csv"
OVERALL_CALLS_FILE = "calls/overall_race_calls.csv"
EASTERN = ZoneInfo("America/New_York")


@dataclass(frozen=True, slots=True, kw_only=True)
class APCall:
    year: int
    race: str  # "PA", "NE-02", or "president"
    winner: str  # the candidate's surname as the file gives it
    at: datetime | None  # UTC; None when only a date (or nothing) is known
    precision: str


def _eastern(text: str) -> datetime | None:
    """``2020-11-03 19:00`` (ET) to UTC; a bare date or an empty cell gives None."""
    if len(text) < 16:
        return None
    local = datetime.strptime(text[:16], "%Y-%m-%d %H:%M").replace(tzinfo=EASTERN)
    return local.astimezone(UTC)


def load_ap_calls(data_dir: Path) -> dict[tuple[int, str], APCall]:
    """Every AP call on record, keyed by (year, race); the presidency under ``"president"``."""
    calls: dict[tuple[int, str], APCall] = {}
    for name, race_field in ((RACE_CALLS_FILE, "unit"), (OVERALL_CALLS_FILE, None)):
        path = data_dir / name
        if not path.exists():
            raise DataNotFound(f"missing {path}", tried=(str(path),))
        fields = ("year", "winner", "ap_call_et") + ((race_field,) if race_field else ())
        for row in read_rows(path, fields):
            year = row.count("year")
            race = row.text(race_field) if race_field else "president"
            precision = row.text("time_precision") if race_field else "minute"
            calls[(year, race)] = APCall(
                year=year,
                race=race,
                winner=row.text("winner"),
                at=_eastern(row.text("ap_call_et")),
                precision=precision or "unknown",
            )
    return calls
