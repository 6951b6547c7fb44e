"""``racedesk demo``: replay a past election night through the desk, live, into a real store."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np
import platformdirs
from rich.console import Console

from racedesk.backtest.chart import NightPoint, plot_night
from racedesk.backtest.night import open_night, run_night
from racedesk.calls.status import Kind
from racedesk.cli.demo_events import (
    cycle_event,
    president_elect_event,
    status_event,
    summary_event,
)
from racedesk.cli.demo_view import LiveView, calendar_table, eastern, final_table
from racedesk.cli.output import print_json_line
from racedesk.desk import Cycle, Desk, prepare
from racedesk.domain.contests import Party, parse_contest
from racedesk.domain.nominees import nominee
from racedesk.errors import ConfigError
from racedesk.feeds.batch import CountBatch
from racedesk.feeds.stream import read_stream
from racedesk.history.outcome import presidential_outcome
from racedesk.night.batches import night_batches
from racedesk.night.generator import generate_night
from racedesk.settings import Settings


def _store_file(flag: Path | None, year: int, seed: int) -> Path:
    """The demo writes a fresh night: its own default file is replaced, a given one must be new."""
    if flag is None:
        path = Path(platformdirs.user_data_dir("racedesk")) / f"demo-{year}-seed{seed}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return path
    if flag.exists():
        raise ConfigError(
            f"{flag} exists; the demo writes a fresh night: remove it or pick another"
        )
    return flag


def _stream_units(batches: list[CountBatch]) -> tuple[np.ndarray, np.ndarray]:
    """The reporting units of a stream file (every unit it ever reports) and their races."""
    pairs: set[tuple[str, str]] = set()
    for batch in batches:
        pairs.update(zip(batch.contest.tolist(), batch.unit.tolist(), strict=True))
    races = {contest: parse_contest(contest).race for contest, _ in pairs}
    ordered = sorted(pairs)
    return (
        np.asarray([unit for _, unit in ordered], dtype=np.str_),
        np.asarray([races[contest] for contest, _ in ordered], dtype=np.str_),
    )


@click.command()
@click.option("--year", type=int, default=2024, show_default=True, help="Election to replay.")
@click.option("--seed", type=int, default=1, show_default=True, help="Replay seed.")
@click.option(
    "--speed",
    type=float,
    default=0.0,
    show_default=True,
    help="Simulated seconds per real second (e.g. 3600: an hour a second); 0: as fast as it goes.",
)
@click.option(
    "--store",
    "store_flag",
    type=click.Path(dir_okay=False, path_type=Path),
    help="New SQLite file for the night (default: demo-YEAR-seedN.sqlite in the user data dir).",
)
@click.option(
    "--stream",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Play this results stream (CSV or JSON Lines) instead of the generator.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines events; the last is the summary.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Write a PNG chart.")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@click.option(
    "--serve",
    is_flag=True,
    help="Also serve the dashboard and API while the night plays (then until Ctrl-C).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve: address.")
@click.option("--port", type=int, default=8000, show_default=True, help="With --serve: port.")
def demo(
    year: int,
    seed: int,
    speed: float,
    store_flag: Path | None,
    stream: Path | None,
    as_json: bool,
    plot: Path | None,
    data_flag: str | None,
    serve: bool,
    host: str,
    port: int,
) -> None:
    """Replay an election night through the desk, live.

    The night is generated from the real final county results (or read from
    --stream), fed into the embedded SQLite store batch by batch, and the desk runs
    a cycle every 15 simulated minutes: estimate the outstanding vote, decide every
    race, project the Electoral College. It ends with the president-elect, the
    final map and the calendar to Inauguration Day. Every call is checked against
    the complete count.

    With --serve the dashboard at http://127.0.0.1:8000/ animates the night
    (half a second per cycle unless --speed is given).

    Example:

        racedesk demo --year 2020 --seed 3 --plot night-2020.png
    """
    started = time.perf_counter()
    data_dir = Settings.from_env().with_flags(data=data_flag).data_dir()
    store_path = _store_file(store_flag, year, seed)
    if stream is not None:
        batches = list(read_stream(stream))
        source = str(stream)
        setup = prepare(year, data_dir, units=_stream_units(batches))
    else:
        batches = list(night_batches(generate_night(year, seed=seed, data_dir=data_dir)))
        source = f"replay of {year}, seed {seed}"
        setup = prepare(year, data_dir)
    outcome = presidential_outcome(year, data_dir)
    final_winners = {race.race: race.winner for race in outcome.races if race.winner}
    final_margins = {race.race: race.margin for race in outcome.races}
    store, ledger = open_night(store_path)
    desk = Desk(setup, store, ledger, seed=seed)
    points: list[NightPoint] = []
    console = Console(stderr=True)
    view = LiveView(year, console) if not as_json and console.is_terminal else None
    on_cycle = _cycle_handler(year, speed, as_json, view, points, console)
    if as_json:
        print_json_line({"type": "start", "year": year, "seed": seed, "source": source,
                         "store": str(store_path), "races": len(setup.electors)})  # fmt: skip
    if serve:
        from racedesk.api.serve import serve_night  # lazy: the web stack only when asked for

        run = serve_night(
            desk,
            batches,
            store_path=store_path,
            final_winners=final_winners,
            settings=Settings.from_env(),
            host=host,
            port=port,
            pace=0.0 if speed > 0 else 0.5,
            on_cycle=on_cycle,
            on_ready=lambda url: click.echo(f"dashboard: {url}/", err=True),
        )
    elif view is not None:
        with view:
            run = run_night(desk, batches, final_winners=final_winners, on_cycle=on_cycle)
    else:
        run = run_night(desk, batches, final_winners=final_winners, on_cycle=on_cycle)
    seconds = time.perf_counter() - started
    if plot is not None:
        names = (nominee(year, Party.DEM), nominee(year, Party.GOP))
        plot_night(points, plot, title=f"Election night {year} (racedesk replay)", names=names)
    if as_json:
        print_json_line(
            summary_event(run, final_winners=final_winners, seconds=seconds, source=source)
        )
        return
    out = Console()
    out.print(final_table(run, final_margins))
    called = run.last_cycle.projection.called if run.last_cycle else {}
    out.print(
        f"Electors called: {nominee(year, Party.DEM)} {called.get(Party.DEM, 0)}, "
        f"{nominee(year, Party.GOP)} {called.get(Party.GOP, 0)}"
    )
    elect = run.president_elect
    if elect is not None:
        out.print(f"[bold]President-elect:[/bold] {elect.candidate}, declared {eastern(elect.at)} "
                  f"when {elect.race} was called")  # fmt: skip
    else:
        out.print("No president-elect declared.")
    out.print(calendar_table(year, elect.at if elect else None))
    wrong = sum(call.wrong for call in run.calls)
    out.print(
        f"{len(run.calls)} calls, {wrong} wrong, {len(run.retractions)} retracted; "
        f"{run.cycles} desk cycles in {run.seconds_in_desk:.1f} s; {seconds:.1f} s in all. "
        f"Store: {store_path}"
    )


def _cycle_handler(
    year: int,
    speed: float,
    as_json: bool,
    view: LiveView | None,
    points: list[NightPoint],
    console: Console,
) -> Callable[[Cycle], None]:
    state = {"declared": False}

    def handle(cycle: Cycle) -> None:
        if speed > 0 and points:
            time.sleep(max((cycle.at - points[-1].at).total_seconds() / speed, 0.0))
        projection = cycle.projection
        points.append(
            NightPoint(
                at=cycle.at,
                called_dem=projection.called[Party.DEM],
                called_gop=projection.called[Party.GOP],
                win_dem=projection.win_probability[Party.DEM],
                win_gop=projection.win_probability[Party.GOP],
                share_counted=cycle.share_counted,
            )
        )
        elect = cycle.college.president_elect
        if as_json:
            for status in cycle.changes:
                print_json_line(status_event(status, cycle, year))
            if elect is not None and not state["declared"]:
                print_json_line(president_elect_event(elect))
            print_json_line(cycle_event(cycle))
        elif view is not None:
            for status in cycle.changes:
                view.note(status, cycle)
            view.update(cycle)
        else:
            for status in cycle.changes:
                verb = "called for" if status.kind is Kind.CALLED else "call retracted:"
                who = status.winner.value if status.winner else ""
                console.print(f"{eastern(status.at)}  {status.race} {verb} {who}")
        if elect is not None and not state["declared"]:
            state["declared"] = True
            if not as_json and view is None:
                console.print(f"PRESIDENT-ELECT: {elect.describe()}")
        sys.stderr.flush()

    return handle
