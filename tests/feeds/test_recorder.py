"""Recording raw payloads (gzip, fetch time, sha256) and replaying them byte for byte."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from racedesk.errors import FeedError, FeedFormatError
from racedesk.feeds.recorder import INDEX, Recorder, replay

from ._samples import EXAMPLES

T0 = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)


def test_record_and_replay_byte_for_byte(tmp_path: Path) -> None:
    payloads = [(EXAMPLES / n).read_bytes() for n in sorted(p.name for p in EXAMPLES.iterdir())]
    payloads.append(b"\x00\xffbinary")
    recorder = Recorder(tmp_path / "night")
    for i, data in enumerate(payloads):
        recorder.record(
            data,
            source="https://h/p?apiKey=SECRET",
            fetched_at=T0 + timedelta(seconds=i),
            content_type="application/json",
        )
    again = Recorder(tmp_path / "night")  # resumes numbering
    again.record(b"late", source="file.json", fetched_at=T0 + timedelta(hours=1))
    replayed = list(replay(tmp_path / "night"))
    assert [r.data for r in replayed] == [*payloads, b"late"]
    assert [r.seq for r in replayed] == list(range(1, len(payloads) + 2))
    assert replayed[1].fetched_at == T0 + timedelta(seconds=1)
    assert all("SECRET" not in r.source for r in replayed)
    files = sorted((tmp_path / "night").glob("*.gz"))
    assert len(files) == len(payloads) + 1
    assert gzip.decompress(files[0].read_bytes()) == payloads[0]
    assert sum(f.stat().st_size for f in files[:4]) < sum(len(p) for p in payloads[:4])
    assert "SECRET" not in (tmp_path / "night" / INDEX).read_text()


def test_replay_refuses_tampering_and_non_recordings(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path)
    recorder.record(b"payload", source="x", fetched_at=T0)
    (gz,) = tmp_path.glob("*.gz")
    gz.write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(FeedFormatError, match="does not match its sha256"):
        list(replay(tmp_path))
    gz.write_bytes(b"not gzip")
    with pytest.raises(FeedFormatError, match="unreadable recorded payload"):
        list(replay(tmp_path))
    with pytest.raises(FeedError, match="not a racedesk recording"):
        list(replay(tmp_path / "elsewhere"))
    (tmp_path / INDEX).write_text(json.dumps({"seq": 1, "file": "../etc/passwd"}) + "\n")
    with pytest.raises(FeedFormatError, match="bad file name"):
        list(replay(tmp_path))
    with pytest.raises(ValueError, match="timezone-aware"):
        recorder.record(b"x", source="x", fetched_at=datetime(2024, 11, 6))
