"""The real recorded nights of 2020, converted to ``Night`` streams.

* ``states_2020``: the NYT/Edison statewide series. One unit per state, the state itself
  (unit ``PA`` of contest ``2020-president-PA``), mode ``total``. Candidate counts are
  approximate: ``round(votes · share)`` with shares rounded to 3 decimals by the source; other =
  the rest (0 if rounding overshoots). Expected vote = ``votes / (eevp / 100)`` (unknown while
  eevp is 0). Each state's first element is a zero-vote row often stamped *after* the next rows;
  it is dropped when so. Other drops in the count are real corrections and are kept.
* ``nc_counties_2020``: North Carolina 2020 by county (FIPS) and vote type (absentee → mail,
  early → early, electionday → election_day, provisional; the ``total`` rows are their sum and
  are left out so a unit reports by mode only). County names map to FIPS through the 2020
  county results file.
* The precinct series are in ``racedesk.night.precincts``.

Repeats of an unchanged count are dropped (see ``racedesk.night.build``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from racedesk.domain.counts import VoteMode
from racedesk.errors import DataError, DataNotFound
from racedesk.history.counties import load_county_results
from racedesk.history.files import Row, read_rows
from racedesk.night.build import Snapshots, parse_utc_seconds, to_night
from racedesk.night.night import MODES, UNKNOWN, Night

STATES_FILE = "timeseries/2020_nyt_edison_state_timeseries.csv"
NC_COUNTIES_FILE = "timeseries/2020_NC_county_vote_type_timeseries_nyt.csv"

# Vote-type names of the NYT files.
NYT_MODES: dict[str, VoteMode] = {
    "absentee": VoteMode.MAIL,
    "early": VoteMode.EARLY,
    "electionday": VoteMode.ELECTION_DAY,
    "provisional": VoteMode.PROVISIONAL,
    "total": VoteMode.TOTAL,
}


def _rows(data_dir: Path, name: str, required: tuple[str, ...]) -> Iterator[Row]:
    path = data_dir / name
    if not path.exists():
        raise DataNotFound(f"missing {path}", tried=(str(path),))
    return read_rows(path, required)


def county_slug(name: str) -> str:
    """``"New Hanover County"`` → ``"new-hanover"``: the county keys of the NYT files."""
    return name.lower().removesuffix(" county").strip().replace(" ", "-")


def county_fips_table(state: str, data_dir: Path) -> dict[str, str]:
    """County slug → FIPS for one state, built from the 2020 county results file."""
    results = load_county_results(2020, data_dir).for_states([state])
    table = {county_slug(str(n)): str(u) for n, u in zip(results.names, results.units, strict=True)}
    if len(table) != len(results):
        raise DataError(f"two {state} counties share a name in the 2020 county results")
    return table


def _share(row: Row, field: str) -> float:
    try:
        value = float(row.text(field))
    except ValueError:
        raise row.fail(f"not a share: {row.text(field)!r}", field) from None
    if not 0.0 <= value <= 1.0:
        raise row.fail(f"share {value} is not in [0, 1]", field)
    return value


def states_2020(data_dir: Path) -> Night:
    """The 2020 statewide NYT/Edison series, one unit per state."""
    required = ("state", "seq", "timestamp_utc", "votes", "eevp", "share_bidenj", "share_trumpd")
    states: list[str] = []
    seqs: list[int] = []
    stamps: list[str] = []
    counts: list[tuple[int, int, int]] = []
    expected: list[int] = []
    for row in _rows(data_dir, STATES_FILE, required):
        votes = row.count("votes")
        dem = round(votes * _share(row, "share_bidenj"))
        gop = round(votes * _share(row, "share_trumpd"))
        eevp = float(row.text("eevp"))
        states.append(row.text("state"))
        seqs.append(row.count("seq"))
        stamps.append(row.text("timestamp_utc"))
        counts.append((dem, gop, max(votes - dem - gop, 0)))
        expected.append(math.floor(votes * 100 / eevp + 0.5) if eevp > 0 else UNKNOWN)
    unit = np.array(states)
    at = parse_utc_seconds(stamps)
    votes_array = np.array(counts, dtype=np.int64)
    seq = np.array(seqs)
    # A zero-vote first element stamped after the second one is an artefact of the source.
    first = np.flatnonzero(seq == 0)
    second = {str(unit[i]): int(at[i]) for i in np.flatnonzero(seq == 1)}
    drop = [i for i in first if votes_array[i].sum() == 0 and at[i] > second.get(str(unit[i]), 0)]
    keep = np.ones(len(unit), dtype=bool)
    keep[drop] = False
    snapshots = Snapshots(
        units=unit[keep],
        contests=np.array([f"2020-president-{s}" for s in unit[keep]]),
        at=at[keep],
        mode=np.full(int(keep.sum()), MODES.index(VoteMode.TOTAL), dtype=np.int8),
        votes=votes_array[keep],
        expected=np.array(expected, dtype=np.int64)[keep],
    )
    return to_night(2020, "nyt-edison-2020-states", snapshots)


def nc_counties_2020(data_dir: Path) -> Night:
    """North Carolina 2020 by county and vote type."""
    required = (
        "county",
        "level",
        "timestamp_utc",
        "vote_type",
        "votes",
        "votes_biden",
        "votes_trump",
        "votes_jorgensen",
        "votes_other",
    )
    fips = county_fips_table("NC", data_dir)
    units: list[str] = []
    stamps: list[str] = []
    modes: list[int] = []
    counts: list[tuple[int, int, int]] = []
    for row in _rows(data_dir, NC_COUNTIES_FILE, required):
        if row.text("level") != "county" or row.text("vote_type") == "total":
            continue
        mode = NYT_MODES.get(row.text("vote_type"))
        if mode is None:
            raise row.fail(f"unknown vote type {row.text('vote_type')!r}", "vote_type")
        county = fips.get(row.text("county"))
        if county is None:
            raise row.fail(f"no NC county named {row.text('county')!r}", "county")
        other = row.count("votes_jorgensen") + row.count("votes_other")
        dem, gop = row.count("votes_biden"), row.count("votes_trump")
        if dem + gop + other != row.count("votes"):
            raise row.fail("candidate votes do not add up to votes", "votes")
        units.append(county)
        stamps.append(row.text("timestamp_utc"))
        modes.append(MODES.index(mode))
        counts.append((dem, gop, other))
    n = len(units)
    snapshots = Snapshots(
        units=np.array(units),
        contests=np.full(n, "2020-president-NC"),
        at=parse_utc_seconds(stamps),
        mode=np.array(modes, dtype=np.int8),
        votes=np.array(counts, dtype=np.int64).reshape(-1, 3),
        expected=np.full(n, UNKNOWN, dtype=np.int64),
    )
    return to_night(2020, "nyt-2020-nc-counties", snapshots)
