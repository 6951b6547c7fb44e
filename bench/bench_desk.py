"""Desk speed: one full cycle on the national 2024 night at about 50% counted, and a whole demo.

Prints the median of repeated cycles (store read, model, 56 decisions, the Electoral College
with 10,000 draws) and, as the baseline measured in the same run, the model fit alone.

    python bench/bench_desk.py [--repeats 15] [--full]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from racedesk.backtest.night import open_night, run_night
from racedesk.desk import Desk, prepare, snapshot_from_frame
from racedesk.history.outcome import presidential_outcome
from racedesk.model import estimate
from racedesk.night.batches import night_batches
from racedesk.night.generator import generate_night
from racedesk.night.night import Night
from racedesk.settings import resolve_data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--full", action="store_true", help="also time a whole 2024 night")
    args = parser.parse_args()
    data = resolve_data_dir()
    setup = prepare(2024, data)
    night = generate_night(2024, seed=1, data_dir=data)
    batches = list(night_batches(night))
    with tempfile.TemporaryDirectory() as folder:
        store, ledger = open_night(Path(folder) / "bench.sqlite")
        started = time.perf_counter()
        for batch in batches:
            store.ingest(batch)
        ingest_seconds = time.perf_counter() - started
        halfway = _halfway(night)
        desk = Desk(setup, store, ledger, seed=1)
        cycles = [desk.cycle(halfway) for _ in range(args.repeats)]
        frame = store.latest(as_of=halfway, year=2024)
        snapshot, _ = snapshot_from_frame(frame, setup)
        fits = []
        for _ in range(args.repeats):
            began = time.perf_counter()
            with threadpool_limits(1):
                estimate(snapshot, setup.params)
            fits.append(time.perf_counter() - began)
    cycle = statistics.median(c.seconds for c in cycles)
    fit = statistics.median(fits)
    print(f"2024 national night: {len(night):,} counts in {len(batches):,} batches")
    print(f"ingest, one transaction per batch: {ingest_seconds:.2f} s "
          f"({len(night) / ingest_seconds:,.0f} counts/s)")  # fmt: skip
    print(f"desk cycle at {cycles[0].share_counted:.0%} counted ({halfway:%H:%MZ}): "
          f"median {cycle * 1000:.1f} ms over {args.repeats} (goal < 500 ms)")  # fmt: skip
    print(f"  of which the model fit alone (baseline): median {fit * 1000:.1f} ms "
          f"(cycle/fit = {cycle / fit:.2f})")  # fmt: skip
    if args.full:
        _full_night(data)


def _halfway(night: Night) -> datetime:
    """The instant at which half of the night's final vote has been counted."""
    series = (night.unit * 8 + night.candidate) * 8 + night.mode
    increments = pd.Series(night.votes).groupby(series).diff().fillna(pd.Series(night.votes))
    counted = np.cumsum(increments.to_numpy())
    row = int(np.searchsorted(counted, counted[-1] / 2))
    return datetime.fromtimestamp(int(night.at[row]), UTC)


def _full_night(data: Path) -> None:
    outcome = presidential_outcome(2024, data)
    winners = {race.race: race.winner for race in outcome.races if race.winner}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        store, ledger = open_night(Path(folder) / "full.sqlite")
        desk = Desk(prepare(2024, data), store, ledger, seed=1)
        night = generate_night(2024, seed=1, data_dir=data)
        run = run_night(desk, night_batches(night), final_winners=winners)
    seconds = time.perf_counter() - started
    wrong = sum(call.wrong for call in run.calls)
    desk_seconds = run.seconds_in_desk
    print(f"whole 2024 night: {seconds:.1f} s ({run.cycles} cycles, desk {desk_seconds:.1f} s; "
          f"goal < 60 s); {len(run.calls)} calls, {wrong} wrong")  # fmt: skip


if __name__ == "__main__":
    main()
