"""``racedesk ingest STREAM``: load a results stream (CSV or JSON Lines) into the store.

Each feed update (the rows sharing a timestamp) is stored in one transaction. Without
``--skip-bad`` the first bad update stops the ingest (exit 1) and what came before stays stored;
with it, each bad update is refused whole, its bad rows are listed on stderr, and the rest goes on.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import BinaryIO

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from racedesk.cli.output import print_json
from racedesk.cli.store_option import store_option, store_path
from racedesk.errors import FeedFormatError
from racedesk.feeds.stream import RejectedBatch, StreamFormat, read_stream_checked
from racedesk.store.base import IngestResult
from racedesk.store.sqlite import SQLiteStore


def _error_record(error: FeedFormatError) -> dict[str, object]:
    return {"source": error.source, "line": error.line, "field": error.field, "error": error.reason}


@click.command("ingest")
@click.argument("stream", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@store_option
@click.option("--skip-bad", is_flag=True, help="Refuse bad updates, report them, and go on.")
@click.option(
    "--jsonl", "jsonl", is_flag=True, help="Read JSON Lines (default: by file extension; CSV)."
)
@click.option(
    "--source",
    "default_source",
    default=None,
    help="Source recorded for rows whose source is empty (default: the stream's file name).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(
    stream: str,
    store_flag: Path | None,
    skip_bad: bool,
    jsonl: bool,
    default_source: str | None,
    as_json: bool,
) -> None:
    """Load a results stream (a file, or - for stdin) into the store.

    Prints updates stored, duplicates skipped, corrections and rejected rows.
    Exit status 1 if an update is bad and --skip-bad was not given.

    Example:

        racedesk ingest night-2024.csv --store night.sqlite
    """
    path = store_path(store_flag)
    from_stdin = stream == "-"
    name = "<stdin>" if from_stdin else stream
    handle: BinaryIO = sys.stdin.buffer if from_stdin else open(stream, "rb")  # noqa: SIM115
    size = None if from_stdin else os.path.getsize(stream)
    fmt = StreamFormat.JSONL if jsonl else None
    console = Console(stderr=True)
    totals = IngestResult()
    batches = rejected_batches = 0
    rejected: list[FeedFormatError] = []
    rejected_rows = 0
    began = time.perf_counter()
    try:
        with (
            SQLiteStore(path) as store,
            Progress(
                TextColumn("ingest"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                disable=not console.is_terminal,
            ) as progress,
        ):
            task = progress.add_task("ingest", total=size)
            items = read_stream_checked(
                handle,
                format=fmt or (StreamFormat.CSV if from_stdin else None),
                name=name,
                default_source=Path(name).name if default_source is None else default_source,
            )
            for item in items:
                if isinstance(item, RejectedBatch):
                    rejected_batches += 1
                    rejected_rows += item.rows
                    rejected.extend(item.errors)
                    for error in item.errors:
                        click.echo(f"racedesk: rejected: {error}", err=True)
                    if not skip_bad:
                        click.echo(
                            f"racedesk: stopped at the batch on lines {item.first_line}-"
                            f"{item.last_line}; the {batches:,} batches before it are stored "
                            f"({totals.updates:,} updates); --skip-bad goes on past bad batches",
                            err=True,
                        )
                        raise item.errors[0]
                    continue
                totals += store.ingest(item)
                batches += 1
                if not from_stdin:
                    progress.update(task, completed=handle.tell())
    finally:
        if not from_stdin:
            handle.close()
    seconds = time.perf_counter() - began
    summary = {
        "stream": name,
        "store": str(path),
        "batches": batches,
        "updates": totals.updates,
        "duplicates": totals.duplicates,
        "corrections": totals.corrections,
        "rejected_batches": rejected_batches,
        "rejected_rows": rejected_rows,
        "seconds": round(seconds, 3),
    }
    if as_json:
        print_json({**summary, "rejected": [_error_record(e) for e in rejected]})
        return
    click.echo(
        f"ingested {name} into {path}: {batches:,} batches, {totals.updates:,} updates stored, "
        f"{totals.duplicates:,} duplicates, {totals.corrections:,} corrections, "
        f"{rejected_rows:,} rows rejected in {rejected_batches:,} batches ({seconds:.2f} s)"
    )
