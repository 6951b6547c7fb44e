"""The NYT/Edison county snapshots of November 2020 (``snapshots/``): partial counts with NYT's
expected vote, for testing the model on a real mid-count moment.

Quirks (``SOURCES.md`` §3): no DC; Alaska is reported by NYT house-district codes ``029dd``,
recoded ``AK-HDdd`` like the results files; ``tot_exp_vote`` and ``eevp`` are blank for
Connecticut and Maine (NaN here). ``other`` is ``votes`` minus the two major candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from racedesk.domain.ids import FIPS_STATE
from racedesk.errors import DataNotFound
from racedesk.history.files import read_rows

SNAPSHOT_FILES: dict[str, str] = {
    "2020-11-08": "snapshots/2020-11-08_nyt_edison_county_snapshot.csv",
    "2020-11-13": "snapshots/2020-11-13_nyt_edison_county_snapshot.csv",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class CountySnapshot:
    """One county row per unit: votes counted so far and NYT's expected final vote."""

    source: str
    units: npt.NDArray[np.str_]
    states: npt.NDArray[np.str_]
    dem: npt.NDArray[np.int64]
    gop: npt.NDArray[np.int64]
    other: npt.NDArray[np.int64]
    expected_votes: npt.NDArray[np.float64]  # NaN where NYT gives none
    eevp: npt.NDArray[np.float64]  # NYT's estimated expected vote percent, NaN where none

    def __len__(self) -> int:
        return len(self.units)


def load_county_snapshot(date: str, data_dir: Path) -> CountySnapshot:
    """The snapshot of ``date`` ("2020-11-08" or "2020-11-13")."""
    if date not in SNAPSHOT_FILES:
        raise DataNotFound(f"no county snapshot for {date}; available: {', '.join(SNAPSHOT_FILES)}")
    path = data_dir / SNAPSHOT_FILES[date]
    if not path.exists():
        raise DataNotFound(f"missing snapshot file {path}", tried=(str(path),))
    required = ("state", "fips", "votes", "tot_exp_vote", "eevp", "votes_bidenj", "votes_trumpd")
    units: list[str] = []
    states: list[str] = []
    counts: list[tuple[int, int, int]] = []
    expected: list[float] = []
    eevp: list[float] = []
    for row in read_rows(path, required):
        state = row.text("state").upper()
        code = row.text("fips").zfill(5)
        if FIPS_STATE.get(code[:2]) != state:
            raise row.fail(f"FIPS {code} is not in {state}", "fips")
        if state == "AK":
            code = f"AK-HD{int(code[-2:]):02d}"
        dem, gop, votes = row.count("votes_bidenj"), row.count("votes_trumpd"), row.count("votes")
        if votes < dem + gop:
            raise row.fail(f"votes {votes} below the two candidates' {dem + gop}", "votes")
        units.append(code)
        states.append(state)
        counts.append((dem, gop, votes - dem - gop))
        expected.append(float(row.text("tot_exp_vote") or "nan"))
        eevp.append(float(row.text("eevp") or "nan"))
    array = np.asarray(counts, dtype=np.int64).reshape(len(counts), 3)
    return CountySnapshot(
        source=path.name,
        units=np.asarray(units, dtype=np.str_),
        states=np.asarray(states, dtype=np.str_),
        dem=array[:, 0],
        gop=array[:, 1],
        other=array[:, 2],
        expected_votes=np.asarray(expected),
        eevp=np.asarray(eevp),
    )
