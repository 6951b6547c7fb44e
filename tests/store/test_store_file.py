"""The store file: newer schema versions refused untouched, and an ingest killed mid-batch."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from racedesk.errors import SchemaVersionError, StoreError
from racedesk.feeds.batch import CountBatch
from racedesk.feeds.stream import read_stream, write_stream
from racedesk.store import columns as col
from racedesk.store.sqlite import SCHEMA_VERSION, SQLiteStore

T0 = datetime(2024, 11, 6, 1, tzinfo=UTC)


def sample_batch(at: datetime = T0) -> CountBatch:
    return CountBatch.of(
        at=at,
        contest=["2024-president-PA"],
        unit=["42003"],
        candidate=["dem"],
        mode=["total"],
        votes=[1],
    )


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("wal", [True, False])
def test_newer_schema_version_is_refused_and_left_byte_identical(tmp_path: Path, wal: bool) -> None:
    path = tmp_path / "newer.sqlite"
    if wal:  # a store written by racedesk, later upgraded by a newer racedesk
        with SQLiteStore(path) as store:
            store.ingest(sample_batch())
    with sqlite3.connect(path) as raw:
        if not wal:
            raw.execute("CREATE TABLE future (x)")
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 98}")
    raw.close()
    before = files_of(tmp_path)
    with pytest.raises(SchemaVersionError) as info:
        SQLiteStore(path)
    assert f"schema version {SCHEMA_VERSION + 98}" in str(info.value)
    assert "upgrade racedesk" in str(info.value)
    assert files_of(tmp_path) == before


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE notes (text)")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a racedesk store"):
        SQLiteStore(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("hello, this is not a database" * 100)
    with pytest.raises(StoreError, match="not a racedesk store"):
        SQLiteStore(path)


# -- crash safety ----------------------------------------------------------------------------

BATCHES = 8
ROWS = 3_000  # per batch: large enough that one batch takes many SQLite steps

CHILD = textwrap.dedent(
    """
    import sys, time
    from racedesk.feeds.stream import read_stream
    from racedesk.store.sqlite import SQLiteStore

    stream, path, stop_after = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = SQLiteStore(path)
    calls = 0

    def stall():
        # Called by SQLite every 100 VM steps; hang inside the batch's transaction.
        global calls
        calls += 1
        if calls == 40 and store.connection.in_transaction:
            print("inside batch", flush=True)
            time.sleep(600)
        return 0

    for done, batch in enumerate(read_stream(stream)):
        if done == stop_after:
            store.connection.set_progress_handler(stall, 100)
        store.ingest(batch)
        print("committed", done + 1, flush=True)
    """
)


def night(rng: np.random.Generator) -> list[CountBatch]:
    units = np.array([f"PA-P{n:04d}" for n in range(ROWS // 3)], dtype=object)  # precincts
    batches = []
    for index in range(BATCHES):
        votes = rng.integers(0, 1000, size=(len(units), 3)) + 1000 * index
        batches.append(
            CountBatch.of(
                at=T0 + timedelta(minutes=index),
                contest=["2024-president-PA"] * (3 * len(units)),
                unit=np.repeat(units, 3),
                candidate=np.tile(np.array(["dem", "gop", "other"], dtype=object), len(units)),
                mode=["total"] * (3 * len(units)),
                votes=votes.ravel(),
                source="crash-test",
            )
        )
    return batches


def test_ingest_killed_mid_batch_leaves_whole_batches_and_resumes(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    batches = night(rng)
    stream = tmp_path / "night.csv"
    write_stream(batches, stream)
    path = tmp_path / "store.sqlite"
    stop_after = 3
    lines = []
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(stream), str(path), str(stop_after)],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            if line.startswith("inside batch"):
                break
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert lines == ["committed 1", "committed 2", "committed 3", "inside batch"]

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        per_batch = raw.execute(
            "SELECT b.at, b.stored, count(u.id) FROM batches b JOIN updates u ON u.batch = b.id "
            "GROUP BY b.id ORDER BY b.id"
        ).fetchall()
    raw.close()
    assert len(per_batch) == stop_after
    assert all(stored == counted == ROWS for _, stored, counted in per_batch)

    with SQLiteStore(path) as store:
        assert store.stats().updates == stop_after * ROWS
        results = [store.ingest(b) for b in read_stream(stream)]
        assert sum(r.duplicates for r in results) == stop_after * ROWS
        assert sum(r.updates for r in results) == (BATCHES - stop_after) * ROWS
        latest = store.latest()
        assert latest[col.VOTES].tolist() == batches[-1].votes.tolist()
        assert (latest[col.AT] == batches[-1].at).all()
        assert store.stats().batches == BATCHES
