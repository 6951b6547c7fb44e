"""The real 2020 nights converted to streams, checked against the source files."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from racedesk.night.night import MODES, Night
from racedesk.night.precincts import MI_PRECINCTS_FILE, mi_precincts_2020, nc_precincts_2020
from racedesk.night.timeseries import NC_COUNTIES_FILE, STATES_FILE, nc_counties_2020, states_2020


def _rows_of(night: Night, unit: str) -> np.ndarray:
    return np.flatnonzero(night.unit_ids[night.unit] == unit)


def test_states_series_last_pennsylvania_count_matches_the_file(data_dir: Path) -> None:
    with (data_dir / STATES_FILE).open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["state"] == "PA"]
    last = max(rows, key=lambda r: r["timestamp_utc"])
    votes = int(last["votes"])
    night = states_2020(data_dir)
    final = night.final()
    assert final[("2020-president-PA", "PA", "dem", "total")] == round(
        votes * float(last["share_bidenj"])
    )
    assert final[("2020-president-PA", "PA", "gop", "total")] == round(
        votes * float(last["share_trumpd"])
    )
    mine = _rows_of(night, "PA")
    assert night.expected[mine][-1] == round(votes * 100 / int(last["eevp"]))
    assert len(night.unit_ids) == 50


def test_states_series_keeps_corrections(data_dir: Path) -> None:
    night = states_2020(data_dir)
    key = night.unit * 3 + night.candidate
    order = np.argsort(key, kind="stable")
    same = key[order][1:] == key[order][:-1]
    assert (np.diff(night.votes[order])[same] < 0).sum() > 50


def test_nc_counties_wake_matches_the_file(data_dir: Path) -> None:
    with (data_dir / NC_COUNTIES_FILE).open(newline="") as handle:
        wake = [r for r in csv.DictReader(handle) if r["county"] == "wake"]
    by_type = {r["vote_type"]: r for r in sorted(wake, key=lambda r: r["timestamp_utc"])}
    final = nc_counties_2020(data_dir).final()
    assert final[("2020-president-NC", "37183", "dem", "mail")] == int(
        by_type["absentee"]["votes_biden"]
    )
    assert final[("2020-president-NC", "37183", "gop", "election_day")] == int(
        by_type["electionday"]["votes_trump"]
    )
    assert not any(mode == "total" for *_, mode in final)


@pytest.fixture(scope="module")
def nc_counties(data_dir: Path) -> Night:
    return nc_counties_2020(data_dir)


def test_nc_precincts_summed_by_county_equal_the_county_series(
    data_dir: Path, nc_counties: Night
) -> None:
    rolled = nc_precincts_2020(data_dir, by_county=True)
    assert rolled.final() == nc_counties.final()


def test_mi_precincts_ids_and_a_count_from_the_file(data_dir: Path) -> None:
    night = mi_precincts_2020(data_dir)
    name = "city-of-lansing-ward-1-precinct-1"
    with gzip.open(data_dir / MI_PRECINCTS_FILE, "rt", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["precinct"] == name]
    assert rows, "fixture precinct missing from the file"
    last = max(rows, key=lambda r: r["timestamp"])
    unit = f"MI-{int(float(last['fips'])):05d}-{name}"
    final = night.final()
    assert final[("2020-president-MI", unit, "dem", "total")] == int(last["votes_biden"])
    counties = {str(u)[3:8] for u in night.unit_ids}
    assert len(counties) == 20  # 21 county names; Detroit's scrape is Wayne County's
    # A precinct reports by vote mode or as a total, never both.
    seen = np.zeros((len(night.unit_ids), len(MODES)), dtype=bool)
    seen[night.unit, night.mode] = True
    assert not (seen[:, 0] & seen[:, 1:].any(axis=1)).any()
