"""The full backtest sweep: 2016, 2020 and 2024 replays, seeds 1-20, every reporting order (the
realistic generator and five adversarial orders), the real recorded 2020 nights and the real
8 November 2020 snapshot; then the summary and the report.

    python3 -m uv run python bench/sweep.py [--workers 2] [--seeds 20] [--out backtest-sweep]

Appends run by run to ``OUT/backtest.csv`` and resumes where it stopped (``--fresh`` restarts);
writes ``OUT/summary.json`` and the report (``OUT/report.md`` and PNG plots).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from racedesk.backtest.pool import grid, sweep
from racedesk.backtest.report import write_report
from racedesk.backtest.runs import RunSpec
from racedesk.backtest.snapshot import snapshot_table
from racedesk.backtest.summary import summarise
from racedesk.settings import resolve_data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--years", type=int, nargs="+", default=[2016, 2020, 2024])
    parser.add_argument("--out", type=Path, default=Path("backtest-sweep"))
    parser.add_argument("--fresh", action="store_true", help="Start the table anew.")
    args = parser.parse_args()
    data_dir = resolve_data_dir()
    table = args.out / "backtest.csv"
    specs = grid(args.years, range(1, args.seeds + 1))
    started = time.perf_counter()

    def progress(done: int, total: int, spec: RunSpec) -> None:
        elapsed = time.perf_counter() - started
        print(f"[{done}/{total}] {spec.run_id}  {elapsed / 60:.1f} min", file=sys.stderr)

    frame = sweep(
        specs, data_dir, table, workers=args.workers, resume=not args.fresh, progress=progress
    )
    snapshot = snapshot_table(data_dir)
    summary = summarise(frame, snapshot)
    summary["sweep_minutes"] = round((time.perf_counter() - started) / 60, 1)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    report = write_report(args.out, frame, snapshot, data_dir)
    print(f"{len(specs)} runs; table {table}; report {report}", file=sys.stderr)
    print(json.dumps({k: summary[k] for k in ("runs", "wrong_calls", "retractions")}))


if __name__ == "__main__":
    main()
