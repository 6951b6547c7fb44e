"""The default store: one SQLite file in WAL mode, append-only, one transaction per batch.

Layout (``schema/0001_initial.sql``): interned names, ``series`` (contest, unit, candidate,
mode), ``batches`` and the append-only ``updates`` log. The schema version lives in
``PRAGMA user_version``; a file from a newer racedesk is refused before anything is written.

Ingest is vectorised: the connection mirrors names and series (``memory_index``) and the log
(``update_log``) in numpy arrays, so a batch is classified (new, duplicate, correction) with
array operations and written with a few ``executemany`` calls. Every table is append-only, so
when another connection has written (``PRAGMA data_version``), the mirrors load only the rows
with higher ids. ``synchronous=NORMAL``: a committed batch survives the process being killed;
an OS crash or power cut may lose the last batches, never leave part of one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from racedesk.errors import SchemaVersionError, StoreError
from racedesk.feeds.batch import CountBatch, to_micros
from racedesk.store.base import Closing, IngestResult, StoreStats
from racedesk.store.frames import FrameBuilder, fetch_rows
from racedesk.store.memory_index import IntArray, Names, SeriesIndex
from racedesk.store.update_log import FIELDS, NEVER, BoolArray, UpdateLog

MEMORY = ":memory:"
_DIMENSIONS = ("contests", "units", "candidates", "modes", "sources")
_BATCH_FIELD = {"contests": "contest", "units": "unit", "candidates": "candidate", "modes": "mode"}
_SELECT_LOG = (
    "SELECT u.id, u.series, u.at, u.votes, COALESCE(u.expected_votes, -1), "
    "COALESCE(u.previous, -1), u.correction, u.source, u.ingested_at FROM updates u"
)


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) of every schema migration, in order."""
    folder = resources.files("racedesk.store").joinpath("schema")
    return sorted(
        (int(item.name.split("_", 1)[0]), item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".sql")
    )


SCHEMA_VERSION = migrations()[-1][0]


def _statements(script: str) -> list[str]:
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


