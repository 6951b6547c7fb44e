"""``racedesk replay --recorded DIR``: a recorded night's raw payloads, in order, into a store.

The recording is what ``racedesk ingest --record DIR`` wrote (``feeds/recorder.py``): every raw
payload, bad ones included, with its fetch time and sha256. Each payload is checked against its
hash and ingested as the night did: a payload that was refused then is reported and skipped
now, and the store records each update as received at the payload's original fetch time, so a
replayed store answers "as of" questions the way the live one did.
"""

from __future__ import annotations

import io
from pathlib import Path

import click

from racedesk.cli.ingest_run import FetchTally, IngestRun, details, summary, summary_lines, timer
from racedesk.cli.output import print_json
from racedesk.cli.store_option import store_option, store_path
from racedesk.feeds.recorder import replay as recorded_payloads
from racedesk.feeds.sources import formats
from racedesk.store.sqlite import SQLiteStore


@click.command("replay")
@click.option(
    "--recorded",
    "directory",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Recording directory written by `racedesk ingest --record`.",
)
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats()),
    default="auto",
    show_default=True,
    help="Payload format (auto: detected per payload, as the ingest did).",
)
@click.option(
    "--source",
    "default_source",
    default=None,
    help="Source recorded for the counts (default: the recorded file name or URL).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def replay(
    directory: Path,
    store_flag: Path | None,
    fmt: str,
    default_source: str | None,
    as_json: bool,
) -> None:
    """Ingest a recorded night's payloads, byte for byte and in order, into a store.

    Prints the same summary as `racedesk ingest`. A payload that does not match its sha256
    stops the replay (exit 1); one that does not parse is reported and skipped.

    Example:

        racedesk replay --recorded night/ --store replayed.sqlite
    """
    path = store_path(store_flag)
    elapsed = timer()
    with SQLiteStore(path) as store:
        run = IngestRun(
            store,
            format=fmt,
            default_source=default_source,
            tolerant=True,
            echo=lambda line: click.echo(line, err=True),
        )
        try:
            for payload in recorded_payloads(directory):
                run.ingest(
                    io.BytesIO(payload.data),
                    name=payload.source,
                    fetched_at=payload.fetched_at,
                    received_at=payload.fetched_at,
                )
        finally:
            run.close()
    facts = summary(
        run, name=str(directory), store=str(path), seconds=elapsed(), fetch=FetchTally()
    )
    if as_json:
        print_json({**facts, **details(run)})
        return
    for line in summary_lines(facts, run):
        click.echo(line)
