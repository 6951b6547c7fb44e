"""A read-only in-memory store over one ``Night``, for sweeps: the SQLite store's answers
without its writes.

A backtest plays the night's batches in order, so the store only needs to know how far the
night has been played: ``ingest`` checks that the batch is the next slice of the night and moves
a cursor; ``latest`` returns, per series (contest, unit, candidate, mode), the last played row at
or before ``as_of``, in the columns of ``racedesk.store.columns``. ``tests/backtest`` checks that
the desk makes the same calls on it as on the SQLite store.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from racedesk.feeds.batch import CountBatch, to_micros
from racedesk.night.night import CANDIDATES, MODES, UNKNOWN, Night
from racedesk.store import columns as col
from racedesk.store.base import Closing, IngestResult, StoreStats


class NightStore(Closing):
    """The Store protocol over a night played in order (``latest`` and ``ingest`` only)."""

    def __init__(self, night: Night) -> None:
        self.night = night
        self.position = 0
        key = (night.unit * len(CANDIDATES) + night.candidate) * len(MODES) + night.mode
        self._series, self._series_of_row = np.unique(key, return_inverse=True)
        self._last = np.full(len(self._series), -1, dtype=np.int64)
        self._contests = night.unit_contests.astype(object)
        self._units = night.unit_ids.astype(object)
        self._candidates = np.asarray(CANDIDATES, dtype=object)
        self._modes = np.asarray([m.value for m in MODES], dtype=object)

    def ingest(self, batch: CountBatch, *, received_at: datetime | None = None) -> IngestResult:
        start, stop = self.position, self.position + len(batch)
        at = to_micros(batch.at) // 1_000_000
        if stop > len(self.night) or not np.all(self.night.at[start:stop] == at):
            raise ValueError("NightStore: batches must be the night's own slices, in order")
        rows = np.arange(start, stop)
        np.maximum.at(self._last, self._series_of_row[rows], rows)
        self.position = stop
        return IngestResult(updates=len(batch))

    def latest(
        self,
        as_of: datetime | None = None,
        *,
        contest_prefix: str | None = None,
        year: int | None = None,
    ) -> pd.DataFrame:
        rows = self._last[self._last >= 0]
        night = self.night
        if as_of is not None:
            # Rows played but later than as_of: fall back to the scan of the played prefix.
            limit = to_micros(as_of) // 1_000_000
            if len(rows) and night.at[rows].max() > limit:
                played = np.flatnonzero(night.at[: self.position] <= limit)
                last = np.full(len(self._series), -1, dtype=np.int64)
                np.maximum.at(last, self._series_of_row[played], played)
                rows = last[last >= 0]
        unit = night.unit[rows]
        contest = self._contests[unit]
        keep = np.ones(len(rows), dtype=bool)
        if contest_prefix is not None:
            keep &= np.char.startswith(contest.astype(str), contest_prefix)
        if year is not None:
            keep &= np.char.startswith(contest.astype(str), f"{year:04d}-")
        rows, unit, contest = rows[keep], unit[keep], contest[keep]
        expected = night.expected[rows].astype(np.float64)
        expected[night.expected[rows] == UNKNOWN] = np.nan
        return pd.DataFrame(
            {
                col.CONTEST: contest,
                col.UNIT: self._units[unit],
                col.CANDIDATE: self._candidates[night.candidate[rows]],
                col.MODE: self._modes[night.mode[rows]],
                col.AT: pd.to_datetime(night.at[rows], unit="s", utc=True),
                col.VOTES: night.votes[rows],
                col.EXPECTED_VOTES: expected,
                col.SOURCE: night.source,
            }
        )

    def history(self, unit: str, contest: str | None = None) -> pd.DataFrame:
        raise NotImplementedError("NightStore keeps only the latest counts")

    def corrections(self) -> pd.DataFrame:
        raise NotImplementedError("NightStore keeps only the latest counts")

    def stats(self) -> StoreStats:
        played = int((self._last >= 0).sum())
        return StoreStats(
            updates=self.position, corrections=0, batches=0, series=played, schema_version=0
        )

    def close(self) -> None:
        self.position = 0
