"""``racedesk results`` against the certified Electoral College of each year."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from racedesk.cli import cli

CERTIFIED = {
    # year: (dem, gop) pledged, winner, winner name
    2012: ((332, 206), "dem", "Barack Obama"),
    2016: ((232, 306), "gop", "Donald Trump"),
    2020: ((306, 232), "dem", "Joe Biden"),
    2024: ((226, 312), "gop", "Donald Trump"),
}
# Maine and Nebraska districts: (ME-01, ME-02, NE-01, NE-02, NE-03)
DISTRICTS = {
    2008: ("dem", "dem", "gop", "dem", "gop"),
    2012: ("dem", "dem", "gop", "gop", "gop"),
    2016: ("dem", "gop", "gop", "gop", "gop"),
    2020: ("dem", "gop", "gop", "dem", "gop"),
    2024: ("dem", "gop", "gop", "dem", "gop"),
}


def _results(data_dir: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["results", "--data", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("year", sorted(CERTIFIED))
def test_certified_electoral_votes(data_dir: Path, year: int) -> None:
    payload = json.loads(_results(data_dir, "--year", str(year), "--json").stdout)
    (dem, gop), winner, name = CERTIFIED[year]
    assert payload["year"] == year
    assert payload["electoral_votes"]["dem"] == dem
    assert payload["electoral_votes"]["gop"] == gop
    assert payload["winner"] == winner and payload["winner_name"] == name
    states = {row["state"]: row for row in payload["states"]}
    assert len(states) == 56  # 50 states, DC, five districts
    assert sum(row["electoral_votes"] for row in states.values()) == 538
    got = tuple(states[d]["winner"] for d in ("ME-01", "ME-02", "NE-01", "NE-02", "NE-03"))
    assert got == DISTRICTS[year]


def test_2016_as_cast_with_faithless_electors(data_dir: Path) -> None:
    payload = json.loads(_results(data_dir, "--year", "2016", "--json").stdout)
    cast = payload["electoral_votes_cast"]
    assert (cast["gop"], cast["dem"]) == (304, 227)
    assert cast["Colin Powell"] == 3 and cast["Bernie Sanders"] == 1
    states = sorted(f["state"] for f in payload["faithless_electors"])
    assert states == ["HI", "TX", "TX", "WA", "WA", "WA", "WA"]


def test_2008_says_what_is_missing(data_dir: Path) -> None:
    payload = json.loads(_results(data_dir, "--year", "2008", "--json").stdout)
    assert payload["electoral_votes"]["dem"] == 365  # Obama's certified 365
    assert payload["unallocated"] == ["AK"]  # Alaska is not in the 2008 county file
    assert any("AK" in note for note in payload["notes"])
    states = {row["state"]: row for row in payload["states"]}
    assert states["NE-02"]["winner"] == "dem"


def test_pennsylvania_2020_margin(data_dir: Path) -> None:
    payload = json.loads(_results(data_dir, "--year", "2020", "--json").stdout)
    pa = next(row for row in payload["states"] if row["state"] == "PA")
    assert pa["winner"] == "dem" and 0.011 < pa["margin"] < 0.013  # Biden +1.16


def test_csv_and_table(data_dir: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_results(data_dir, "--year", "2024", "--csv").stdout)))
    assert len(rows) == 56 and rows[0].keys() >= {"state", "winner", "margin", "electoral_votes"}
    table = _results(data_dir, "--year", "2024").stdout
    assert "Donald Trump (gop), 312 of 538 electors" in table


def test_check_reports_differences(data_dir: Path) -> None:
    rows = json.loads(_results(data_dir, "--year", "2020", "--check", "--json").stdout)
    ks = next(row for row in rows if row["state"] == "KS")
    assert ks["dem_diff"] == -11_654 and ks["gop_diff"] == -13_306  # SOURCES.md
    assert sum(row["dem_diff"] for row in rows) == -18_507


def test_year_with_no_data_is_one_clear_error(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["results", "--data", str(data_dir), "--year", "2004"])
    assert result.exit_code == 1
    assert "no certified state totals for 2004" in result.stderr or "2004" in result.stderr
