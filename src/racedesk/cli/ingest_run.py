"""One ingest run: payloads (stream files or feed payloads) into the store, tallied for the summary.

Shared by ``racedesk ingest`` and ``racedesk replay``. A stream is stored batch by batch (one
transaction each, as ``docs/stream-format.md`` says); a feed payload is parsed and converted
whole, then all its batches are stored in one transaction, so a payload that fails to parse
leaves the store as it was. ``tolerant`` runs (``--skip-bad``, ``--watch``, replays) report a
bad payload or batch on stderr and go on; the others raise it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from racedesk.cli.ingest_calls import CallRecorder
from racedesk.errors import FeedError, FeedFormatError, StoreError
from racedesk.feeds import registry
from racedesk.feeds.base import FeedPayload, Unmapped
from racedesk.feeds.load import payload_batches
from racedesk.feeds.sources import AUTO, Reader, choose_reader, count_source, peek
from racedesk.feeds.stream import RejectedBatch, StreamFormat, read_stream_checked
from racedesk.store.base import IngestResult
from racedesk.store.sqlite import SQLiteStore


@dataclass(kw_only=True)
class Tally:
    """What a run did so far (mutable: it grows payload by payload)."""

    batches: int = 0
    stored: IngestResult = field(default_factory=IngestResult)
    payloads: int = 0  # feed payloads stored (stream files count their batches instead)
    rejected_payloads: int = 0
    rejected_batches: int = 0
    rejected_rows: int = 0
    rejected: list[FeedError] = field(default_factory=list)
    unmapped: dict[tuple[str, str, str], Unmapped] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)  # reader name -> payloads read
    latencies: list[float] = field(default_factory=list)  # fetched -> committed, seconds


def error_record(error: FeedError) -> dict[str, object]:
    return {"source": error.source, "line": error.line, "field": error.field, "error": error.reason}


def unmapped_record(item: Unmapped) -> dict[str, object]:
    return {
        "kind": item.kind,
        "feed_id": item.feed_id,
        "where": item.where,
        "reason": item.reason,
        "votes": item.votes,
        "kept_as": item.kept_as,
    }


class StreamStopped(FeedFormatError):
    """A bad stream batch in a run that does not skip bad input (the first row error)."""


class IngestRun:
    """Feeds payloads into one open store; ``tally`` and ``calls.tally`` say what happened."""

    def __init__(
        self,
        store: SQLiteStore,
        *,
        format: str = AUTO,
        jsonl: bool = False,
        default_source: str | None = None,
        tolerant: bool = False,
        echo: Callable[[str], None],
    ) -> None:
        self.store = store
        self.format = format
        self.jsonl = jsonl
        self.default_source = default_source
        self.tolerant = tolerant
        self.echo = echo
        self.tally = Tally()
        self.calls = CallRecorder(store.path, echo=echo)

    def close(self) -> None:
        self.calls.close()

    def ingest(
        self,
        handle: BinaryIO,
        *,
        name: str,
        fetched_at: datetime | None = None,
        received_at: datetime | None = None,
        size: int | None = None,
    ) -> None:
        """Read one payload from ``handle`` (``name`` is its path or URL, for errors)."""
        fetched = fetched_at or datetime.now(UTC)
        try:
            head, handle = peek(handle)
            reader = choose_reader(head, name, self.format, jsonl=self.jsonl)
        except FeedError as error:
            self._reject_payload(error)
            return
        self.tally.formats[reader.name] = self.tally.formats.get(reader.name, 0) + 1
        if reader.stream_format is not None:
            self._stream(handle, name, reader.stream_format, size, received_at)
        else:  # adapters seek (sniffing, zip members): a pipe is read whole first
            seekable = handle if handle.seekable() else io.BytesIO(handle.read())
            self._payload(seekable, name, reader, fetched, received_at)

    # -- feed payloads ---------------------------------------------------------------------------

    def _payload(
        self,
        handle: BinaryIO,
        name: str,
        reader: Reader,
        fetched: datetime,
        received_at: datetime | None,
    ) -> None:
        source = self.default_source or count_source(name)
        try:
            payload = registry.parse(handle, source=name, format=reader.adapter or AUTO)
            batches = payload_batches(payload, source=source)
        except FeedError as error:
            self._reject_payload(error)
            return
        try:
            stored = self.store.ingest_many(batches, received_at=received_at)
        except StoreError as error:
            if not self.tolerant:
                raise
            self._reject_payload(FeedError(f"not stored: {error}", source=name))
            return
        latency = (datetime.now(UTC) - fetched).total_seconds()
        self.tally.latencies.append(latency)
        self.tally.payloads += 1
        self.tally.batches += len(batches)
        self.tally.stored += stored
        self._note_unmapped(payload)
        self.calls.record(payload, source=source)
        self.echo(
            f"racedesk: {name}: {reader.adapter} payload, {len(payload):,} counts in "
            f"{len(batches):,} batches: {stored.updates:,} stored, {stored.duplicates:,} "
            f"duplicates, {stored.corrections:,} corrections ({latency:.3f} s after fetch)"
        )

    def _reject_payload(self, error: FeedError) -> None:
        self.tally.rejected_payloads += 1
        self.tally.rejected.append(error)
        if not self.tolerant:
            raise error
        self.echo(f"racedesk: rejected: {error}")

    def _note_unmapped(self, payload: FeedPayload) -> None:
        for item in payload.unmapped:
            key = (item.kind, item.feed_id, item.where)
            if key not in self.tally.unmapped:
                self.tally.unmapped[key] = item
                kept = f"; kept as {item.kept_as}" if item.kept_as else f"; {item.votes:,} votes"
                self.echo(
                    f"racedesk: unmapped {item.kind} {item.feed_id!r} at {item.where}: "
                    f"{item.reason}{kept}"
                )

    # -- results streams -------------------------------------------------------------------------

    def _stream(
        self,
        handle: BinaryIO,
        name: str,
        fmt: StreamFormat,
        size: int | None,
        received_at: datetime | None,
    ) -> None:
        console = Console(stderr=True)
        default = Path(name).name if self.default_source is None else self.default_source
        try:
            with Progress(
                TextColumn("ingest"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                disable=size is None or not console.is_terminal,
            ) as progress:
                task = progress.add_task("ingest", total=size)
                for item in read_stream_checked(
                    handle, format=fmt, name=name, default_source=default
                ):
                    if isinstance(item, RejectedBatch):
                        self._reject_batch(item)
                        continue
                    self.tally.stored += self.store.ingest(item, received_at=received_at)
                    self.tally.batches += 1
                    if size is not None:
                        progress.update(task, completed=handle.tell())
        except StreamStopped:
            raise
        except FeedError as error:  # a file-level problem: no header, a missing column
            self._reject_payload(error)

    def _reject_batch(self, item: RejectedBatch) -> None:
        tally = self.tally
        tally.rejected_batches += 1
        tally.rejected_rows += item.rows
        tally.rejected.extend(item.errors)
        for error in item.errors:
            self.echo(f"racedesk: rejected: {error}")
        if not self.tolerant:
            self.echo(
                f"racedesk: stopped at the batch on lines {item.first_line}-{item.last_line}; "
                f"the {tally.batches:,} batches before it are stored ({tally.stored.updates:,} "
                "updates); --skip-bad goes on past bad batches"
            )
            first = item.errors[0]
            raise StreamStopped(
                first.reason, source=first.source, line=first.line, field=first.field
            )


def timer() -> Callable[[], float]:
    """Seconds since the call, for the summary."""
    began = time.perf_counter()
    return lambda: time.perf_counter() - began


@dataclass(kw_only=True)
class FetchTally:
    """What polling a URL did (zeros for local sources)."""

    fetched: int = 0  # new payloads (a 304 is not one)
    errors: int = 0  # timeouts, HTTP errors, HTML pages: reported, retried
    interrupted: bool = False  # stopped by Ctrl-C


UNMAPPED_KINDS = ("unit", "candidate", "contest", "vote_type")


def summary(
    run: IngestRun, *, name: str, store: str, seconds: float, fetch: FetchTally
) -> dict[str, object]:
    """The run's summary; the first nine keys are the stream ingest's original ones."""
    tally, calls = run.tally, run.calls.tally
    unmapped = {kind: 0 for kind in UNMAPPED_KINDS}
    for item in tally.unmapped.values():
        unmapped[item.kind] = unmapped.get(item.kind, 0) + 1
    return {
        "stream": name,
        "store": store,
        "batches": tally.batches,
        "updates": tally.stored.updates,
        "duplicates": tally.stored.duplicates,
        "corrections": tally.stored.corrections,
        "rejected_batches": tally.rejected_batches,
        "rejected_rows": tally.rejected_rows,
        "seconds": round(seconds, 3),
        "source": name,
        "formats": dict(tally.formats),
        "payloads": tally.payloads,
        "rejected_payloads": tally.rejected_payloads,
        "unmapped": unmapped,
        "external_calls": calls.recorded,
        "external_retractions": calls.retracted,
        "external_flags_seen": calls.seen,
        "external_flags_ignored": calls.ignored,
        "fetched": fetch.fetched,
        "fetch_errors": fetch.errors,
        "interrupted": fetch.interrupted,
        "latency_max_seconds": round(max(tally.latencies), 4) if tally.latencies else None,
    }


def details(run: IngestRun) -> dict[str, object]:
    """The lists ``--json`` adds to the summary."""
    return {
        "rejected": [error_record(e) for e in run.tally.rejected],
        "unmapped_items": [unmapped_record(item) for item in run.tally.unmapped.values()],
        "external_call_problems": list(run.calls.tally.problems),
    }


def summary_lines(facts: dict[str, object], run: IngestRun) -> list[str]:
    """The summary as sentences: the stream's line, then one for feeds when there were any."""
    f = facts
    lines = [
        f"ingested {f['stream']} into {f['store']}: {f['batches']:,} batches, "
        f"{f['updates']:,} updates stored, {f['duplicates']:,} duplicates, "
        f"{f['corrections']:,} corrections, {f['rejected_rows']:,} rows rejected in "
        f"{f['rejected_batches']:,} batches ({f['seconds']:.2f} s)"
    ]
    if not (f["payloads"] or f["rejected_payloads"] or f["fetched"] or f["fetch_errors"]):
        return lines
    tally, calls = run.tally, run.calls.tally
    by_kind = {kind: 0 for kind in UNMAPPED_KINDS}
    for item in tally.unmapped.values():
        by_kind[item.kind] = by_kind.get(item.kind, 0) + 1
    kinds = ", ".join(f"{n:,} {kind.replace('_', ' ')}s" for kind, n in by_kind.items())
    line = (
        f"feeds: {tally.payloads:,} payloads stored, {tally.rejected_payloads:,} rejected; "
        f"unmapped {kinds}; external calls recorded {calls.recorded:,} (retractions "
        f"{calls.retracted:,}, flags seen {calls.seen:,}, ignored {calls.ignored:,})"
    )
    if f["fetched"] or f["fetch_errors"]:
        line += f"; fetched {f['fetched']:,}, fetch errors {f['fetch_errors']:,}"
    if tally.latencies:
        line += f"; slowest fetch-to-store {max(tally.latencies):.3f} s"
    return [*lines, line]
