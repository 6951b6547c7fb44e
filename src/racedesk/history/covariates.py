"""County covariates (ACS 2012–2016 and RUCC 2013, from MEDSL) as parallel arrays keyed by FIPS.

Quirks of ``covariates/county_covariates_acs2012-2016_medsl.csv`` (``SOURCES.md`` §6), each
handled here and recorded in ``Covariates.notes``:

* No Alaska, no 2024 Connecticut planning regions, no DC wards: those units simply have no row.
* Oglala Lakota SD is listed under its old code 46113; it becomes 46102 (as in the results).
* Kansas City MO is its own row coded ``36000`` (a New York prefix) with no ACS values; the
  results files count it inside Jackson County (29095), so its prior results are added to
  Jackson's and the row is dropped.
* Bedford city VA (51515) merged into Bedford County (51019) in 2013 and has no ACS values: its
  prior results are added to Bedford County's, and the row dropped.
* Missing values (blank cells) become NaN; the model imputes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from racedesk.domain.ids import FIPS_STATE, NAME_STATE
from racedesk.errors import DataError, DataNotFound
from racedesk.history.counties import CountyResults
from racedesk.history.files import Row, read_rows

COVARIATES_FILE = "covariates/county_covariates_acs2012-2016_medsl.csv"

# Numeric columns kept, in this order (the columns of ``Covariates.values``).
COLUMNS: tuple[str, ...] = (
    "total_population",
    "cvap",
    "white_pct",
    "black_pct",
    "hispanic_pct",
    "nonwhite_pct",
    "foreignborn_pct",
    "female_pct",
    "age29andunder_pct",
    "age65andolder_pct",
    "median_hh_inc",
    "clf_unemploy_pct",
    "lesshs_pct",
    "lesscollege_pct",
    "college_pct_derived",
    "lesshs_whites_pct",
    "lesscollege_whites_pct",
    "rural_pct",
    "ruralurban_cc",
    "trump16",
    "clinton16",
    "otherpres16",
    "romney12",
    "obama12",
    "otherpres12",
)
_RENUMBERED: dict[str, str] = {"46113": "46102"}
# Units with no ACS values whose votes belong to a county in the results files: their prior
# results are added to that county's, then the row is dropped.
_MERGED: dict[str, tuple[str, str]] = {
    "36000": ("29095", "Kansas City MO (36000): prior results added to Jackson County (29095)."),
    "51515": ("51019", "Bedford city VA (51515): prior results added to Bedford County (51019)."),
}
_PRIOR_NAMES = ("trump16", "clinton16", "otherpres16", "romney12", "obama12", "otherpres12")

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Covariates:
    """One row per county: ``values[i, j]`` is column ``COLUMNS[j]`` of county ``fips[i]``."""

    source: str
    fips: StrArray
    states: StrArray
    names: StrArray
    columns: tuple[str, ...]
    values: FloatArray  # shape (len(fips), len(columns)); NaN where the source is blank
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.fips)

    def column(self, name: str) -> FloatArray:
        return self.values[:, self.columns.index(name)]

    def rows_for(self, units: npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
        """Row index of each unit id in this table, -1 where it has none."""
        order = np.argsort(self.fips)
        sorted_fips = self.fips[order]
        pos = np.clip(np.searchsorted(sorted_fips, units), 0, len(sorted_fips) - 1)
        found = sorted_fips[pos] == units
        return np.where(found, order[pos], -1).astype(np.int64)


def _value(row: Row, column: str) -> float:
    raw = row.text(column)
    if raw in ("", "NA"):
        return float("nan")
    try:
        return float(raw)
    except ValueError:
        raise row.fail(f"not a number: {raw!r}", column) from None


def load_covariates(data_dir: Path) -> Covariates:
    """The MEDSL county covariates, FIPS zero-padded, quirks handled as the module says."""
    path = data_dir / COVARIATES_FILE
    if not path.exists():
        raise DataNotFound(f"missing covariates file {path}", tried=(str(path),))
    fips: list[str] = []
    states: list[str] = []
    names: list[str] = []
    rows: list[list[float]] = []
    lines: dict[str, int] = {}
    notes: list[str] = []
    merged: dict[str, list[float]] = {}
    for row in read_rows(path, ("fips", "state", "county", *COLUMNS)):
        raw = row.text("fips").removesuffix(".0")
        if not raw.isdigit() or len(raw) > 5:
            raise row.fail(f"not a FIPS code: {raw!r}", "fips")
        code = raw.zfill(5)
        if code in _MERGED:
            merged[_MERGED[code][0]] = [_value(row, name) for name in _PRIOR_NAMES]
            notes.append(_MERGED[code][1])
            continue
        state = NAME_STATE.get(row.text("state").lower())
        if state is None:
            raise row.fail(f"unknown state {row.text('state')!r}", "state")
        if code in _RENUMBERED:
            notes.append(f"{code} renumbered {_RENUMBERED[code]} (Oglala Lakota SD).")
            code = _RENUMBERED[code]
        if FIPS_STATE.get(code[:2]) != state:
            raise row.fail(f"FIPS {code} is not in {state}", "fips")
        if code in lines:
            raise row.fail(f"FIPS {code} appears twice (first on line {lines[code]})", "fips")
        lines[code] = row.line
        fips.append(code)
        states.append(state)
        names.append(row.text("county"))
        rows.append([_value(row, column) for column in COLUMNS])
    values = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(COLUMNS))
    prior = [COLUMNS.index(name) for name in _PRIOR_NAMES]
    for target, extra in merged.items():
        if target not in lines:
            raise DataError(f"no row {target} to merge into", source=path.name, field="fips")
        index = fips.index(target)
        values[index, prior] += np.nan_to_num(np.asarray(extra))
    values.flags.writeable = False
    notes.append("No Alaska, no 2024 Connecticut planning regions, no DC wards.")
    return Covariates(
        source=path.name,
        fips=np.asarray(fips, dtype=np.str_),
        states=np.asarray(states, dtype=np.str_),
        names=np.asarray(names, dtype=np.str_),
        columns=COLUMNS,
        values=values,
        notes=tuple(notes),
    )


_PRIOR_COLUMNS: dict[int, tuple[str, str, str]] = {
    2016: ("clinton16", "trump16", "otherpres16"),
    2012: ("obama12", "romney12", "otherpres12"),
}


def prior_results(covariates: Covariates, year: int) -> CountyResults:
    """MEDSL's county presidential result of 2016 or 2012 as ``CountyResults``.

    A better 2016 baseline than the Townhall scrape (which misses late ballots); no Alaska.
    Rows with a blank count are left out.
    """
    if year not in _PRIOR_COLUMNS:
        raise DataNotFound(f"covariates hold presidential results for 2012 and 2016, not {year}")
    dem, gop, other = (covariates.column(name) for name in _PRIOR_COLUMNS[year])
    keep = np.isfinite(dem) & np.isfinite(gop) & np.isfinite(other) & (dem + gop + other > 0)

    def ints(values: FloatArray) -> npt.NDArray[np.int64]:
        return np.rint(values[keep]).astype(np.int64)

    return CountyResults(
        year=year,
        source=f"{covariates.source} ({', '.join(_PRIOR_COLUMNS[year])})",
        units=covariates.fips[keep],
        states=covariates.states[keep],
        names=covariates.names[keep],
        dem=ints(dem),
        gop=ints(gop),
        other=ints(other),
        notes=(f"MEDSL {year} county results from the covariates file; no Alaska.",),
    )