class SQLiteStore(Closing):
    """A store in one SQLite file (or ``":memory:"``). Use as a context manager, or close().

    ``create=False`` refuses a path with no store instead of creating one.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = str(path)
        on_disk = self.path != MEMORY
        if on_disk and not Path(self.path).exists():
            if not create:
                raise StoreError(f"no store at {self.path}; `racedesk ingest` creates one")
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open store {self.path}: {error}") from None
        try:
            self._check_version()
            if on_disk:
                self.connection.execute("PRAGMA journal_mode = WAL")
                self.connection.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except BaseException:
            self.connection.close()
            raise
        self._forget()

    # -- opening -------------------------------------------------------------------------------

    def _version(self) -> int:
        try:
            return int(self.connection.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} is not a racedesk store: {error}") from None

    def _check_version(self) -> None:
        """Refuse newer or foreign files before writing anything to them."""
        version = self._version()
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"store {self.path} has schema version {version}, newer than this racedesk "
                f"reads ({SCHEMA_VERSION}); upgrade racedesk to open it. The file was not changed."
            )
        if (
            version == 0
            and self.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        ):
            raise StoreError(
                f"{self.path} is an SQLite file but not a racedesk store (no schema version); "
                "use another --store path"
            )

    def _migrate(self) -> None:
        for version, script in migrations():
            if version <= self._version():
                continue
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                if version > self._version():  # another process may have migrated meanwhile
                    for statement in _statements(script):
                        self.connection.execute(statement)
                    self.connection.execute(f"PRAGMA user_version = {version:d}")
                self.connection.execute("COMMIT")
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise

    # -- the in-memory mirror ------------------------------------------------------------------

    def _forget(self) -> None:
        """Drop the mirrors; they are rebuilt from the file on next use."""
        self._names = {table: Names(table) for table in _DIMENSIONS}
        self._series = SeriesIndex()
        self._log: UpdateLog | None = None
        self._next_batch = 0
        self._data_version = -1

    def _refresh(self) -> None:
        """Bring the mirrors up to date with what other connections committed."""
        sql = self.connection.execute
        version = int(sql("PRAGMA data_version").fetchone()[0])
        if version == self._data_version:
            return
        for table, names in self._names.items():
            names.extend(
                sql(
                    f"SELECT id, name FROM {table} WHERE id > ? ORDER BY id", (names.last_id,)
                ).fetchall()
            )
        query = "SELECT id, contest, unit, candidate, mode FROM series WHERE id > ? ORDER BY id"
        self._series.extend(*fetch_rows(sql(query, (self._series.next_id - 1,)), 5))
        if self._log is not None:
            self._log.extend(self._read_log(self._log.last_id))
        self._next_batch = int(sql("SELECT COALESCE(MAX(id), 0) FROM batches").fetchone()[0]) + 1
        self._data_version = version

    def _read_log(self, after: int) -> dict[str, IntArray]:
        query = f"{_SELECT_LOG} WHERE u.id > ? ORDER BY u.id"
        rows = fetch_rows(self.connection.execute(query, (after,)), len(FIELDS))
        return dict(zip(FIELDS, rows, strict=True))

    def _loaded_log(self) -> UpdateLog:
        if self._log is None:
            log = UpdateLog()
            log.extend(self._read_log(0))
            self._log = log
        return self._log

    # -- ingest --------------------------------------------------------------------------------

    def ingest(self, batch: CountBatch, *, received_at: datetime | None = None) -> IngestResult:
        """Store a batch in one transaction: all of it or, on any error, none of it."""
        if not len(batch):
            return IngestResult()
        received = to_micros(received_at or datetime.now(UTC))
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            self._refresh()
            result = self._write(batch, received)
            self.connection.execute("COMMIT")
        except BaseException:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            self._forget()  # the mirrors may hold parts of the failed batch
            raise
        return result

    def ingest_many(
        self, batches: Sequence[CountBatch], *, received_at: datetime | None = None
    ) -> IngestResult:
        """Store several batches (one feed payload, one batch per instant) in one transaction."""
        batches = [batch for batch in batches if len(batch)]
        if not batches:
            return IngestResult()
        received = to_micros(received_at or datetime.now(UTC))
        result = IngestResult()
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            self._refresh()
            for batch in batches:
                result += self._write(batch, received)
            self.connection.execute("COMMIT")
        except BaseException:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            self._forget()
            raise
        return result

    def _series_of(self, batch: CountBatch) -> IntArray:
        """Series id of each row, registering new names and series."""
        ids = {}
        for table, field in _BATCH_FIELD.items():
            ids[table], new = self._names[table].resolve(getattr(batch, field))
            if new:
                self.connection.executemany(f"INSERT INTO {table} (id, name) VALUES (?, ?)", new)
        parts = [ids[table] for table in _BATCH_FIELD]
        keys = SeriesIndex.pack(*parts)
        if len(set(keys.tolist())) != len(keys):
            raise StoreError(
                f"the update at {batch.at.isoformat()} gives one (contest, unit, candidate, "
                "mode) twice; an update has one count per series"
            )
        series = self._series.lookup(keys)
        new = series == 0
        if new.any():
            series[new] = self._series.add(keys[new], *(part[new] for part in parts))
            self.connection.executemany(
                "INSERT INTO series (id, contest, unit, candidate, mode) VALUES (?, ?, ?, ?, ?)",
                zip(series[new].tolist(), *(part[new].tolist() for part in parts), strict=True),
            )
        return series

    def _write(self, batch: CountBatch, received: int) -> IngestResult:
        log = self._loaded_log()
        series = self._series_of(batch)
        at, votes = batch.at_micros, batch.votes
        latest_at, latest_votes = log.current(series)
        same = latest_at == at
        duplicate = same & (latest_votes == votes)
        previous = np.where(latest_at == NEVER, -1, latest_votes)
        moves_latest = latest_at < at
        # Older than the series' latest, or a new count for its latest instant: ask the log.
        slow = (latest_at > at) | (same & ~duplicate)
        if slow.any():
            found = log.stored(series[slow], at, votes[slow])
            position = log.in_effect_at(at, series[slow])
            duplicate[slow] = found
            previous[slow] = np.where(position >= 0, log.columns()["votes"][position], -1)
            moves_latest[slow] = same[slow] & ~found
        stored = ~duplicate
        count = int(stored.sum())
        correction = stored & (previous >= 0) & (votes < previous)
        if count:
            rows = {
                "id": np.arange(log.last_id + 1, log.last_id + 1 + count, dtype=np.int64),
                "series": series[stored],
                "at": np.full(count, at, dtype=np.int64),
                "votes": votes[stored],
                "expected": batch.expected_votes[stored],
                "previous": previous[stored],
                "correction": correction[stored].astype(np.int64),
                "source": self._sources(batch.source[stored]),
                "ingested_at": np.full(count, received, dtype=np.int64),
            }
            self._append(batch, rows)
            log.append(rows, moves_latest[stored])
        return IngestResult(
            updates=count, duplicates=len(batch) - count, corrections=int(correction.sum())
        )

    def _sources(self, sources: NDArray[np.object_]) -> IntArray:
        ids, new = self._names["sources"].resolve(sources)
        if new:
            self.connection.executemany("INSERT INTO sources (id, name) VALUES (?, ?)", new)
        return ids

    def _append(self, batch: CountBatch, rows: dict[str, IntArray]) -> None:
        sql = self.connection
        batch_id = self._next_batch
        count = len(rows["id"])
        received = int(rows["ingested_at"][0])
        sql.execute(
            "INSERT INTO batches (id, at, ingested_at, received, stored) VALUES (?, ?, ?, ?, ?)",
            (batch_id, batch.at_micros, received, len(batch), count),
        )
        sql.executemany(
            "INSERT INTO updates (id, series, at, votes, expected_votes, source, batch, "
            "ingested_at, previous, correction) VALUES "
            f"(?, ?, {batch.at_micros:d}, ?, NULLIF(?, -1), ?, {batch_id:d}, {received:d}, "
            "NULLIF(?, -1), ?)",
            zip(
                *(
                    rows[name].tolist()
                    for name in ("id", "series", "votes", "expected", "source", "previous")
                ),
                rows["correction"].tolist(),
                strict=True,
            ),
        )
        self._next_batch += 1

    # -- queries -------------------------------------------------------------------------------

    def _frame(self, rows: dict[str, IntArray]) -> pd.DataFrame:
        names = {table: self._names[table].names() for table in _DIMENSIONS}
        return FrameBuilder(series=self._series, names=names).build(rows)

    def _contest_mask(self, contest_prefix: str | None, year: int | None) -> BoolArray | None:
        if contest_prefix is None and year is None:
            return None
        wanted = [
            contest_id
            for name, contest_id in self._names["contests"].ids.items()
            if (contest_prefix is None or name.startswith(contest_prefix))
            and (year is None or name.startswith(f"{year:04d}-"))
        ]
        return np.isin(self._series.contest, wanted)

    def latest(
        self,
        as_of: datetime | None = None,
        *,
        contest_prefix: str | None = None,
        year: int | None = None,
    ) -> pd.DataFrame:
        self._refresh()
        log = self._loaded_log()
        mask = self._contest_mask(contest_prefix, year)
        if as_of is None:
            positions = log.in_effect_now(mask)
        else:
            series = np.arange(1, self._series.next_id, dtype=np.int64)
            if mask is not None:
                series = series[mask[1:]]
            positions = log.in_effect_at(to_micros(as_of), series)
            positions = positions[positions >= 0]
        columns = log.columns()
        return self._frame({name: columns[name][positions] for name in FIELDS})

    def _query(self, where: str, parameters: tuple[object, ...]) -> pd.DataFrame:
        self.connection.execute("BEGIN")
        try:
            self._refresh()
            cursor = self.connection.execute(f"{_SELECT_LOG} {where}", parameters)
            rows = dict(zip(FIELDS, fetch_rows(cursor, len(FIELDS)), strict=True))
        finally:
            self.connection.execute("COMMIT")
        return self._frame(rows)

    def history(self, unit: str, contest: str | None = None) -> pd.DataFrame:
        where = (
            "WHERE u.series IN (SELECT s.id FROM series s JOIN units n ON n.id = s.unit "
            "WHERE n.name = ?"
        )
        parameters: tuple[object, ...] = (unit,)
        if contest is not None:
            where += " AND s.contest = (SELECT id FROM contests WHERE name = ?)"
            parameters += (contest,)
        return self._query(where + ") ORDER BY u.at, u.id", parameters)

    def corrections(self) -> pd.DataFrame:
        return self._query("WHERE u.correction = 1 ORDER BY u.id", ())

    def stats(self) -> StoreStats:
        def count(query: str) -> int:
            return int(self.connection.execute(query).fetchone()[0])

        return StoreStats(
            updates=count("SELECT count(*) FROM updates"),
            corrections=count("SELECT count(*) FROM updates WHERE correction = 1"),
            batches=count("SELECT count(*) FROM batches"),
            series=count("SELECT count(*) FROM series"),
            schema_version=self._version(),
        )

    def close(self) -> None:
        self.connection.close()


def open_store(path: str | Path, *, create: bool = True) -> SQLiteStore:
    """Open (or, unless ``create=False``, create) the store at ``path``."""
    return SQLiteStore(path, create=create)
