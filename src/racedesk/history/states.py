"""Certified statewide totals (2012–2024) and Maine/Nebraska district results (2016–2024).

Where the data folder has no district rows (2008, 2012), the district winners are recorded
facts kept here, each with its source, so the Electoral College of those years is still right.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from racedesk.domain.contests import Party
from racedesk.domain.ids import STATE_FIPS, district
from racedesk.errors import DataNotFound
from racedesk.history.files import read_rows

TOTALS_FILE = "results/state_presidential_totals_2012_2024.csv"
DISTRICTS_FILE = "results/me_ne_congressional_district_presidential_2016_2024.csv"


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceResult:
    """Final votes of one race: a state, or a Maine/Nebraska district ("NE-02")."""

    race: str
    dem: int
    gop: int
    other: int
    electoral_votes: int | None = None

    @property
    def total(self) -> int:
        return self.dem + self.gop + self.other

    @property
    def margin(self) -> float:
        """(dem − gop) / total: positive when the Democrat won."""
        return (self.dem - self.gop) / self.total if self.total else 0.0

    @property
    def winner(self) -> Party:
        return Party.DEM if self.dem > self.gop else Party.GOP


# District winners not in the data folder, as recorded facts.
RECORDED_DISTRICT_WINNERS: dict[int, dict[str, Party]] = {
    # 2008: Obama won NE-02 (the first split of Nebraska's electors); Maine's both districts.
    2008: {
        "ME-01": Party.DEM,
        "ME-02": Party.DEM,
        "NE-01": Party.GOP,
        "NE-02": Party.DEM,
        "NE-03": Party.GOP,
    },
    # 2012: no split; each district went with its state (Obama in Maine, Romney in Nebraska).
    2012: {
        "ME-01": Party.DEM,
        "ME-02": Party.DEM,
        "NE-01": Party.GOP,
        "NE-02": Party.GOP,
        "NE-03": Party.GOP,
    },
}
RECORDED_SOURCE = (
    "shared/docs/domain.md §2.3 (splits so far: NE-02 2008, ME-02 2016, both 2020, 2024)"
)


def load_state_totals(year: int, data_dir: Path) -> dict[str, RaceResult]:
    """Certified statewide totals of ``year`` keyed by state code (51 with DC)."""
    path = data_dir / TOTALS_FILE
    if not path.exists():
        raise DataNotFound(f"missing {path}", tried=(str(path),))
    required = ("year", "state", "votes_dem", "votes_gop", "votes_other", "electoral_votes")
    totals: dict[str, RaceResult] = {}
    years: set[int] = set()
    for row in read_rows(path, required):
        row_year = row.count("year")
        years.add(row_year)
        if row_year != year:
            continue
        state = row.text("state").upper()
        if state not in STATE_FIPS:
            raise row.fail(f"unknown state {state!r}", "state")
        if state in totals:
            raise row.fail(f"state {state} appears twice for {year}", "state")
        totals[state] = RaceResult(
            race=state,
            dem=row.count("votes_dem"),
            gop=row.count("votes_gop"),
            other=row.count("votes_other"),
            electoral_votes=row.count("electoral_votes"),
        )
    if not totals:
        available = ", ".join(map(str, sorted(years)))
        raise DataNotFound(f"no certified state totals for {year}; available: {available}")
    return totals


def load_district_results(year: int, data_dir: Path) -> dict[str, RaceResult]:
    """Maine and Nebraska district results of ``year`` keyed by district ("ME-01")."""
    path = data_dir / DISTRICTS_FILE
    if not path.exists():
        raise DataNotFound(f"missing {path}", tried=(str(path),))
    required = ("year", "unit", "votes_dem", "votes_gop", "votes_other", "unit_type")
    results: dict[str, RaceResult] = {}
    for row in read_rows(path, required):
        if row.count("year") != year or row.text("unit_type") != "congressional_district":
            continue
        key = district(row.text("unit"))
        if key in results:
            raise row.fail(f"district {key} appears twice for {year}", "unit")
        results[key] = RaceResult(
            race=key,
            dem=row.count("votes_dem"),
            gop=row.count("votes_gop"),
            other=row.count("votes_other"),
            electoral_votes=1,
        )
    return results


def district_winners(year: int, data_dir: Path) -> tuple[dict[str, Party], str]:
    """The winner of each Maine/Nebraska district, and where that fact comes from."""
    results = load_district_results(year, data_dir)
    if results:
        return {race: result.winner for race, result in results.items()}, DISTRICTS_FILE
    if year in RECORDED_DISTRICT_WINNERS:
        return dict(RECORDED_DISTRICT_WINNERS[year]), RECORDED_SOURCE
    raise DataNotFound(f"no Maine/Nebraska district results for {year}")
