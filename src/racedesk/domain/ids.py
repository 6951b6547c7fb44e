"""Identifiers, parsed at the edge into small typed strings.

A FIPS code is a 5-character string (``"01001"``), never an int: leading zeros matter.
Unit ids are FIPS codes for counties and county-equivalents, and ``XX-...`` codes for units that
have no FIPS code of their own (Alaska house districts ``AK-HD01``, DC wards ``DC-W1``,
congressional districts ``NE-02``).
"""

from __future__ import annotations

import re
from typing import NewType

from racedesk.errors import RacedeskError

StateCode = NewType("StateCode", str)
Fips = NewType("Fips", str)
UnitId = NewType("UnitId", str)
ContestId = NewType("ContestId", str)
CandidateId = NewType("CandidateId", str)

# USPS codes of the 50 states and DC, with their FIPS state codes.
STATE_FIPS: dict[str, str] = {
    "AL": "01", "AK": "02", "AZ": "04", "AR": "05", "CA": "06", "CO": "08", "CT": "09",
    "DE": "10", "DC": "11", "FL": "12", "GA": "13", "HI": "15", "ID": "16", "IL": "17",
    "IN": "18", "IA": "19", "KS": "20", "KY": "21", "LA": "22", "ME": "23", "MD": "24",
    "MA": "25", "MI": "26", "MN": "27", "MS": "28", "MO": "29", "MT": "30", "NE": "31",
    "NV": "32", "NH": "33", "NJ": "34", "NM": "35", "NY": "36", "NC": "37", "ND": "38",
    "OH": "39", "OK": "40", "OR": "41", "PA": "42", "RI": "44", "SC": "45", "SD": "46",
    "TN": "47", "TX": "48", "UT": "49", "VT": "50", "VA": "51", "WA": "53", "WV": "54",
    "WI": "55", "WY": "56",
}  # fmt: skip
FIPS_STATE: dict[str, str] = {v: k for k, v in STATE_FIPS.items()}

STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
NAME_STATE: dict[str, str] = {v.lower(): k for k, v in STATE_NAMES.items()}

STATES: tuple[StateCode, ...] = tuple(StateCode(s) for s in sorted(STATE_FIPS))

# Congressional districts that are races of their own (Maine and Nebraska).
DISTRICTS: tuple[str, ...] = ("ME-01", "ME-02", "NE-01", "NE-02", "NE-03")

_FIPS_RE = re.compile(r"^\d{5}$")
_DISTRICT_RE = re.compile(r"^(ME|NE)-0?(\d)$")


class IdError(RacedeskError, ValueError):
    """A string that is not a valid identifier of the expected kind."""


def state_code(text: str) -> StateCode:
    """Parse a USPS state code or a full state name: ``"pa"``, ``"Pennsylvania"`` → ``"PA"``."""
    raw = text.strip()
    if raw.upper() in STATE_FIPS:
        return StateCode(raw.upper())
    code = NAME_STATE.get(raw.lower())
    if code is None:
        raise IdError(f"not a state: {text!r} (use a USPS code like PA, or a state name)")
    return StateCode(code)


def fips(text: str | int) -> Fips:
    """Parse a county FIPS code, zero-padding ints and short strings read from sloppy files."""
    raw = str(text).strip()
    if raw.endswith(".0"):
        raw = raw[:-2]
    if not raw.isdigit() or len(raw) > 5:
        raise IdError(f"not a county FIPS code: {text!r}")
    code = raw.zfill(5)
    if code[:2] not in FIPS_STATE:
        raise IdError(f"FIPS code {code} has no state prefix {code[:2]!r}")
    return Fips(code)


def state_of_fips(code: str) -> StateCode:
    return StateCode(FIPS_STATE[code[:2]])


def district(text: str) -> str:
    """Normalise a Maine/Nebraska district name: ``"NE-2"``, ``"ne-02"`` → ``"NE-02"``."""
    match = _DISTRICT_RE.match(text.strip().upper())
    if match is None:
        raise IdError(f"not a Maine or Nebraska congressional district: {text!r}")
    return f"{match.group(1)}-0{match.group(2)}"


def is_fips(text: str) -> bool:
    return bool(_FIPS_RE.match(text))
