"""The results stream: timestamped cumulative counts, in CSV or JSON Lines (docs/stream-format.md).

One row is one cumulative count for (contest, unit, candidate, mode) at an instant; the rows
sharing an instant are one feed update and come out of the readers as one ``CountBatch``.
Readers stream: they hold one chunk of rows and the batch being read, never the whole file.

``read_stream`` raises ``FeedFormatError`` (file, line, field) at the first bad batch, after
yielding the good ones before it; ``read_stream_checked`` yields a ``RejectedBatch`` instead and
goes on.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np
import pandas as pd

from racedesk.errors import FeedFormatError
from racedesk.feeds.batch import NO_EXPECTED, CountBatch, IntArray
from racedesk.feeds.stream_rows import (
    COLUMNS,
    REQUIRED,
    Columns,
    RejectedBatch,
    RowChecker,
)

__all__ = [
    "COLUMNS",
    "RejectedBatch",
    "StreamFormat",
    "format_timestamp",
    "read_stream",
    "read_stream_checked",
    "stream_format",
    "write_stream",
]

CHUNK_ROWS = 65_536
_EXTRA = 4  # spare columns that catch rows with too many fields
_PANDAS_LINE = re.compile(r"line (\d+)")


class StreamFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


def stream_format(path: str | Path) -> StreamFormat:
    """The format a file name implies: ``.jsonl``/``.ndjson`` are JSON Lines, anything else CSV."""
    suffixes = Path(path).suffixes
    if suffixes and suffixes[-1].lower() in (".gz",):
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1].lower() in (".jsonl", ".ndjson"):
        return StreamFormat.JSONL
    return StreamFormat.CSV


def format_timestamp(at: datetime) -> str:
    """An instant as written in streams: UTC, ISO-8601, ``Z``."""
    return at.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


# -- reading ------------------------------------------------------------------------------------


def read_stream(
    source: str | Path | BinaryIO,
    *,
    format: StreamFormat | None = None,
    known_units: Collection[str] | None = None,
    default_source: str = "",
    name: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[CountBatch]:
    """Yield the stream's batches in order; raise ``FeedFormatError`` at the first bad one."""
    for item in read_stream_checked(
        source,
        format=format,
        known_units=known_units,
        default_source=default_source,
        name=name,
        chunk_rows=chunk_rows,
    ):
        if isinstance(item, RejectedBatch):
            raise item.errors[0]
        yield item


