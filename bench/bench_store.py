"""Benchmark the results store: ingest a national-size night, then time the as-of query.

Synthesises with numpy 3,150 counties x 3 candidates x 3 vote modes, each county reporting
6 times (cumulative, rising counts) at minute-rounded instants over six hours, so the stream is
~170,000 unit-updates in several hundred feed updates (batches). Prints:

- store ingest rate (unit-updates/s) into a fresh temporary SQLite file,
- re-ingest of the same stream (all duplicates),
- CSV stream write and read (parse + validate) rates,
- the latest-counts query for every county: "now" and as of a past instant (median of repeats),
  and the first query of a newly opened store (which loads the log into memory).

Figures only, no assertions. Run: ``python3 -m uv run python bench/bench_store.py``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from racedesk.domain.ids import STATE_FIPS
from racedesk.feeds.batch import CountBatch
from racedesk.feeds.stream import read_stream, write_stream
from racedesk.store.sqlite import SQLiteStore

COUNTIES = 3_150
CANDIDATES = ("dem", "gop", "other")
MODES = ("early", "mail", "election_day")
REPORTS = 6
START = datetime(2024, 11, 6, 0, 0, tzinfo=UTC)
REPEATS = 25


def synthesise(seed: int = 2024) -> list[CountBatch]:
    rng = np.random.default_rng(seed)
    states = sorted(STATE_FIPS)
    state = np.array(states)[np.arange(COUNTIES) % len(states)]
    ordinal = np.arange(COUNTIES) // len(states)
    fips = np.array([STATE_FIPS[s] for s in state]) + np.char.zfill(
        (2 * ordinal + 1).astype(str), 3
    )
    contest = np.char.add("2024-president-", state)
    per_series = len(CANDIDATES) * len(MODES)
    final = rng.lognormal(8, 1.2, size=(COUNTIES, per_series)).astype(np.int64)
    shares = np.sort(rng.uniform(size=(COUNTIES, REPORTS - 1)), axis=1)
    shares = np.concatenate([shares, np.ones((COUNTIES, 1))], axis=1)  # ends at the final count
    first = rng.uniform(0, 240, size=COUNTIES)  # minutes after START
    gaps = (1 + rng.exponential(20, size=(COUNTIES, REPORTS))).cumsum(axis=1)
    minute = np.floor(first[:, None] + gaps).astype(np.int64)  # (county, report)

    county = np.repeat(np.arange(COUNTIES), REPORTS * per_series)
    report = np.tile(np.repeat(np.arange(REPORTS), per_series), COUNTIES)
    slot = np.tile(np.arange(per_series), COUNTIES * REPORTS)
    votes = np.floor(final[county, slot] * shares[county, report]).astype(np.int64)
    at = minute[county, report]
    order = np.argsort(at, kind="stable")
    boundaries = np.flatnonzero(np.diff(at[order])) + 1
    candidate = np.array(CANDIDATES, dtype=object)[slot // len(MODES)]
    mode = np.array(MODES, dtype=object)[slot % len(MODES)]
    batches = []
    for rows in np.split(order, boundaries):
        batches.append(
            CountBatch.of(
                at=START + timedelta(minutes=int(at[rows[0]])),
                contest=contest[county[rows]].astype(object),
                unit=fips[county[rows]].astype(object),
                candidate=candidate[rows],
                mode=mode[rows],
                votes=votes[rows],
                expected_votes=final[county[rows]].sum(axis=1),
                source="bench",
            )
        )
    return batches


def timed(label: str, rows: int, action: object) -> float:
    """Wall time, and CPU time of this process (steadier on a shared machine)."""
    began, cpu = time.perf_counter(), time.process_time()
    action()  # type: ignore[operator]
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(
        f"{label:<34} {rows:>8,} rows {seconds:6.3f} s {rows / seconds:>10,.0f} rows/s"
        f"  (cpu {cpu:.3f} s, {rows / cpu:,.0f} rows/cpu-s)"
    )
    return seconds


def median_ms(action: object) -> float:
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    began = time.perf_counter()
    batches = synthesise()
    rows = sum(len(b) for b in batches)
    print(
        f"synthesised {rows:,} unit-updates in {len(batches)} batches "
        f"({time.perf_counter() - began:.2f} s)"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        with SQLiteStore(path) as store:
            timed("ingest (fresh store)", rows, lambda: [store.ingest(b) for b in batches])
            timed("re-ingest (all duplicates)", rows, lambda: [store.ingest(b) for b in batches])
            counties = len(store.latest())
            middle = START + timedelta(hours=3)
            print(
                f"latest, now, all counties ({counties:,} rows): {median_ms(store.latest):.1f} ms"
            )
            print(
                f"latest as of {middle:%H:%M} UTC ({len(store.latest(middle)):,} rows): "
                f"{median_ms(lambda: store.latest(middle)):.1f} ms"
            )
            print(
                "latest as of, one state's contest: "
                f"{median_ms(lambda: store.latest(middle, contest_prefix='2024-president-PA')):.1f}"
                " ms"
            )
        began = time.perf_counter()
        with SQLiteStore(path) as reopened:
            rows_now = len(reopened.latest(START + timedelta(hours=3)))
        print(
            f"open + first as-of query in a new process ({rows_now:,} rows, loads the log): "
            f"{(time.perf_counter() - began) * 1000:.0f} ms"
        )
        stream = Path(folder) / "night.csv"
        timed("write CSV stream", rows, lambda: write_stream(batches, stream))
        timed("read + validate CSV stream", rows, lambda: sum(1 for _ in read_stream(stream)))
        fresh = Path(folder) / "fresh.sqlite"

        def read_and_ingest() -> None:
            with SQLiteStore(fresh) as store:
                for batch in read_stream(stream):
                    store.ingest(batch)

        timed("read CSV + ingest (fresh store)", rows, read_and_ingest)
        print(f"store file: {fresh.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
