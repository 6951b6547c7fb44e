"""Turning query rows (integers only) into the frames the store returns.

Queries select ids and integers, never strings: rows are flattened straight into one int64
array, and names are filled in afterwards by indexing the interned-name arrays with id arrays.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass

import numpy as np
import pandas as pd

from racedesk.store import columns as col
from racedesk.store.memory_index import IntArray, ObjectArray, SeriesIndex


def fetch_rows(cursor: sqlite3.Cursor, width: int) -> list[IntArray]:
    """All rows of an all-integer query, as one int64 array per column."""
    rows = cursor.fetchall()
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    table = flat.reshape(len(rows), width)
    return [np.ascontiguousarray(table[:, column]) for column in range(width)]


def _instants(micros: IntArray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(micros.astype("datetime64[us]")).tz_localize("UTC")


def _nullable(values: IntArray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values, values < 0)


@dataclass(frozen=True, slots=True)
class FrameBuilder:
    """Builds frames from log columns (see ``update_log.FIELDS``); -1 stands for NULL in
    expected and previous."""

    series: SeriesIndex
    names: dict[str, ObjectArray]

    def build(self, rows: dict[str, IntArray]) -> pd.DataFrame:
        series = rows["series"]
        data = {
            col.CONTEST: self.names["contests"][self.series.contest[series]],
            col.UNIT: self.names["units"][self.series.unit[series]],
            col.CANDIDATE: self.names["candidates"][self.series.candidate[series]],
            col.MODE: self.names["modes"][self.series.mode[series]],
            col.AT: _instants(rows["at"]),
            col.VOTES: rows["votes"],
            col.EXPECTED_VOTES: _nullable(rows["expected"]),
            col.PREVIOUS: _nullable(rows["previous"]),
            col.CORRECTION: rows["correction"].astype(bool),
            col.SOURCE: self.names["sources"][rows["source"]],
            col.INGESTED_AT: _instants(rows["ingested_at"]),
        }
        return pd.DataFrame(data, columns=list(col.FRAME_COLUMNS))
