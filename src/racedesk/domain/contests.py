"""Parties, candidates and contests.

A presidential contest is one *race* per state, plus one per Maine and Nebraska congressional
district (each worth one elector). Race keys are the state code (``"PA"``) or the district
(``"NE-02"``); the contest id adds the year and office: ``"2024-president-NE-02"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from racedesk.domain.ids import DISTRICTS, STATES, CandidateId, ContestId, IdError, StateCode


class Party(StrEnum):
    DEM = "dem"
    GOP = "gop"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"dem": "Democratic", "gop": "Republican", "other": "Other"}[self.value]


class Office(StrEnum):
    PRESIDENT = "president"


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    id: CandidateId
    name: str
    party: Party


@dataclass(frozen=True, slots=True, kw_only=True)
class Contest:
    id: ContestId
    year: int
    office: Office
    race: str  # "PA" or "NE-02"

    @property
    def state(self) -> StateCode:
        return StateCode(self.race[:2])

    @property
    def is_district(self) -> bool:
        return "-" in self.race


RACES: tuple[str, ...] = tuple(sorted((*STATES, *DISTRICTS)))
_CONTEST_RE = re.compile(r"^(\d{4})-(president)-([A-Z]{2}(?:-\d{2})?)$")


def president_contest(year: int, race: str) -> Contest:
    if race not in RACES:
        raise IdError(f"not a presidential race: {race!r} (a state code like PA, or NE-02)")
    return Contest(
        id=ContestId(f"{year}-president-{race}"), year=year, office=Office.PRESIDENT, race=race
    )


def parse_contest(contest_id: str) -> Contest:
    match = _CONTEST_RE.match(contest_id)
    if match is None:
        raise IdError(f"not a contest id: {contest_id!r} (expected e.g. 2024-president-PA)")
    return president_contest(int(match.group(1)), match.group(3))
