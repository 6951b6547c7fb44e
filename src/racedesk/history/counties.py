"""County-level presidential results, 2008–2024, one row per reporting unit.

Quirks of the source files (``shared/data/SOURCES.md``), each handled here and recorded in
``CountyResults.notes``:

* Alaska has no counties. 2020 reports 40 house districts as ``02901``–``02940`` and 2024 as
  ``02001``–``02040`` (which collide with real borough FIPS codes such as 02020 Anchorage); both
  become ``AK-HD01``–``AK-HD40``. 2016 repeats the statewide total on all 29 borough rows; it
  becomes one unit ``AK-ALL``. The 2008–2016 wide file has no Alaska at all.
* Alaska 2020 districts 26–28 report ``total_votes`` about double the two-party vote; their
  "other" vote is re-estimated at the other-share of the remaining districts.
* Alaska 2024 ``total_votes`` counts only the two major parties, so its other vote is 0.
* DC 2024 is split into 8 wards ``11001``–``11008`` (``11001`` is all of DC elsewhere); they
  become ``DC-W1``–``DC-W8``.
* Connecticut 2024 uses the nine planning regions ``09110``–``09190``; kept as they are (real
  FIPS codes since 2022), so they do not join to earlier years' counties.
* Oglala Lakota County SD was renumbered from 46113 (Shannon) to 46102 in 2015; old codes map to
  the new one. Bedford city VA (51515) merged into Bedford County (51019) in 2013.
* 2016 (Townhall), 2012 and 2008 counts are incomplete (late ballots missing); ``racedesk
  results check`` reports the gap against the certified state totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from racedesk.domain.ids import FIPS_STATE, NAME_STATE, STATE_FIPS, is_fips
from racedesk.errors import DataError, DataNotFound
from racedesk.history.files import Row, read_rows

YEARS: tuple[int, ...] = (2008, 2012, 2016, 2020, 2024)

_FILES: dict[int, str] = {
    2024: "results/2024_US_County_Level_Presidential_Results.csv",
    2020: "results/2020_US_County_Level_Presidential_Results.csv",
    2016: "results/2016_US_County_Level_Presidential_Results.csv",
    2012: "results/US_County_Level_Presidential_Results_08-16.csv",
    2008: "results/US_County_Level_Presidential_Results_08-16.csv",
}
_RENUMBERED: dict[str, str] = {"46113": "46102", "51515": "51019"}

IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True, slots=True, kw_only=True)
class CountyResults:
    """Final results of one year, as parallel arrays (one entry per reporting unit)."""

    year: int
    source: str
    units: StrArray
    states: StrArray
    names: StrArray
    dem: IntArray
    gop: IntArray
    other: IntArray
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> IntArray:
        return self.dem + self.gop + self.other

    def __len__(self) -> int:
        return len(self.units)

    def for_states(self, states: Iterable[str]) -> CountyResults:
        keep = np.isin(self.states, list(states))
        return CountyResults(
            year=self.year,
            source=self.source,
            units=self.units[keep],
            states=self.states[keep],
            names=self.names[keep],
            dem=self.dem[keep],
            gop=self.gop[keep],
            other=self.other[keep],
            notes=self.notes,
        )

    def state_sums(self) -> dict[str, tuple[int, int, int]]:
        """(dem, gop, other) summed per state."""
        sums: dict[str, tuple[int, int, int]] = {}
        for state in np.unique(self.states):
            mask = self.states == state
            sums[str(state)] = (
                int(self.dem[mask].sum()),
                int(self.gop[mask].sum()),
                int(self.other[mask].sum()),
            )
        return sums


@dataclass(slots=True)
class _Builder:
    source: str
    units: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    dem: list[int] = field(default_factory=list)
    gop: list[int] = field(default_factory=list)
    other: list[int] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def add(self, row: Row, unit: str, state: str, name: str, votes: tuple[int, int, int]) -> None:
        if is_fips(unit) and FIPS_STATE.get(unit[:2]) != state:
            raise row.fail(f"unit {unit} is not in {state} (FIPS state prefix {unit[:2]})")
        if not is_fips(unit) and not unit.startswith(state + "-"):
            raise row.fail(f"unit {unit} is not in {state}")
        if unit in self.lines:
            raise row.fail(f"unit {unit} appears twice (first on line {self.lines[unit]})")
        self.lines[unit] = row.line
        self.units.append(unit)
        self.states.append(state)
        self.names.append(name)
        self.dem.append(votes[0])
        self.gop.append(votes[1])
        self.other.append(votes[2])

    def build(self, year: int, notes: list[str]) -> CountyResults:
        def ints(values: list[int]) -> IntArray:
            array = np.asarray(values, dtype=np.int64)
            array.flags.writeable = False
            return array

        def strs(values: list[str]) -> StrArray:
            array = np.asarray(values, dtype=np.str_)
            array.flags.writeable = False
            return array

        return CountyResults(
            year=year,
            source=self.source,
            units=strs(self.units),
            states=strs(self.states),
            names=strs(self.names),
            dem=ints(self.dem),
            gop=ints(self.gop),
            other=ints(self.other),
            notes=tuple(notes),
        )


def _state_from_name(row: Row, column: str) -> str:
    code = NAME_STATE.get(row.text(column).lower())
    if code is None:
        raise row.fail(f"unknown state {row.text(column)!r}", column)
    return code


def _unit_code(row: Row, column: str) -> str:
    raw = row.text(column).removesuffix(".0")
    if not raw.isdigit() or len(raw) > 5:
        raise row.fail(f"not a FIPS code: {raw!r}", column)
    code = raw.zfill(5)
    return _RENUMBERED.get(code, code)


def _other(row: Row, total: int, dem: int, gop: int) -> int:
    if total < dem + gop:
        raise row.fail(f"total_votes {total} is below dem + gop = {dem + gop}", "total_votes")
    return total - dem - gop


def _load_recent(path: Path, year: int) -> CountyResults:
    """2020 and 2024: state_name, county_fips, county_name, votes_gop, votes_dem, total_votes."""
    required = ("state_name", "county_fips", "county_name", "votes_gop", "votes_dem", "total_votes")
    builder = _Builder(path.name)
    notes: list[str] = []
    alaska_odd: list[int] = []
    for row in read_rows(path, required):
        state = _state_from_name(row, "state_name")
        unit = _unit_code(row, "county_fips")
        dem, gop = row.count("votes_dem"), row.count("votes_gop")
        total = row.count("total_votes")
        other = _other(row, total, dem, gop)
        if state == "AK":
            unit = f"AK-HD{int(unit[-2:]):02d}"
            if year == 2020 and total > 1.5 * (dem + gop):
                alaska_odd.append(len(builder.units))
        elif state == "DC" and year == 2024:
            unit = f"DC-W{int(unit[-1])}"
        builder.add(row, unit, state, row.text("county_name"), (dem, gop, other))
    if year in (2020, 2024):
        notes.append(f"Alaska: 40 house districts recoded as AK-HD01..AK-HD40 ({year} file).")
    if alaska_odd:
        ak = [i for i, s in enumerate(builder.states) if s == "AK" and i not in alaska_odd]
        share = sum(builder.other[i] for i in ak) / sum(builder.dem[i] + builder.gop[i] for i in ak)
        for i in alaska_odd:
            builder.other[i] = round((builder.dem[i] + builder.gop[i]) * share)
        names = ", ".join(builder.units[i] for i in alaska_odd)
        notes.append(
            f"Alaska: {names} report total_votes about double the two-party vote; their other "
            f"vote is re-estimated at the other share of the remaining districts ({share:.4f})."
        )
    if year == 2024:
        notes.append("Alaska: 2024 total_votes counts only the two major parties; other = 0.")
        notes.append("DC: 8 wards recoded as DC-W1..DC-W8.")
        notes.append("Connecticut: 9 planning regions (09110-09190), not the 8 old counties.")
        notes.append("total_votes leaves out some minor-party and write-in votes in many states.")
    return builder.build(year, notes)


def _load_2016(path: Path) -> CountyResults:
    """The Townhall 2016 file: unpadded FIPS, Alaska's total repeated on 29 rows."""
    required = (
        "votes_dem",
        "votes_gop",
        "total_votes",
        "state_abbr",
        "county_name",
        "combined_fips",
    )
    builder = _Builder(path.name)
    alaska: tuple[int, int, int] | None = None
    alaska_rows = 0
    for row in read_rows(path, required):
        state = row.text("state_abbr").upper()
        if state not in STATE_FIPS:
            raise row.fail(f"unknown state {state!r}", "state_abbr")
        dem, gop = row.count("votes_dem"), row.count("votes_gop")
        votes = (dem, gop, _other(row, row.count("total_votes"), dem, gop))
        if state == "AK":
            if alaska is not None and votes != alaska:
                raise row.fail("Alaska rows differ; expected the statewide total repeated")
            if alaska is None:
                builder.add(row, "AK-ALL", "AK", "Alaska (statewide)", votes)
            alaska, alaska_rows = votes, alaska_rows + 1
            continue
        builder.add(row, _unit_code(row, "combined_fips"), state, row.text("county_name"), votes)
    notes = [
        f"Alaska: the statewide total repeated on {alaska_rows} borough rows is one unit AK-ALL.",
        "Incomplete: scraped before late ballots were counted (Clinton -3.33M, Trump -1.79M).",
        "Oglala Lakota SD listed as 46113 is renumbered 46102.",
    ]
    return builder.build(2016, notes)


