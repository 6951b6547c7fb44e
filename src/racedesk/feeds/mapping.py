"""Mapping feed vocabulary to racedesk's: contest ids, parties, vote modes, unit levels, times.

Contest ids: a presidential general-election contest in a known state becomes racedesk's
``2024-president-PA`` (``2024-president-NE-02`` for a Maine/Nebraska district); any other
contest gets the stable id ``<election date>-<slug of the contest name>``, the name prefixed
with the state code when the state is a real one (``2015-11-03-ky-governor``); each adapter
says what it uses as the name (AP adds seat, party and race type).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

from racedesk.domain.contests import Party, president_contest
from racedesk.domain.counts import VoteMode
from racedesk.domain.ids import STATE_FIPS, ContestId, IdError, StateCode, district, state_code
from racedesk.feeds.base import UnitLevel

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_PRESIDENT = re.compile(r"\bpresident", re.IGNORECASE)
_VICE_ONLY = re.compile(r"^\s*vice[- ]president", re.IGNORECASE)


def slug(text: str) -> str:
    """``"U.S. Senate - REP"`` → ``"u-s-senate-rep"``; empty names become ``"unnamed"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_DROP.sub("-", ascii_text.lower()).strip("-") or "unnamed"


def is_presidential(name: str) -> bool:
    return bool(_PRESIDENT.search(name)) and not _VICE_ONLY.match(name)


def known_state(text: str | None) -> StateCode | None:
    """A USPS code or state name, or None when it is neither (a county, a fictional state)."""
    if not text:
        return None
    try:
        return state_code(text)
    except IdError:
        return None


def make_contest_id(
    *,
    name: str,
    election_date: date | None,
    state: StateCode | None,
    presidential_general: bool,
    race_district: str | None = None,
) -> tuple[ContestId, str | None]:
    """The contest id, and the race (``"PA"``, ``"NE-02"``) when it is a presidential contest."""
    if presidential_general and election_date is not None and state in STATE_FIPS:
        race = race_district or state
        return president_contest(election_date.year, race).id, race
    prefix = election_date.isoformat() if election_date else "undated"
    named = f"{state} {name}" if state in STATE_FIPS else name
    return ContestId(f"{prefix}-{slug(named)}"), None


def district_race(state: StateCode | None, name: str) -> str | None:
    """``("NE", "District 2")`` → ``"NE-02"``; None unless a Maine/Nebraska district."""
    if state not in ("ME", "NE"):
        return None
    match = re.search(r"(\d+)\s*$", name)
    if match is None:
        return None
    try:
        return district(f"{state}-{match.group(1)}")
    except IdError:
        return None


# Party abbreviations and names as feeds write them (compared case-insensitively).
_DEM = {"d", "dem", "dem.", "democrat", "democratic", "democratic party", "dfl"}
_GOP = {"r", "rep", "gop", "republican", "republican party", "rep."}


def party_of(label: str | None) -> Party | None:
    """``"Dem"`` → dem, ``"REP"`` → gop, another non-empty label → other, none → None."""
    if label is None or not label.strip():
        return None
    key = label.strip().lower()
    if key in _DEM:
        return Party.DEM
    if key in _GOP:
        return Party.GOP
    return Party.OTHER


