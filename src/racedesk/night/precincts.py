"""The NC and Michigan 2020 precinct series (gzip CSV, ~1M and ~0.6M rows), streamed.

Precinct unit ids: ``{state}-{county FIPS}-{precinct slug}``, the slug being the source's
precinct name in lower case with every run of characters other than ``a-z 0-9 .`` turned
into ``-`` (``MI-26045-benton-charter-township-precinct-1``, ``NC-37001-01.1``). The mapping
is checked to be one-to-one. With ``by_county=True`` precincts are summed into county units
(FIPS), each precinct's count carried forward between its snapshots.

Quirks (``shared/data/SOURCES.md``):

* NC: the ``COUNTY`` and ``STATE`` roll-up rows and the ``total`` rows (sums of the vote
  types) are left out; ``margin`` is back-filled from the final count and never read.
* MI: 21 counties only. Where a precinct is split by vote type (absentee, electionday) its
  ``total`` rows are ``derived`` and left out; elsewhere ``total`` is the precinct's only mode.
  ``city-of-detroit`` (Nov 4–5) and ``wayne`` (Nov 5–10) are two scrapes of the same Wayne
  County precincts (26163); they merge into one series per precinct. By county, Macomb
  (one precinct reports only ``total``) reports as ``total``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from racedesk.domain.counts import VoteMode
from racedesk.errors import DataError, DataNotFound
from racedesk.night.build import Snapshots, parse_utc_seconds, roll_up, to_night
from racedesk.night.night import MODES, UNKNOWN, Night, SmallArray, StrArray
from racedesk.night.timeseries import NYT_MODES, county_fips_table

NC_PRECINCTS_FILE = "timeseries/precinct/2020_NC_precincts_timeseries_nyt.csv.gz"
MI_PRECINCTS_FILE = "timeseries/precinct/2020_MI_precincts_timeseries_nyt.csv.gz"

_SLUG = re.compile(r"[^a-z0-9.]+")
_COLUMNS = ("county", "precinct", "timestamp", "vote_type", "votes")  # strings first
_CANDIDATES = ("votes_biden", "votes_trump", "votes_jorgensen", "votes_other")
_ALIASES = {"MI": {"city-of-detroit": "26163", "wayne": "26163"}}


def precinct_slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")


def _read(path: Path, extra: tuple[str, ...]) -> dict[str, npt.NDArray[Any]]:
    """The needed columns as numpy arrays (pandas parses the CSV; no frame leaves here)."""
    if not path.exists():
        raise DataNotFound(f"missing {path}", tried=(str(path),))
    needed = (*_COLUMNS, *_CANDIDATES, *extra)
    try:
        frame = pd.read_csv(
            path,
            usecols=list(needed),
            dtype={c: str for c in (*_COLUMNS[:4], *extra)}
            | {c: np.int64 for c in (*_CANDIDATES, "votes")},
            keep_default_na=False,
        )
    except ValueError as error:
        raise DataError(f"unreadable precinct file: {error}", source=path.name) from None
    return {c: frame[c].to_numpy() for c in needed}


def _precinct_night(
    state: str, path: Path, *, by_county: bool, data_dir: Path, source: str
) -> Night:
    fips = county_fips_table(state, data_dir) | _ALIASES.get(state, {})
    extra = ("derived",) if state == "MI" else ()
    columns = _read(path, extra)
    keep = ~np.isin(columns["precinct"], ["STATE", "COUNTY"])
    if extra:
        keep &= columns["derived"] != "True"
    if state == "NC":
        keep &= columns["vote_type"] != "total"
    rows = {c: v[keep] for c, v in columns.items()}
    line_of = np.flatnonzero(keep)
    votes = np.stack([rows[c] for c in _CANDIDATES], axis=1)
    bad = (votes < 0).any(axis=1) | (votes.sum(axis=1) != rows["votes"])
    if bad.any():
        line = int(line_of[np.argmax(bad)]) + 2
        raise DataError("candidate votes do not add up", source=path.name, line=line)
    types, type_index = np.unique(rows["vote_type"], return_inverse=True)
    names, name_index = np.unique(rows["county"], return_inverse=True)
    for kind, values, table in (("vote_type", types, NYT_MODES), ("county", names, fips)):
        unknown = [str(v) for v in values if str(v) not in table]
        if unknown:
            raise DataError(f"unknown {kind} {unknown[0]!r}", source=path.name, field=kind)
    mode = np.array([MODES.index(NYT_MODES[str(t)]) for t in types], dtype=np.int8)[type_index]
    county = np.array([fips[str(n)] for n in names])[name_index]
    precincts, precinct_index = np.unique(rows["precinct"], return_inverse=True)
    codes, code_index = np.unique(county, return_inverse=True)
    width = len(precincts)
    pairs, pair_index = np.unique(
        code_index.astype(np.int64) * width + precinct_index, return_inverse=True
    )
    ids = [
        f"{state}-{codes[p // width]}-{precinct_slug(str(precincts[p % width]))}"
        for p in pairs.tolist()
    ]
    if len(set(ids)) != len(ids):
        raise DataError("two precincts map to one unit id", source=path.name, field="precinct")
    n = len(mode)
    snapshots = Snapshots(
        units=np.array(ids)[pair_index],
        contests=np.full(n, f"2020-president-{state}"),
        at=parse_utc_seconds(rows["timestamp"]),
        mode=mode,
        votes=np.stack([votes[:, 0], votes[:, 1], votes[:, 2] + votes[:, 3]], axis=1),
        expected=np.full(n, UNKNOWN, dtype=np.int64),
    )
    if by_county:
        snapshots = roll_up(snapshots, county, _county_modes(county, snapshots.mode))
    return to_night(2020, source, snapshots)


def _county_modes(counties: StrArray, modes: SmallArray) -> SmallArray:
    """A county whose precincts mix ``total`` and split modes reports everything as total."""
    total = MODES.index(VoteMode.TOTAL)
    mixed = np.intersect1d(counties[modes == total], counties[modes != total])
    return np.where(np.isin(counties, mixed), np.int8(total), modes).astype(np.int8)


def nc_precincts_2020(data_dir: Path, *, by_county: bool = False) -> Night:
    """North Carolina 2020 by precinct (or county) and vote type."""
    path = data_dir / NC_PRECINCTS_FILE
    level = "counties" if by_county else "precincts"
    return _precinct_night(
        "NC", path, by_county=by_county, data_dir=data_dir, source=f"nyt-2020-nc-{level}"
    )


def mi_precincts_2020(data_dir: Path, *, by_county: bool = False) -> Night:
    """Michigan 2020 (21 counties) by precinct (or county), by vote type where split."""
    path = data_dir / MI_PRECINCTS_FILE
    level = "counties" if by_county else "precincts"
    return _precinct_night(
        "MI", path, by_county=by_county, data_dir=data_dir, source=f"nyt-2020-mi-{level}"
    )