def _load_wide(path: Path, year: int) -> CountyResults:
    """The 2008–2016 wide file: ``fips_code, county, total_Y, dem_Y, gop_Y, oth_Y``."""
    y = str(year)
    required = ("fips_code", "county", f"total_{y}", f"dem_{y}", f"gop_{y}", f"oth_{y}")
    builder = _Builder(path.name)
    for row in read_rows(path, required):
        unit = _unit_code(row, "fips_code")
        state = FIPS_STATE.get(unit[:2])
        if state is None:
            raise row.fail(f"FIPS code {unit} has no state", "fips_code")
        dem, gop = row.count(f"dem_{y}"), row.count(f"gop_{y}")
        other = row.count(f"oth_{y}")
        builder.add(row, unit, state, row.text("county"), (dem, gop, other))
    notes = [
        "Alaska: not in this file (no results for AK).",
        f"Incomplete: {year} county counts fall well short of the certified totals.",
    ]
    return builder.build(year, notes)


def load_county_results(year: int, data_dir: Path) -> CountyResults:
    """The county-level presidential results of ``year`` (2008, 2012, 2016, 2020, 2024)."""
    if year not in _FILES:
        raise DataNotFound(f"no county results for {year}; available: {', '.join(map(str, YEARS))}")
    path = data_dir / _FILES[year]
    if not path.exists():
        raise DataNotFound(f"missing results file {path}", tried=(str(path),))
    if year >= 2020:
        return _load_recent(path, year)
    if year == 2016:
        return _load_2016(path)
    return _load_wide(path, year)


def validate_votes(results: CountyResults) -> None:
    """Invariants every loaded year satisfies (used by tests and ``results check``)."""
    for name in ("dem", "gop", "other"):
        values: IntArray = getattr(results, name)
        if (values < 0).any():
            raise DataError(f"negative {name} votes", source=results.source, field=name)
