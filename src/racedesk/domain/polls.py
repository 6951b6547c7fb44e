"""When the polls close, per state, on the Election Day of any year, as UTC-aware datetimes.

Each state's closing rule is held as local clock times in IANA time zones (the 2024 hours,
from ``poll_closing_times.csv``), and converted with ``zoneinfo`` on that year's Election Day —
never with a fixed offset: Election night is usually on Eastern Standard Time (UTC−5), but when
Election Day falls before the first Sunday of November, DST is still on (2032: UTC−4).

States spanning two time zones close in two steps: ``first_poll_close`` is the earliest,
``poll_close`` the last, which is the one that matters for calls (no race is called before the
last polls in it close). Maine and Nebraska districts close with their state.

Poll hours are statutory and change now and then (Iowa moved from 9 pm to 8 pm Central in
2021), so for past years these are the 2024 hours applied to that year's date, not a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from racedesk.domain.calendar import election_day
from racedesk.domain.electoral import race_key
from racedesk.domain.ids import STATES, StateCode

EASTERN = "America/New_York"
_ZONES = {
    "ET": EASTERN,
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "AZ": "America/Phoenix",  # Mountain Standard Time all year
    "PT": "America/Los_Angeles",
    "AK": "America/Anchorage",
    "HA": "America/Adak",  # Aleutians west of 169°30'W
    "HI": "Pacific/Honolulu",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ClosingRule:
    """Polls close at ``local`` clock time in time zone ``zone`` (IANA) in part of a state."""

    zone: str
    local: time
    where: str = "statewide"


def _rules(*parts: tuple[str, str, str]) -> tuple[ClosingRule, ...]:
    return tuple(
        ClosingRule(zone=_ZONES[zone], local=time.fromisoformat(local), where=where)
        for zone, local, where in parts
    )


_ALL = "statewide"
# 2024 closing hours, local time (poll_closing_times.csv: local_closing_rule and notes).
CLOSING_RULES: dict[str, tuple[ClosingRule, ...]] = {
    "AL": _rules(("CT", "19:00", _ALL)),
    "AK": _rules(("AK", "20:00", "most of the state"), ("HA", "20:00", "Aleutians")),
    "AZ": _rules(("AZ", "19:00", _ALL)),
    "AR": _rules(("CT", "19:30", _ALL)),
    "CA": _rules(("PT", "20:00", _ALL)),
    "CO": _rules(("MT", "19:00", _ALL)),
    "CT": _rules(("ET", "20:00", _ALL)),
    "DE": _rules(("ET", "20:00", _ALL)),
    "DC": _rules(("ET", "20:00", _ALL)),
    "FL": _rules(("ET", "19:00", "peninsula"), ("CT", "19:00", "western panhandle")),
    "GA": _rules(("ET", "19:00", _ALL)),
    "HI": _rules(("HI", "19:00", _ALL)),
    "ID": _rules(("MT", "20:00", "southern Idaho"), ("PT", "20:00", "northern panhandle")),
    "IL": _rules(("CT", "19:00", _ALL)),
    "IN": _rules(("ET", "18:00", "most counties"), ("CT", "18:00", "NW and SW corners")),
    "IA": _rules(("CT", "20:00", _ALL)),
    "KS": _rules(("CT", "19:00", "most of the state"), ("MT", "19:00", "four western counties")),
    "KY": _rules(("ET", "18:00", "eastern half"), ("CT", "18:00", "western half")),
    "LA": _rules(("CT", "20:00", _ALL)),
    "ME": _rules(("ET", "20:00", _ALL)),
    "MD": _rules(("ET", "20:00", _ALL)),
    "MA": _rules(("ET", "20:00", _ALL)),
    "MI": _rules(("ET", "20:00", "most of the state"), ("CT", "20:00", "four western UP counties")),
    "MN": _rules(("CT", "20:00", _ALL)),
    "MS": _rules(("CT", "19:00", _ALL)),
    "MO": _rules(("CT", "19:00", _ALL)),
    "MT": _rules(("MT", "20:00", _ALL)),
    "NE": _rules(("CT", "20:00", "Central time"), ("MT", "19:00", "Mountain time")),
    "NV": _rules(("PT", "19:00", _ALL)),
    "NH": _rules(("ET", "19:00", "most towns"), ("ET", "20:00", "towns open late")),
    "NJ": _rules(("ET", "20:00", _ALL)),
    "NM": _rules(("MT", "19:00", _ALL)),
    "NY": _rules(("ET", "21:00", _ALL)),
    "NC": _rules(("ET", "19:30", _ALL)),
    "ND": _rules(("CT", "19:00", "eastern ND"), ("MT", "19:00", "southwestern ND")),
    "OH": _rules(("ET", "19:30", _ALL)),
    "OK": _rules(("CT", "19:00", _ALL)),
    "OR": _rules(("MT", "20:00", "Malheur County"), ("PT", "20:00", "rest of the state")),
    "PA": _rules(("ET", "20:00", _ALL)),
    "RI": _rules(("ET", "20:00", _ALL)),
    "SC": _rules(("ET", "19:00", _ALL)),
    "SD": _rules(("CT", "19:00", "eastern SD"), ("MT", "19:00", "western SD")),
    "TN": _rules(("ET", "20:00", "East Tennessee"), ("CT", "19:00", "Central time")),
    "TX": _rules(("CT", "19:00", "most of the state"), ("MT", "19:00", "El Paso, Hudspeth")),
    "UT": _rules(("MT", "20:00", _ALL)),
    "VT": _rules(("ET", "19:00", _ALL)),
    "VA": _rules(("ET", "19:00", _ALL)),
    "WA": _rules(("PT", "20:00", _ALL)),
    "WV": _rules(("ET", "19:30", _ALL)),
    "WI": _rules(("CT", "20:00", _ALL)),
    "WY": _rules(("MT", "19:00", _ALL)),
}


def _state(race: str) -> StateCode:
    """The state of a race key: ``"NE-02"`` closes with Nebraska."""
    return StateCode(race_key(race)[:2])


def poll_closes(year: int, race: str) -> tuple[datetime, ...]:
    """Every closing instant (UTC) of a state or district on Election Day, earliest first."""
    day = election_day(year)
    return tuple(
        sorted(
            datetime.combine(day, rule.local, tzinfo=ZoneInfo(rule.zone)).astimezone(UTC)
            for rule in CLOSING_RULES[_state(race)]
        )
    )


def poll_close(year: int, race: str) -> datetime:
    """When the last polls of a state (or Maine/Nebraska district) close, in UTC."""
    return poll_closes(year, race)[-1]


def first_poll_close(year: int, race: str) -> datetime:
    """When the first polls of a state (or district) close, in UTC."""
    return poll_closes(year, race)[0]


def all_poll_closes(year: int) -> dict[StateCode, datetime]:
    """The final poll close of every state and DC, in UTC."""
    return {state: poll_close(year, state) for state in STATES}


def eastern_utc_offset(year: int) -> timedelta:
    """The Eastern-time UTC offset on the evening of Election Day (−5 h, or −4 h as in 2032)."""
    evening = datetime.combine(election_day(year), time(19, 0), tzinfo=ZoneInfo(EASTERN))
    offset = evening.utcoffset()
    if offset is None:  # pragma: no cover - ZoneInfo always gives an offset
        raise ValueError(f"no UTC offset for {EASTERN}")
    return offset
