"""Many runs at once: a process pool, a progress bar, one tidy table appended run by run.

Each finished run's rows are appended to the table file at once, so an interrupted sweep keeps
what it did and ``resume`` skips the runs already in the file. Workers are separate processes
(the desk is single-threaded numpy); any executor that maps ``run`` over specs would do.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pandas as pd

from racedesk.backtest.orders import ADVERSARIAL, OrderModel
from racedesk.backtest.runs import DRAWS, REAL_NIGHTS, RunSpec, run

Progress = Callable[[int, int, RunSpec], None]


def grid(
    years: Iterable[int],
    seeds: Iterable[int],
    orders: Iterable[OrderModel] = (OrderModel.REALISTIC, *ADVERSARIAL),
    *,
    real: Iterable[str] = REAL_NIGHTS,
    states: tuple[str, ...] = (),
    draws: int = DRAWS,
    store: str = "memory",
) -> list[RunSpec]:
    """Every (seed, year, order) run, seed-major so a partial sweep stays balanced, then the
    real nights first of all (they are few and quick)."""
    specs = [RunSpec(year=2020, night=name, draws=draws, store=store) for name in real]
    specs += [
        RunSpec(year=year, seed=seed, order=order, states=states, draws=draws, store=store)
        for seed in seeds
        for year in years
        for order in orders
    ]
    return specs


def _init_worker() -> None:
    # Small matrices: BLAS threads only fight over the cores the pool already fills.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"


def _append(path: Path, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    new = not path.exists() or path.stat().st_size == 0
    columns = list(rows[0])
    if not new:
        with path.open(newline="", encoding="utf-8") as handle:
            columns = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerows(rows)


def done_runs(path: Path) -> set[str]:
    """Run ids already in a table file."""
    if not path.exists() or path.stat().st_size == 0:
        return set()
    return set(pd.read_csv(path, usecols=["run_id"])["run_id"].astype(str))


def sweep(
    specs: Sequence[RunSpec],
    data_dir: Path,
    table: Path,
    *,
    workers: int = 2,
    resume: bool = True,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run every spec (``workers`` processes; 1 runs in this process) into ``table``."""
    table.parent.mkdir(parents=True, exist_ok=True)
    if not resume and table.exists():
        table.unlink()
    skip = done_runs(table) if resume else set()
    todo = [spec for spec in specs if spec.run_id not in skip]
    finished = 0
    if workers <= 1:
        for spec in todo:
            _append(table, run(spec, data_dir))
            finished += 1
            if progress:
                progress(finished, len(todo), spec)
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            futures: dict[Future[list[dict[str, Any]]], RunSpec] = {
                pool.submit(run, spec, data_dir): spec for spec in todo
            }
            for future in as_completed(futures):
                _append(table, future.result())
                finished += 1
                if progress:
                    progress(finished, len(todo), futures[future])
    wanted = {spec.run_id for spec in specs}
    frame = pd.read_csv(table) if table.exists() else pd.DataFrame()
    return frame[frame["run_id"].astype(str).isin(wanted)] if len(frame) else frame
