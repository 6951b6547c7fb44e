"""``racedesk backtest``: many replayed nights through the desk, measured; a table and a report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from racedesk.backtest.orders import OrderModel
from racedesk.backtest.pool import grid, sweep
from racedesk.backtest.report import write_report
from racedesk.backtest.runs import DRAWS, REAL_NIGHTS, STORES, RunSpec
from racedesk.backtest.snapshot import snapshot_table
from racedesk.backtest.summary import summarise
from racedesk.cli.output import print_json, print_table
from racedesk.settings import Settings


def parse_seeds(text: str) -> list[int]:
    """``"1-20"``, ``"3"`` or ``"1,4,9"`` to a list of seeds."""
    seeds: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise click.BadParameter(f"{text!r}: use 1-20, 3 or 1,4,9") from None
        seeds.extend(range(low, high + 1))
    return seeds


@click.command("backtest")
@click.option("--year", "years", type=int, multiple=True, help="Replay year (repeatable).")
@click.option("--seeds", default="1", show_default=True, help="Seeds: 1-20, 3 or 1,4,9.")
@click.option(
    "--order",
    "orders",
    type=click.Choice([o.value for o in OrderModel] + ["all"]),
    multiple=True,
    help="Reporting order (repeatable; default realistic; 'all' for every order).",
)
@click.option(
    "--real",
    "real",
    type=click.Choice(REAL_NIGHTS),
    multiple=True,
    help="A real recorded 2020 night (repeatable).",
)
@click.option("--snapshot", is_flag=True, help="Also score the real 8 Nov 2020 snapshot.")
@click.option("--state", "states", multiple=True, help="Only these states (repeatable).")
@click.option("--workers", type=int, default=2, show_default=True, help="Processes.")
@click.option(
    "--draws",
    type=int,
    default=DRAWS,
    show_default=True,
    help="Electoral College draws per desk cycle.",
)
@click.option(
    "--store",
    type=click.Choice(STORES),
    default="memory",
    show_default=True,
    help="memory: read the night in place (fast); sqlite: the real store.",
)
@click.option(
    "--table",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("backtest.csv"),
    show_default=True,
    help="The tidy results table (appended run by run; resumed).",
)
@click.option("--fresh", is_flag=True, help="Start the table anew instead of resuming.")
@click.option(
    "--from-table",
    "from_table",
    is_flag=True,
    help="Run nothing: summarise (and report) the runs already in --table.",
)
@click.option(
    "--report",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write report.md and PNG plots to this folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
def backtest(
    years: tuple[int, ...],
    seeds: str,
    orders: tuple[str, ...],
    real: tuple[str, ...],
    snapshot: bool,
    states: tuple[str, ...],
    workers: int,
    draws: int,
    store: str,
    table: Path,
    fresh: bool,
    from_table: bool,
    report: Path | None,
    as_json: bool,
    data_flag: str | None,
) -> None:
    """Replay past nights through the desk and measure it: wrong calls, retractions,
    share counted and hours at each call, interval coverage by share counted, errors,
    cycle time (docs/backtest.md defines every metric).

    Each run (year, seed, order, or a real night) is a pure function of its parameters;
    runs go to a process pool and their rows are appended to one tidy table (CSV), so an
    interrupted backtest resumes. The full sweep is bench/sweep.py.

    Example:

        racedesk backtest --year 2020 --year 2024 --seeds 1-2 --order all --report out
    """
    data_dir = Settings.from_env().with_flags(data=data_flag).data_dir()
    if from_table:
        if not table.exists():
            raise click.UsageError(f"--from-table: {table} does not exist")
        frame = pd.read_csv(table)
    else:
        chosen = [o for o in OrderModel] if "all" in orders else [OrderModel(o) for o in orders]
        specs = grid(
            years or ((2024,) if not real else ()),
            parse_seeds(seeds),
            chosen or [OrderModel.REALISTIC],
            real=real,
            states=tuple(s.upper() for s in states),
            draws=draws,
            store=store,
        )
        frame = _run(specs, data_dir, table, workers=workers, fresh=fresh)
    snap = snapshot_table(data_dir) if snapshot else None
    summary = summarise(frame, snap)
    if report is not None:
        path = write_report(report, frame, snap, data_dir)
        click.echo(f"report written to {path}", err=True)
    if as_json:
        print_json(summary)
        return
    _print(summary)


def _run(
    specs: list[RunSpec], data_dir: Path, table: Path, *, workers: int, fresh: bool
) -> pd.DataFrame:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("backtest", total=len(specs))

        def advance(done: int, total: int, spec: RunSpec) -> None:
            bar.update(task, completed=len(specs) - total + done, description=spec.run_id)

        return sweep(specs, data_dir, table, workers=workers, resume=not fresh, progress=advance)


def _print(summary: dict[str, Any]) -> None:
    coverage: dict[str, dict[str, float]] = summary["coverage"]
    rows = [
        [f"{level}%", *[f"{v * 100:.1f}" for v in by.values()]] for level, by in coverage.items()
    ]
    shares = next(iter(coverage.values()), {})
    print_table(
        ["level", *[f"{float(k) * 100:.0f}%" for k in shares]],
        rows,
        title=(
            f"{summary['runs']} runs, {summary['calls']} calls, "
            f"{summary['wrong_calls']} wrong, {summary['retractions']} retracted; "
            f"median share counted at call {summary['median_share_counted_at_call']}"
        ),
        caption="interval coverage of the final margin by share counted (replays)",
    )