def read_stream_checked(
    source: str | Path | BinaryIO,
    *,
    format: StreamFormat | None = None,
    known_units: Collection[str] | None = None,
    default_source: str = "",
    name: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[CountBatch | RejectedBatch]:
    """Yield every batch, good (``CountBatch``) or refused (``RejectedBatch``), in order.

    ``known_units`` (optional) restricts units to that set; ``default_source`` fills empty
    ``source`` cells. A file-level problem (no header, missing column) raises at once.
    """
    with _open(source) as handle:
        origin = name or _name_of(source, handle)
        fmt = format or stream_format(origin)
        chunks = (
            _jsonl_chunks(handle, origin, chunk_rows)
            if fmt == StreamFormat.JSONL
            else _csv_chunks(handle, origin, chunk_rows)
        )
        checker = RowChecker(origin=origin, known_units=known_units, default_source=default_source)
        for columns, lines, problems in chunks:
            yield from checker.feed(columns, lines, problems)
        yield from checker.feed(_empty_columns(), np.zeros(0, dtype=np.int64), final=True)


@contextlib.contextmanager
def _open(source: str | Path | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            yield handle
    else:
        yield source


def _name_of(source: str | Path | BinaryIO, handle: BinaryIO) -> str:
    if isinstance(source, str | Path):
        return str(source)
    return str(getattr(handle, "name", "<stream>"))


def _empty_columns() -> Columns:
    return {name: np.zeros(0, dtype=object) for name in COLUMNS}


Chunk = tuple[Columns, IntArray, dict[int, tuple[str | None, str]]]


def _csv_chunks(handle: BinaryIO, origin: str, chunk_rows: int) -> Iterator[Chunk]:
    header_line = handle.readline().decode("utf-8-sig")
    if not header_line.strip():
        raise FeedFormatError("empty stream: no header row", source=origin, line=1)
    header = next(csv.reader([header_line]))
    if len(set(header)) != len(header):
        raise FeedFormatError(f"repeated column in header {header}", source=origin, line=1)
    for column in REQUIRED:
        if column not in header:
            raise FeedFormatError(
                f"missing column {column!r}; a stream's header is {','.join(COLUMNS)}",
                source=origin,
                line=1,
                field=column,
            )
    spare = [f"\x00extra{i}" for i in range(_EXTRA)]
    reader = pd.read_csv(
        handle,
        header=None,
        names=[*header, *spare],
        dtype=str,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        chunksize=chunk_rows,
        encoding="utf-8",
    )
    first_line = 2
    try:
        for frame in reader:
            lines = np.arange(first_line, first_line + len(frame), dtype=np.int64)
            first_line += len(frame)
            columns = {
                name: (
                    frame[name].to_numpy(dtype=object)
                    if name in frame
                    else np.full(len(frame), "", dtype=object)
                )
                for name in COLUMNS
            }
            extra = np.zeros(len(frame), dtype=bool)
            for name in spare:
                extra |= frame[name].to_numpy(dtype=object) != ""
            blank = np.logical_and.reduce([columns[n] == "" for n in header]) & ~extra
            too_many = f"more fields than the {len(header)} columns of the header"
            problems: dict[int, tuple[str | None, str]] = {
                int(line): (None, too_many) for line in lines[extra].tolist()
            }
            keep = ~blank
            yield {k: v[keep] for k, v in columns.items()}, lines[keep], problems
    except pd.errors.ParserError as error:
        match = _PANDAS_LINE.search(str(error))
        line = int(match.group(1)) + 1 if match else None
        raise FeedFormatError(f"unreadable CSV: {error}", source=origin, line=line) from None
    except UnicodeDecodeError as error:
        raise FeedFormatError(f"not UTF-8 text: {error}", source=origin) from None


def _jsonl_chunks(handle: BinaryIO, origin: str, chunk_rows: int) -> Iterator[Chunk]:
    line_number = 0
    while True:
        raw_lines = _take_lines(handle, chunk_rows)
        if not raw_lines:
            return
        values: dict[str, list[str]] = {name: [] for name in COLUMNS}
        lines: list[int] = []
        problems: dict[int, tuple[str | None, str]] = {}
        for raw in raw_lines:
            line_number += 1
            if not raw.strip():
                continue
            lines.append(line_number)
            problem = _json_row(raw, values)
            if problem is not None:
                problems[line_number] = problem
        if not lines:
            continue
        columns = {name: np.array(values[name], dtype=object) for name in COLUMNS}
        yield columns, np.array(lines, dtype=np.int64), problems


def _take_lines(handle: BinaryIO, count: int) -> list[bytes]:
    lines: list[bytes] = []
    for _ in range(count):
        raw = handle.readline()
        if not raw:
            break
        lines.append(raw)
    return lines


def _json_row(raw: bytes, values: dict[str, list[str]]) -> tuple[str | None, str] | None:
    """Append one JSON line's fields as text; return (field, problem) if it cannot be used."""
    problem: tuple[str | None, str] | None = None
    try:
        record: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        record, problem = {}, (None, f"not a JSON object: {error}")
    if not isinstance(record, dict):
        record, problem = {}, (None, "not a JSON object")
    for name in COLUMNS:
        value = record.get(name)
        text = ""
        if value is None:
            if problem is None and name in REQUIRED:
                problem = (name, f"missing field {name!r}")
        elif name in ("votes", "expected_votes"):
            if isinstance(value, int) and not isinstance(value, bool):
                text = str(value)
            elif problem is None:
                problem = (name, f"{name} must be a JSON whole number, not {value!r}")
        elif isinstance(value, str):
            text = value
        elif problem is None:
            problem = (name, f"{name} must be a JSON string, not {value!r}")
        values[name].append(text)
    return problem


# -- writing ------------------------------------------------------------------------------------


def write_stream(
    batches: Iterable[CountBatch],
    target: str | Path | IO[str],
    *,
    format: StreamFormat = StreamFormat.CSV,
) -> int:
    """Write batches as a stream (CSV with header, or JSON Lines); return the rows written."""
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            return write_stream(batches, handle, format=format)
    rows = 0
    if format == StreamFormat.CSV:
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(COLUMNS)
        for batch in batches:
            writer.writerows(_csv_rows(batch))
            rows += len(batch)
    else:
        for batch in batches:
            target.writelines(_jsonl_rows(batch))
            rows += len(batch)
    return rows


def _csv_rows(batch: CountBatch) -> Iterator[tuple[object, ...]]:
    expected = batch.expected_votes
    expected_text = np.where(expected == NO_EXPECTED, "", expected.astype(str)).tolist()
    stamp = format_timestamp(batch.at)
    return zip(
        [stamp] * len(batch),
        batch.contest.tolist(),
        batch.unit.tolist(),
        batch.candidate.tolist(),
        batch.mode.tolist(),
        batch.votes.tolist(),
        expected_text,
        batch.source.tolist(),
        strict=True,
    )


def _jsonl_rows(batch: CountBatch) -> Iterator[str]:
    stamp = format_timestamp(batch.at)
    rows = zip(
        batch.contest.tolist(),
        batch.unit.tolist(),
        batch.candidate.tolist(),
        batch.mode.tolist(),
        batch.votes.tolist(),
        batch.expected_votes.tolist(),
        batch.source.tolist(),
        strict=True,
    )
    for contest, unit, candidate, mode, votes, expected, source in rows:
        record = {
            "timestamp": stamp,
            "contest": contest,
            "unit": unit,
            "candidate": candidate,
            "mode": mode,
            "votes": votes,
            "expected_votes": None if expected == NO_EXPECTED else expected,
            "source": source,
        }
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
