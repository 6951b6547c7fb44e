"""The county loader against the real files, their documented sums, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from racedesk.errors import DataError, DataNotFound
from racedesk.history.counties import YEARS, load_county_results
from racedesk.history.states import load_state_totals

# County sums documented in shared/data/SOURCES.md ("Checks run").
DOCUMENTED_SUMS = {
    2016: (62_521_735, 61_195_256),
    2020: (81_264_994, 74_208_196),
    2024: (75_006_739, 77_294_799),
}


@pytest.mark.parametrize("year", sorted(DOCUMENTED_SUMS))
def test_county_sums_match_documented_figures(data_dir: Path, year: int) -> None:
    results = load_county_results(year, data_dir)
    assert (int(results.dem.sum()), int(results.gop.sum())) == DOCUMENTED_SUMS[year]


@pytest.mark.parametrize("year", YEARS)
def test_every_unit_once_and_in_its_state(data_dir: Path, year: int) -> None:
    results = load_county_results(year, data_dir)
    assert len(np.unique(results.units)) == len(results)
    for unit, state in zip(results.units, results.states, strict=True):
        assert unit.startswith(state + "-") or unit[:2] == {"AK": "02"}.get(state, unit[:2])
    assert (results.total > 0).sum() >= len(results) - 5


def test_alaska_districts_recoded_in_both_years(data_dir: Path) -> None:
    for year in (2020, 2024):
        ak = load_county_results(year, data_dir).for_states(["AK"])
        assert sorted(ak.units) == [f"AK-HD{n:02d}" for n in range(1, 41)]
    # 2024's codes collide with real borough FIPS; none may survive as a FIPS unit.
    assert "02020" not in load_county_results(2024, data_dir).units


def test_alaska_2016_counted_once(data_dir: Path) -> None:
    ak = load_county_results(2016, data_dir).for_states(["AK"])
    assert list(ak.units) == ["AK-ALL"]
    assert int(ak.dem[0]) == 93_003 and int(ak.gop[0]) == 130_413


def test_alaska_2020_doubled_districts_fixed(data_dir: Path) -> None:
    results = load_county_results(2020, data_dir)
    ak = results.for_states(["AK"])
    share = ak.other / (ak.dem + ak.gop)
    assert share.max() < 0.2  # districts 26-28 reported about 100% "other" before the fix
    assert any("AK-HD26" in note for note in results.notes)


def test_dc_wards_and_connecticut_regions_2024(data_dir: Path) -> None:
    results = load_county_results(2024, data_dir)
    assert sorted(results.for_states(["DC"]).units) == [f"DC-W{n}" for n in range(1, 9)]
    ct = results.for_states(["CT"]).units
    assert len(ct) == 9 and all(u.startswith("091") for u in ct)
    assert list(load_county_results(2020, data_dir).for_states(["DC"]).units) == ["11001"]


def test_recent_state_sums_close_to_certified(data_dir: Path) -> None:
    """2020/2024 county sums are within 2.5% of certified totals (KS 2020 is -2.0%), but AK."""
    for year in (2020, 2024):
        sums = load_county_results(year, data_dir).state_sums()
        certified = load_state_totals(year, data_dir)
        for state, result in certified.items():
            if state == "AK":
                continue
            dem, gop, _ = sums[state]
            assert abs(dem - result.dem) <= 0.025 * result.dem + 50, (year, state)
            assert abs(gop - result.gop) <= 0.025 * result.gop + 50, (year, state)


def test_year_without_data_names_what_is_available(data_dir: Path) -> None:
    with pytest.raises(DataNotFound, match="available: 2008, 2012, 2016, 2020, 2024"):
        load_county_results(2004, data_dir)


def _broken_copy(data_dir: Path, tmp_path: Path, year: int, edit: str) -> Path:
    """A data folder whose results file for ``year`` has one line edited by ``edit``."""
    (tmp_path / "results").mkdir()
    name = f"{year}_US_County_Level_Presidential_Results.csv"
    shutil.copy(data_dir / "results" / name, tmp_path / "results" / name)
    path = tmp_path / "results" / name
    lines = path.read_text().splitlines()
    if edit == "missing-column":
        lines[0] = lines[0].replace("votes_dem", "votes_democrat")
    elif edit == "non-numeric":
        fields = lines[4].split(",")
        fields[4] = "12x4"
        lines[4] = ",".join(fields)
    elif edit == "duplicate":
        lines.insert(6, lines[5])
    elif edit == "wrong-state":
        lines[4] = lines[4].replace("Alabama", "Georgia", 1)
    path.write_text("\n".join(lines) + "\n")
    return tmp_path


@pytest.mark.parametrize(
    ("edit", "line", "field", "words"),
    [
        ("missing-column", 1, "votes_dem", "missing column"),
        ("non-numeric", 5, "votes_dem", "not a number"),
        ("duplicate", 7, None, "appears twice (first on line 6)"),
        ("wrong-state", 5, None, "is not in GA"),
    ],
)
def test_bad_files_refused_with_file_line_field(
    data_dir: Path, tmp_path: Path, edit: str, line: int, field: str | None, words: str
) -> None:
    broken = _broken_copy(data_dir, tmp_path, 2020, edit)
    with pytest.raises(DataError) as info:
        load_county_results(2020, broken)
    error = info.value
    assert error.source == "2020_US_County_Level_Presidential_Results.csv"
    assert error.line == line
    assert error.field == field
    assert words in str(error)
