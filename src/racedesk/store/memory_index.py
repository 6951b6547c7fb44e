"""Interned names and the series index, mirrored in memory from the store's tables.

Names (contest, unit, candidate, mode, source) map to integer ids; a series, one (contest,
unit, candidate, mode), is found by its packed 63-bit key with ``searchsorted``, so a whole
batch is resolved in a few array operations. Both tables are append-only, so the mirror is kept
current by loading rows with ids above the ones it has.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from racedesk.errors import StoreError

IntArray = NDArray[np.int64]
ObjectArray = NDArray[np.object_]

# Bits per id in a packed series key: 20 + 24 + 14 + 5 = 63.
_SMALL = 64  # rows; below this, plain dict lookups
_BITS = {"contest": 20, "unit": 24, "candidate": 14, "mode": 5}
_SHIFT = {"contest": 43, "unit": 19, "candidate": 5, "mode": 0}


class Names:
    """One interned dimension, mirroring its table (ids start at 1)."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.ids: dict[str, int] = {}
        self._names: list[str] = [""]
        self._array: ObjectArray | None = None

    @property
    def last_id(self) -> int:
        return len(self._names) - 1

    def extend(self, rows: list[tuple[int, str]]) -> None:
        """Add rows read from the table (ids above ``last_id``, in id order)."""
        for row_id, name in rows:
            if row_id != len(self._names):
                raise StoreError(f"{self.table}: id {row_id} out of sequence; is the file damaged?")
            self.ids[name] = row_id
            self._names.append(name)
        if rows:
            self._array = None

    def resolve(self, values: NDArray[Any]) -> tuple[IntArray, list[tuple[int, str]]]:
        """Ids for each value, interning unseen ones; returns the new (id, name) rows too."""
        if len(values) <= _SMALL:
            return self._resolve_small(values)
        codes, uniques = pd.factorize(values)
        new: list[tuple[int, str]] = []
        unique_ids = np.empty(len(uniques), dtype=np.int64)
        for index, name in enumerate(uniques.tolist()):  # distinct values, not rows
            row_id = self.ids.get(name)
            if row_id is None:
                row_id = len(self._names)
                self.ids[name] = row_id
                self._names.append(name)
                new.append((row_id, name))
            unique_ids[index] = row_id
        if new:
            self._array = None
        return unique_ids[codes], new

    def _resolve_small(self, values: NDArray[Any]) -> tuple[IntArray, list[tuple[int, str]]]:
        # Most feed updates are a few rows: dict lookups beat factorize's fixed cost there.
        new: list[tuple[int, str]] = []
        ids: list[int] = []
        for name in values.tolist():
            row_id = self.ids.get(name)
            if row_id is None:
                row_id = len(self._names)
                self.ids[name] = row_id
                self._names.append(name)
                new.append((row_id, name))
            ids.append(row_id)
        if new:
            self._array = None
        return np.asarray(ids, dtype=np.int64), new

    def names(self) -> ObjectArray:
        """Name by id, as an array to index with id arrays."""
        if self._array is None:
            self._array = np.array(self._names, dtype=object)
        return self._array


class SeriesIndex:
    """Packed key → series id, and the name ids of each series."""

    def __init__(self) -> None:
        empty = np.zeros(0, dtype=np.int64)
        self.sorted_keys = empty
        self.sorted_ids = empty
        # By series id (index 0 unused: ids start at 1).
        self.contest = np.zeros(1, dtype=np.int64)
        self.unit = np.zeros(1, dtype=np.int64)
        self.candidate = np.zeros(1, dtype=np.int64)
        self.mode = np.zeros(1, dtype=np.int64)

    @property
    def next_id(self) -> int:
        return len(self.contest)

    @staticmethod
    def pack(contest: IntArray, unit: IntArray, candidate: IntArray, mode: IntArray) -> IntArray:
        parts = {"contest": contest, "unit": unit, "candidate": candidate, "mode": mode}
        key = np.zeros(len(contest), dtype=np.int64)
        for name, ids in parts.items():
            if len(ids) and int(ids.max()) >= 1 << _BITS[name]:
                raise StoreError(f"too many distinct {name}s for one store ({int(ids.max())})")
            key |= ids << _SHIFT[name]
        return key

    def lookup(self, keys: IntArray) -> IntArray:
        """Series id per key, 0 where the series is new."""
        if not len(self.sorted_keys):
            return np.zeros(len(keys), dtype=np.int64)
        position = np.searchsorted(self.sorted_keys, keys)
        clipped = np.minimum(position, len(self.sorted_keys) - 1)
        found = self.sorted_keys[clipped] == keys
        return np.where(found, self.sorted_ids[clipped], 0)

    def add(
        self, keys: IntArray, contest: IntArray, unit: IntArray, candidate: IntArray, mode: IntArray
    ) -> IntArray:
        """Register new series (keys not yet known, each once); return their ids."""
        ids = np.arange(self.next_id, self.next_id + len(keys), dtype=np.int64)
        order = np.argsort(keys)
        position = np.searchsorted(self.sorted_keys, keys[order])
        self.sorted_keys = np.insert(self.sorted_keys, position, keys[order])
        self.sorted_ids = np.insert(self.sorted_ids, position, ids[order])
        self.contest = np.concatenate([self.contest, contest])
        self.unit = np.concatenate([self.unit, unit])
        self.candidate = np.concatenate([self.candidate, candidate])
        self.mode = np.concatenate([self.mode, mode])
        return ids

    def extend(
        self, ids: IntArray, contest: IntArray, unit: IntArray, candidate: IntArray, mode: IntArray
    ) -> None:
        """Add series read from the table (ids above the known ones, in order)."""
        if not len(ids):
            return
        if not np.array_equal(ids, np.arange(self.next_id, self.next_id + len(ids))):
            raise StoreError("series ids out of sequence; is the store file damaged?")
        self.add(self.pack(contest, unit, candidate, mode), contest, unit, candidate, mode)
