"""The major-party presidential nominees, 2000–2028 where known, as data."""

from __future__ import annotations

from racedesk.domain.contests import Party

NOMINEES: dict[int, dict[Party, str]] = {
    2000: {Party.DEM: "Al Gore", Party.GOP: "George W. Bush"},
    2004: {Party.DEM: "John Kerry", Party.GOP: "George W. Bush"},
    2008: {Party.DEM: "Barack Obama", Party.GOP: "John McCain"},
    2012: {Party.DEM: "Barack Obama", Party.GOP: "Mitt Romney"},
    2016: {Party.DEM: "Hillary Clinton", Party.GOP: "Donald Trump"},
    2020: {Party.DEM: "Joe Biden", Party.GOP: "Donald Trump"},
    2024: {Party.DEM: "Kamala Harris", Party.GOP: "Donald Trump"},
}


def nominee(year: int, party: Party) -> str:
    """The nominee's name, or the party label when the year or party has none on record."""
    return NOMINEES.get(year, {}).get(party, party.label)
