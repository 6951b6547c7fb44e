"""The presidential outcome of a past year: every race's result and the Electoral College.

States come from the certified state totals (2012–2024); 2008 has none in the data folder, so
its states are county sums (Alaska missing). Maine/Nebraska districts come from the district
file (2016–2024) or the recorded district winners (2008, 2012).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from racedesk.domain.contests import Party
from racedesk.domain.electoral import CastTally, Tally, as_cast, race_electors, tally
from racedesk.domain.ids import STATE_NAMES
from racedesk.errors import DataNotFound
from racedesk.history.counties import load_county_results
from racedesk.history.states import (
    DISTRICTS_FILE,
    TOTALS_FILE,
    RaceResult,
    district_winners,
    load_district_results,
    load_state_totals,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceOutcome:
    race: str
    name: str
    result: RaceResult | None  # None when only the winner is on record, or nothing at all
    winner: Party | None
    electoral_votes: int
    source: str

    @property
    def margin(self) -> float | None:
        return self.result.margin if self.result else None


@dataclass(frozen=True, slots=True, kw_only=True)
class PresidentialOutcome:
    year: int
    races: tuple[RaceOutcome, ...]
    pledged: Tally
    cast: CastTally
    notes: tuple[str, ...]


def _state_results(year: int, data_dir: Path) -> tuple[dict[str, RaceResult], str, list[str]]:
    try:
        return load_state_totals(year, data_dir), TOTALS_FILE, []
    except DataNotFound:
        counties = load_county_results(year, data_dir)
    sums = counties.state_sums()
    results = {
        state: RaceResult(race=state, dem=dem, gop=gop, other=other)
        for state, (dem, gop, other) in sums.items()
    }
    notes = [f"no certified state totals for {year}: states are county sums ({counties.source})"]
    return results, counties.source, notes + list(counties.notes)


def presidential_outcome(year: int, data_dir: Path) -> PresidentialOutcome:
    """Every race of ``year`` with its winner, and the pledged and cast Electoral College."""
    states, state_source, notes = _state_results(year, data_dir)
    winners, district_source = district_winners(year, data_dir)
    district_votes = load_district_results(year, data_dir)
    electors = race_electors(year)
    races: list[RaceOutcome] = []
    for race, votes in electors.items():
        if "-" in race:
            result = district_votes.get(race)
            winner: Party | None = winners.get(race)
            source = DISTRICTS_FILE if result else district_source
            name = f"{STATE_NAMES[race[:2]]} district {int(race[3:])}"
        else:
            result = states.get(race)
            winner = result.winner if result else None
            source = state_source if result else "no data"
            name = STATE_NAMES[race]
            if result is None:
                notes.append(f"{race}: no results for {year} in the data folder; left unallocated")
        races.append(
            RaceOutcome(
                race=race,
                name=name,
                result=result,
                winner=winner,
                electoral_votes=votes,
                source=source,
            )
        )
    pledged = tally(year, {r.race: r.winner for r in races if r.winner is not None})
    return PresidentialOutcome(
        year=year,
        races=tuple(races),
        pledged=pledged,
        cast=as_cast(year, pledged),
        notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SumCheck:
    """County sums against certified totals for one state."""

    state: str
    county_dem: int
    certified_dem: int
    county_gop: int
    certified_gop: int

    @property
    def dem_diff(self) -> int:
        return self.county_dem - self.certified_dem

    @property
    def gop_diff(self) -> int:
        return self.county_gop - self.certified_gop

    def row(self) -> tuple[str, int, int, int, int, int, int]:
        dem = (self.county_dem, self.certified_dem, self.dem_diff)
        return (self.state, *dem, self.county_gop, self.certified_gop, self.gop_diff)


def check_county_sums(year: int, data_dir: Path) -> list[SumCheck]:
    """Per state, the county sums minus the certified totals (largest gaps first)."""
    certified = load_state_totals(year, data_dir)
    sums = load_county_results(year, data_dir).state_sums()
    checks = [
        SumCheck(
            state=state,
            county_dem=sums.get(state, (0, 0, 0))[0],
            certified_dem=result.dem,
            county_gop=sums.get(state, (0, 0, 0))[1],
            certified_gop=result.gop,
        )
        for state, result in certified.items()
    ]
    return sorted(checks, key=lambda c: -(abs(c.dem_diff) + abs(c.gop_diff)))
