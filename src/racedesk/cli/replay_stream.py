"""``racedesk replay-stream``: write a generated or a real recorded night as a results stream."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from racedesk.feeds.stream import StreamFormat, write_stream
from racedesk.night.batches import night_batches
from racedesk.night.generator import generate_night
from racedesk.night.night import Night
from racedesk.night.precincts import mi_precincts_2020, nc_precincts_2020
from racedesk.night.report import write_report
from racedesk.night.timeseries import nc_counties_2020, states_2020
from racedesk.settings import Settings

REAL_NIGHTS: dict[str, Callable[[Path], Night]] = {
    "2020-states": states_2020,
    "2020-nc-counties": nc_counties_2020,
    "2020-nc-precincts": nc_precincts_2020,
    "2020-mi-precincts": mi_precincts_2020,
}


@click.command("replay-stream")
@click.option("--year", type=int, help="Replay this year's final results as a night.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--state",
    "states",
    multiple=True,
    help="Only these states (repeatable); default all.",
)
@click.option("--real", type=click.Choice(sorted(REAL_NIGHTS)), help="A real recorded night.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.option("--jsonl", is_flag=True, help="JSON Lines instead of CSV.")
@click.option(
    "--report",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the generator-versus-real-nights report (Markdown + PNG) to this folder.",
)
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
def replay_stream(
    year: int | None,
    seed: int,
    states: tuple[str, ...],
    real: str | None,
    output: Path | None,
    jsonl: bool,
    report: Path | None,
    data_flag: str | None,
) -> None:
    """Write an election night as a results stream (CSV or JSON Lines).

    With --year, a realistic replay generated from that year's final county results
    (deterministic for a seed: polls close at their real times, counties report in
    vote-mode batches, late ballots days after). With --real, a recorded 2020 night.
    The stream is what `racedesk ingest` and `racedesk demo --stream` read.

    Example:

        racedesk replay-stream --year 2020 --seed 7 -o night-2020.csv
    """
    data_dir = Settings.from_env().with_flags(data=data_flag).data_dir()
    if report is not None:
        path = write_report(report, data_dir)
        click.echo(f"report written to {path}", err=True)
        if year is None and real is None:
            return
    if (year is None) == (real is None):
        raise click.UsageError("give exactly one of --year or --real")
    if real is not None:
        night = REAL_NIGHTS[real](data_dir)
    else:
        assert year is not None
        night = generate_night(year, seed=seed, data_dir=data_dir, states=states or None)
    fmt = StreamFormat.JSONL if jsonl else StreamFormat.CSV
    target = output if output is not None else sys.stdout
    rows = write_stream(night_batches(night), target, format=fmt)
    click.echo(f"{rows} counts, {len(night.unit_ids)} units", err=True)
