"""Where ``racedesk ingest`` reads from, and which reader a payload needs.

A source is a file, a directory (its files in name order), ``-`` for stdin, or an http(s) URL.
A payload is read either as a results stream (``feeds/stream.py``: CSV or JSON Lines with a
``timestamp`` column) or by one feed adapter (``feeds/registry.py``). ``choose_reader`` decides:
a named ``--format`` wins; with ``auto`` a stream header (or a ``.jsonl`` name) means the
stream, then the adapters' own detection; a ``.csv``/``.jsonl`` file or stdin that no adapter
claims is read as a stream, whose reader then names the missing column.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from racedesk.errors import FeedError, FeedFormatError
from racedesk.feeds import registry
from racedesk.feeds.fetch import redact
from racedesk.feeds.stream import StreamFormat, stream_format
from racedesk.feeds.stream_rows import REQUIRED

AUTO = "auto"
STREAM = "stream"
STDIN = "-"
STDIN_NAME = "<stdin>"
_STREAM_SUFFIXES = (".csv", ".jsonl", ".ndjson")


def formats() -> tuple[str, ...]:
    """Every value ``--format`` takes: auto, stream, then the registered adapters."""
    return (AUTO, STREAM, *sorted(registry.adapters()))


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def count_source(name: str) -> str:
    """What the store records as the counts' source: a file's name, or the redacted URL."""
    if is_url(name):
        return redact(name)
    return STDIN_NAME if name == STDIN else Path(name).name


def local_files(source: str | Path) -> list[Path]:
    """A file, or a directory's regular files (not hidden ones) in name order."""
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        if not files:
            raise FeedError("directory holds no files to ingest", source=str(path))
        return files
    if not path.is_file():
        raise FeedError("no such file, directory or URL", source=str(path))
    return [path]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reader:
    """How to read one payload: a stream (``stream_format`` set) or a feed ``adapter``."""

    adapter: str | None = None
    stream_format: StreamFormat | None = None

    @property
    def is_stream(self) -> bool:
        return self.stream_format is not None

    @property
    def name(self) -> str:
        return self.adapter or f"{STREAM}-{self.stream_format}"


def _stream_header(head: bytes) -> StreamFormat | None:
    """The stream format the first line announces, if it is a stream's."""
    first = head.lstrip(b"\xef\xbb\xbf").lstrip().split(b"\n", 1)[0].strip()
    if first.startswith(b"{"):
        try:
            row = json.loads(first)
        except ValueError:
            return None
        is_row = isinstance(row, dict) and set(REQUIRED) <= row.keys()
        return StreamFormat.JSONL if is_row else None
    columns = {c.strip().strip('"') for c in first.decode("utf-8", "replace").split(",")}
    return StreamFormat.CSV if set(REQUIRED) <= columns else None


def choose_reader(head: bytes, name: str, requested: str = AUTO, *, jsonl: bool = False) -> Reader:
    """The reader for a payload starting with ``head`` (its first bytes) from ``name``."""
    named_stream = name if name not in (STDIN, STDIN_NAME) else ""
    if jsonl:
        return Reader(stream_format=StreamFormat.JSONL)
    if requested == STREAM:
        detected = _stream_header(head)
        fallback = stream_format(named_stream) if named_stream else StreamFormat.CSV
        return Reader(stream_format=detected or fallback)
    if requested != AUTO:
        return Reader(adapter=registry.get(requested).name)
    detected = _stream_header(head)
    if detected is not None:
        return Reader(stream_format=detected)
    suffix = Path(urlsplit(name).path if is_url(name) else name).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return Reader(stream_format=StreamFormat.JSONL)
    try:
        return Reader(adapter=registry.detect(head, name).name)
    except FeedFormatError:
        if suffix in _STREAM_SUFFIXES or not named_stream:
            return Reader(stream_format=stream_format(named_stream or "stdin.csv"))
        raise


class _Prefixed(io.RawIOBase):
    """The bytes already read (``head``) followed by the rest of a stream that cannot seek."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head = memoryview(head)
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def peek(handle: BinaryIO, size: int = registry.SNIFF_BYTES) -> tuple[bytes, BinaryIO]:
    """The first ``size`` bytes of ``handle`` and a handle that still yields them first."""
    if handle.seekable():
        head = handle.read(size)
        handle.seek(0)
        return head, handle
    head = handle.read(size)
    return head, io.BufferedReader(_Prefixed(head, handle))
