"""The update log held as numpy columns: what the as-of queries and ingest checks read.

SQLite answers "the last update of each of 28,000 series at or before T" slowly (a seek and a
Python row per series; ~60-90 ms here), and keeping a (series, at) index on disk makes every
committed batch rewrite pages all over that index. So the ``updates`` table is kept in arrival
order only, and a connection mirrors it here, ~70 bytes per update (170,000 for a national
county-level night: 12 MB), loading it once and then only rows with ids above its last.

Queries are vectorised over a view sorted by (series, at, id) and keyed by
``series * width + rank(at)``: the update in effect for every series at T is one
``searchsorted``. The view is rebuilt lazily after the log grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from racedesk.store.memory_index import IntArray

NEVER = np.iinfo(np.int64).min  # instant of a series with no update yet
BoolArray = NDArray[np.bool_]
FIELDS: tuple[str, ...] = (
    "id",
    "series",
    "at",
    "votes",
    "expected",  # -1: none given
    "previous",  # -1: first count of the series
    "correction",
    "source",
    "ingested_at",
)
Rows = dict[str, IntArray]


@dataclass(frozen=True, slots=True)
class _SortedView:
    order: IntArray  # log positions sorted by (series, at, id)
    series: IntArray  # series of each sorted entry
    times: IntArray  # distinct instants, ascending
    width: int
    keys: IntArray  # series * width + rank(at), ascending


def empty_rows() -> Rows:
    return {name: np.zeros(0, dtype=np.int64) for name in FIELDS}


class UpdateLog:
    """Every stored update as columns, in id (arrival) order, plus the latest row per series."""

    def __init__(self) -> None:
        self._chunks: list[Rows] = []
        self._columns: Rows = empty_rows()
        self.size = 0
        self.last_id = 0
        # By series id: log position, instant and votes of the update in effect (-1/NEVER/0).
        self._latest = np.full(1, -1, dtype=np.int64)
        self._latest_at = np.full(1, NEVER, dtype=np.int64)
        self._latest_votes = np.zeros(1, dtype=np.int64)
        self._view: _SortedView | None = None

    def columns(self) -> Rows:
        if self._chunks:
            parts = [self._columns, *self._chunks]
            self._columns = {k: np.concatenate([p[k] for p in parts]) for k in FIELDS}
            self._chunks = []
        return self._columns

    def _cover(self, series_count: int) -> None:
        """Grow the per-series arrays (doubling, so appends stay cheap)."""
        size = len(self._latest)
        if size < series_count:
            grown = max(series_count, 2 * size)
            self._latest = np.concatenate([self._latest, np.full(grown - size, -1)])
            self._latest_at = np.concatenate([self._latest_at, np.full(grown - size, NEVER)])
            self._latest_votes = np.concatenate([self._latest_votes, np.zeros(grown - size, int)])

    def current(self, series: IntArray) -> tuple[IntArray, IntArray]:
        """(instant, votes) of the update in effect now per series; ``NEVER`` where none."""
        self._cover(int(series.max()) + 1 if len(series) else 0)
        return self._latest_at[series], self._latest_votes[series]

    def _move_latest(
        self, series: IntArray, positions: IntArray, rows: Rows, which: IntArray
    ) -> None:
        self._latest[series] = positions
        self._latest_at[series] = rows["at"][which]
        self._latest_votes[series] = rows["votes"][which]

    def append(self, rows: Rows, moves_latest: BoolArray) -> None:
        """Add stored rows (ids above ``last_id``); ``moves_latest`` marks each row that is now
        its series' update in effect."""
        count = len(rows["id"])
        if not count:
            return
        positions = np.arange(self.size, self.size + count, dtype=np.int64)
        series = rows["series"]
        self._cover(int(series.max()) + 1)
        moving = np.flatnonzero(moves_latest)
        self._move_latest(series[moving], positions[moving], rows, moving)
        self._chunks.append(rows)
        self.size += count
        self.last_id = int(rows["id"][-1])
        self._view = None

    def extend(self, rows: Rows) -> None:
        """Add rows read back from the table; work out which are now in effect."""
        if not len(rows["id"]):
            return
        touched = np.unique(rows["series"])
        self._cover(int(touched.max()) + 1)
        old = self._latest[touched]
        start = self.size
        self.append(rows, np.zeros(len(rows["id"]), dtype=bool))
        candidates = np.concatenate([old[old >= 0], np.arange(start, self.size)])
        columns = self.columns()
        series = columns["series"][candidates]
        order = np.lexsort((columns["id"][candidates], columns["at"][candidates], series))
        last = order[np.append(series[order][1:] != series[order][:-1], True)]
        self._move_latest(series[last], candidates[last], columns, candidates[last])

    def in_effect_now(self, series_mask: BoolArray | None = None) -> IntArray:
        """Log positions of every series' update in effect now, by series id."""
        latest = self._latest
        if series_mask is not None:
            latest = latest[: len(series_mask)][series_mask[: len(latest)]]
        return latest[latest >= 0]

    def _sorted(self) -> _SortedView:
        if self._view is None:
            columns = self.columns()
            order = np.lexsort((columns["id"], columns["at"], columns["series"]))
            times = np.unique(columns["at"])
            width = len(times) + 1
            rank = np.searchsorted(times, columns["at"][order])
            series = columns["series"][order]
            self._view = _SortedView(order, series, times, width, series * width + rank)
        return self._view

    def in_effect_at(self, instant: int, series: IntArray) -> IntArray:
        """Log position of each series' update in effect at ``instant``, -1 where none."""
        view = self._sorted()
        if not len(view.order) or not len(series):
            return np.full(len(series), -1, dtype=np.int64)
        rank = int(np.searchsorted(view.times, instant, side="right")) - 1
        position = np.searchsorted(view.keys, series * view.width + rank, side="right") - 1
        safe = np.maximum(position, 0)
        found = (position >= 0) & (rank >= 0) & (view.series[safe] == series)
        return np.where(found, view.order[safe], -1)

    def stored(self, series: IntArray, instant: int, votes: IntArray) -> BoolArray:
        """Whether each (series, instant, votes) is already in the log."""
        view = self._sorted()
        rank = int(np.searchsorted(view.times, instant))
        if rank >= len(view.times) or view.times[rank] != instant:
            return np.zeros(len(series), dtype=bool)
        keys = series * view.width + rank
        low = np.searchsorted(view.keys, keys, side="left")
        high = np.searchsorted(view.keys, keys, side="right")
        logged_votes = self.columns()["votes"]
        single = high - low == 1
        found = np.zeros(len(series), dtype=bool)
        found[single] = logged_votes[view.order[low[single]]] == votes[single]
        for row in np.flatnonzero(high - low > 1).tolist():  # restated instants: rare
            found[row] = bool(np.any(logged_votes[view.order[low[row] : high[row]]] == votes[row]))
        return found
