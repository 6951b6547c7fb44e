"""``racedesk ingest SOURCE``: results streams and real feeds (AP, NIST CDF, Clarity, CSV) into
the store.

SOURCE is a file, a directory (its files in name order), ``-`` for stdin, or an http(s) URL
(``--watch N`` polls it). ``--format auto`` reads a results stream (CSV or JSON Lines) as before
and detects the feed formats (docs/feeds.md). A stream update (the rows sharing a timestamp) is
stored in one transaction; a feed payload, all its timestamps together, in one transaction.
Without ``--skip-bad`` the first bad update or payload stops the ingest (exit 1) and what came
before stays stored; with it (and always with ``--watch``), a bad one is refused whole, reported
on stderr, and the rest goes on.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from racedesk.cli.ingest_run import (
    FetchTally,
    IngestRun,
    StreamStopped,
    details,
    summary,
    summary_lines,
    timer,
)
from racedesk.cli.ingest_watch import NetworkHooks, fetch_once, request_headers, watch
from racedesk.cli.output import print_json
from racedesk.cli.store_option import store_option, store_path
from racedesk.errors import FeedError
from racedesk.feeds.fetch import redact
from racedesk.feeds.recorder import Recorder
from racedesk.feeds.sources import STDIN, STDIN_NAME, formats, is_url, local_files
from racedesk.store.sqlite import SQLiteStore


def _ingest_file(run: IngestRun, path: Path, recorder: Recorder | None) -> None:
    read_at = datetime.now(UTC)
    if recorder is None:
        with open(path, "rb") as handle:
            run.ingest(handle, name=str(path), fetched_at=read_at, size=path.stat().st_size)
        return
    data = path.read_bytes()
    recorder.record(data, source=str(path), fetched_at=read_at)
    run.ingest(io.BytesIO(data), name=str(path), fetched_at=read_at, size=len(data))


def _ingest_local(run: IngestRun, source: str, recorder: Recorder | None) -> None:
    if source == STDIN:
        read_at = datetime.now(UTC)
        if recorder is None:
            run.ingest(sys.stdin.buffer, name=STDIN_NAME, fetched_at=read_at)
            return
        data = sys.stdin.buffer.read()
        recorder.record(data, source=STDIN_NAME, fetched_at=read_at)
        run.ingest(io.BytesIO(data), name=STDIN_NAME, fetched_at=read_at)
        return
    files = local_files(source)
    for number, path in enumerate(files):
        try:
            _ingest_file(run, path, recorder)
        except StreamStopped:
            raise
        except FeedError:
            if len(files) > 1:
                run.echo(
                    f"racedesk: stopped at {path.name} (file {number + 1} of {len(files)}); "
                    f"the {run.tally.payloads:,} payloads before it are stored; --skip-bad goes "
                    "on past bad payloads"
                )
            raise


@click.command("ingest")
@click.argument("source")
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats()),
    default="auto",
    show_default=True,
    help="Payload format: auto-detect, a results stream, or one feed adapter (docs/feeds.md).",
)
@click.option("--skip-bad", is_flag=True, help="Refuse bad updates, report them, and go on.")
@click.option(
    "--jsonl", "jsonl", is_flag=True, help="Read JSON Lines (default: by file extension; CSV)."
)
@click.option(
    "--source",
    "default_source",
    default=None,
    help="Source recorded for stream rows whose source is empty, and for every feed count "
    "(default: the file's name, or the URL).",
)
@click.option(
    "--watch",
    "watch_seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Poll the URL every SECONDS with conditional requests until Ctrl-C.",
)
@click.option(
    "--max-polls",
    type=click.IntRange(min=1),
    default=None,
    help="With --watch: stop after this many requests.",
)
@click.option(
    "--record",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Record every raw payload here (gzip, fetch time, sha256) for `racedesk replay`.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds to wait for a URL's answer.",
)
@click.option(
    "--header",
    "header_flags",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="HTTP header for URL sources (repeatable). $AP_API_KEY goes to *.ap.org as x-api-key.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def ingest(
    ctx: click.Context,
    source: str,
    store_flag: Path | None,
    fmt: str,
    skip_bad: bool,
    jsonl: bool,
    default_source: str | None,
    watch_seconds: float | None,
    max_polls: int | None,
    record: Path | None,
    timeout: float,
    header_flags: tuple[str, ...],
    as_json: bool,
) -> None:
    """Load results into the store from a file, a directory, - (stdin) or a URL.

    Reads results streams (CSV, JSON Lines) and AP, NIST SP 1500-100 (XML, JSON), Clarity and
    CSV feeds. Prints updates stored, duplicates skipped, corrections, rejected input, unmapped
    units and candidates, and the external calls (AP winner flags) recorded. Exit status 1 if
    a payload or update is bad and neither --skip-bad nor --watch was given.

    Example:

        racedesk ingest https://results.example/detail.xml --watch 30 --record night/
    """
    url = is_url(source)
    if watch_seconds is not None and not url:
        raise click.UsageError("--watch polls an http(s) URL; SOURCE is not one")
    if max_polls is not None and watch_seconds is None:
        raise click.UsageError("--max-polls goes with --watch")
    if not url and source != STDIN and not Path(source).exists():
        raise click.BadParameter(f"{source!r} does not exist", param_hint="'SOURCE'")
    hooks = ctx.find_object(NetworkHooks) or NetworkHooks()
    path = store_path(store_flag)
    recorder = Recorder(record) if record is not None else None
    fetch = FetchTally()
    elapsed = timer()
    name = STDIN_NAME if source == STDIN else source
    with SQLiteStore(path) as store:
        run = IngestRun(
            store,
            format=fmt,
            jsonl=jsonl,
            default_source=default_source,
            tolerant=skip_bad or watch_seconds is not None,
            echo=lambda line: click.echo(line, err=True),
        )
        try:
            if url:
                name = redact(source)
                headers = request_headers(source, header_flags)
                if watch_seconds is None:
                    fetch_once(
                        run,
                        source,
                        hooks=hooks,
                        headers=headers,
                        timeout=timeout,
                        recorder=recorder,
                        fetch=fetch,
                    )
                else:
                    watch(
                        run,
                        source,
                        interval=watch_seconds,
                        max_polls=max_polls,
                        hooks=hooks,
                        headers=headers,
                        timeout=timeout,
                        recorder=recorder,
                        fetch=fetch,
                    )
            else:
                _ingest_local(run, source, recorder)
        finally:
            run.close()
    facts = summary(run, name=name, store=str(path), seconds=elapsed(), fetch=fetch)
    if as_json:
        print_json({**facts, **details(run)})
        return
    for line in summary_lines(facts, run):
        click.echo(line)
