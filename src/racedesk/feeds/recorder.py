"""Recording every raw payload, so a night can be replayed byte for byte.

A recording is a directory::

    000001-20241106T010203123456Z-3f2a9c1b07de.gz   one gzip file per payload (mtime 0)
    index.jsonl                                     one line per payload, in arrival order

Each index line holds ``seq, file, fetched_at (UTC ISO), source (redacted URL or path),
sha256 (of the raw bytes), bytes, content_type``. The payload file is written first
(to a temporary name, then renamed) and the index line after, so a crash leaves at worst an
unindexed file, never an index line without its payload. ``replay`` yields payloads in order
and checks each hash.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from racedesk.errors import FeedError, FeedFormatError
from racedesk.feeds.fetch import redact

INDEX = "index.jsonl"


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    seq: int
    fetched_at: datetime
    source: str
    sha256: str
    data: bytes
    content_type: str = ""


class Recorder:
    """Appends payloads to a recording directory (created if missing; resumes numbering)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.seq = sum(1 for _ in _index_lines(self.directory))

    def record(
        self, data: bytes, *, source: str, fetched_at: datetime, content_type: str = ""
    ) -> Recorded:
        if fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be timezone-aware")
        at = fetched_at.astimezone(UTC)
        digest = hashlib.sha256(data).hexdigest()
        self.seq += 1
        name = f"{self.seq:06d}-{at:%Y%m%dT%H%M%S%fZ}-{digest[:12]}.gz"
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(gzip.compress(data, compresslevel=6, mtime=0))
        os.replace(temporary, self.directory / name)
        line = {
            "seq": self.seq,
            "file": name,
            "fetched_at": at.isoformat(),
            "source": redact(source),
            "sha256": digest,
            "bytes": len(data),
            "content_type": content_type,
        }
        with open(self.directory / INDEX, "a", encoding="utf-8") as index:
            index.write(json.dumps(line, sort_keys=True) + "\n")
            index.flush()
            os.fsync(index.fileno())
        return Recorded(
            seq=self.seq,
            fetched_at=at,
            source=redact(source),
            sha256=digest,
            data=data,
            content_type=content_type,
        )


def _index_lines(directory: Path) -> Iterator[tuple[int, dict[str, object]]]:
    path = directory / INDEX
    if not path.exists():
        return
    with open(path, encoding="utf-8") as index:
        for number, line in enumerate(index, start=1):
            if line.strip():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError as err:
                    raise FeedFormatError(
                        f"broken index line: {err}", source=str(path), line=number
                    ) from None
                if not isinstance(entry, dict):
                    raise FeedFormatError(
                        "index line is not an object", source=str(path), line=number
                    )
                yield number, entry


def replay(directory: str | Path) -> Iterator[Recorded]:
    """The recorded payloads in arrival order, each checked against its sha256."""
    root = Path(directory)
    if not (root / INDEX).exists():
        raise FeedError(f"no {INDEX} here; not a racedesk recording", source=str(root))
    for number, entry in _index_lines(root):
        try:
            name = str(entry["file"])
            if "/" in name or "\\" in name or name.startswith("."):
                raise ValueError(f"bad file name {name!r}")
            data = gzip.decompress((root / name).read_bytes())
            fetched_at = datetime.fromisoformat(str(entry["fetched_at"]))
            seq, sha = int(str(entry["seq"])), str(entry["sha256"])
        except (KeyError, ValueError, OSError, EOFError, gzip.BadGzipFile) as err:
            raise FeedFormatError(
                f"unreadable recorded payload: {err}", source=str(root / INDEX), line=number
            ) from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise FeedFormatError(
                f"payload {name} does not match its sha256", source=str(root), line=number
            )
        yield Recorded(
            seq=seq,
            fetched_at=fetched_at,
            source=str(entry.get("source", "")),
            sha256=sha,
            data=data,
            content_type=str(entry.get("content_type", "")),
        )