# Vendor vote-type names → VoteMode (compared case-insensitively, surrounding spaces dropped).
# Clarity sites name them freely; per-source additions go in ``ClarityAdapter(vote_types=...)``.
VOTE_TYPES: dict[str, VoteMode] = {
    "election day": VoteMode.ELECTION_DAY,
    "election day votes": VoteMode.ELECTION_DAY,
    "election day voting": VoteMode.ELECTION_DAY,
    "election-day": VoteMode.ELECTION_DAY,
    "polling place": VoteMode.ELECTION_DAY,
    "early vote": VoteMode.EARLY,
    "early voting": VoteMode.EARLY,
    "early votes": VoteMode.EARLY,
    "advanced voting votes": VoteMode.EARLY,  # Georgia
    "advance voting": VoteMode.EARLY,
    "one stop": VoteMode.EARLY,  # North Carolina
    "early": VoteMode.EARLY,
    "absentee": VoteMode.MAIL,
    "absentee by mail": VoteMode.MAIL,
    "absentee by mail votes": VoteMode.MAIL,
    "absentee-mail": VoteMode.MAIL,
    "mail": VoteMode.MAIL,
    "mail ballots": VoteMode.MAIL,
    "vote by mail": VoteMode.MAIL,
    "provisional": VoteMode.PROVISIONAL,
    "provisional votes": VoteMode.PROVISIONAL,
    "election": VoteMode.TOTAL,  # Kentucky county sites: one type, absentees as a precinct
    "total": VoteMode.TOTAL,
    "total votes": VoteMode.TOTAL,
}

# NIST SP 1500-100 CountItemType → VoteMode. Types absent here ("write-in", "seats", "other")
# are reported as unmapped. Several types may land on one mode (they are added: disjoint parts).
NIST_COUNT_TYPES: dict[str, VoteMode] = {
    "total": VoteMode.TOTAL,
    "election-day": VoteMode.ELECTION_DAY,
    "early": VoteMode.EARLY,
    "absentee-in-person": VoteMode.EARLY,
    "absentee": VoteMode.MAIL,
    "absentee-mail": VoteMode.MAIL,
    "absentee-fwab": VoteMode.MAIL,
    "uocava": VoteMode.MAIL,
    "provisional": VoteMode.PROVISIONAL,
}

NIST_UNIT_LEVELS: dict[str, UnitLevel] = {
    "state": UnitLevel.STATE,
    "county": UnitLevel.COUNTY,
    "parish": UnitLevel.COUNTY,
    "congressional": UnitLevel.DISTRICT,
    "borough": UnitLevel.TOWNSHIP,
    "city": UnitLevel.TOWNSHIP,
    "municipality": UnitLevel.TOWNSHIP,
    "town": UnitLevel.TOWNSHIP,
    "township": UnitLevel.TOWNSHIP,
    "village": UnitLevel.TOWNSHIP,
    "ward": UnitLevel.PRECINCT,
    "precinct": UnitLevel.PRECINCT,
    "split-precinct": UnitLevel.PRECINCT,
    "combined-precinct": UnitLevel.PRECINCT,
    "polling-place": UnitLevel.PRECINCT,
    "vote-center": UnitLevel.PRECINCT,
    "ballot-batch": UnitLevel.PRECINCT,
    "ballot-style-area": UnitLevel.PRECINCT,
    "drop-box": UnitLevel.PRECINCT,
}

# US zone abbreviations Clarity writes after its local timestamps.
ZONES: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "HDT": -9,
}  # fmt: skip


def parse_iso_time(text: str) -> datetime:
    """An ISO 8601 instant with zone (``Z`` allowed) → UTC. Raises ValueError."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone")
    return value.astimezone(UTC)


def parse_local_time(text: str) -> datetime:
    """Clarity's ``11/13/2014 2:58:41 PM CST`` → UTC. Raises ValueError."""
    parts = text.split()
    if len(parts) != 4 or parts[3].upper() not in ZONES:
        raise ValueError(f"time {text!r} is not 'M/D/YYYY h:mm:ss AM|PM ZONE' with a US zone")
    local = datetime.strptime(" ".join(parts[:3]), "%m/%d/%Y %I:%M:%S %p")
    zone = timezone(timedelta(hours=ZONES[parts[3].upper()]))
    return local.replace(tzinfo=zone).astimezone(UTC)


def parse_us_date(text: str) -> date:
    """``11/4/2014`` → date. Raises ValueError."""
    return datetime.strptime(text.strip(), "%m/%d/%Y").date()
