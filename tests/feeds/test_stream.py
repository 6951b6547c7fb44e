"""The results stream: CSV and JSON Lines round trips, batching, and every bad-input case."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from count_strategies import streams
from racedesk.domain.counts import CountUpdate, VoteMode
from racedesk.domain.ids import CandidateId, ContestId, UnitId
from racedesk.errors import FeedFormatError
from racedesk.feeds.batch import CountBatch, batches_from_updates
from racedesk.feeds.stream import (
    RejectedBatch,
    StreamFormat,
    read_stream,
    read_stream_checked,
    stream_format,
    write_stream,
)

HEADER = "timestamp,contest,unit,candidate,mode,votes,expected_votes,source\n"
T0 = "2024-11-06T01:00:00Z"
T1 = "2024-11-06T01:05:00Z"
T2 = "2024-11-06T01:10:00Z"


def csv_bytes(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO((header + "".join(row + "\n" for row in rows)).encode())


def good(at: str = T0, unit: str = "42003", candidate: str = "dem", votes: str = "10") -> str:
    return f"{at},2024-president-PA,{unit},{candidate},total,{votes},,"


def roundtrip(batches: list[CountBatch], fmt: StreamFormat, chunk_rows: int) -> list[CountBatch]:
    text = io.StringIO()
    write_stream(batches, text, format=fmt)
    data = io.BytesIO(text.getvalue().encode())
    return list(read_stream(data, format=fmt, name="mem", chunk_rows=chunk_rows))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=streams())
@pytest.mark.parametrize("fmt", list(StreamFormat))
def test_stream_round_trips(fmt: StreamFormat, batches: list[CountBatch]) -> None:
    for chunk_rows in (3, 65536):  # batches cut across chunks come out whole
        back = roundtrip(batches, fmt, chunk_rows)
        assert len(back) == len(batches)
        for original, read in zip(batches, back, strict=True):
            assert read.equals(original)


def test_batches_and_updates_convert_both_ways() -> None:
    at = datetime(2024, 11, 6, 1, tzinfo=UTC)
    updates = [
        CountUpdate(
            at=at + timedelta(minutes=i // 2),
            contest=ContestId("2024-president-NE-02"),
            unit=UnitId("NE-02"),
            candidate=CandidateId("dem" if i % 2 else "gop"),
            mode=VoteMode.MAIL,
            votes=100 + i,
            expected_votes=None if i else 5000,
            source="ap",
        )
        for i in range(4)
    ]
    batches = list(batches_from_updates(updates))
    assert [len(b) for b in batches] == [2, 2]
    assert [u for b in batches for u in b.updates()] == updates


def test_rows_sharing_a_timestamp_are_one_batch_whatever_its_spelling() -> None:
    stream = csv_bytes(
        good(T0, candidate="dem"),
        good("2024-11-05T20:00:00-05:00", candidate="gop"),  # the same instant
        good(T1),
    )
    batches = list(read_stream(stream, name="x.csv"))
    assert [len(b) for b in batches] == [2, 1]
    assert batches[0].at == datetime(2024, 11, 6, 1, tzinfo=UTC)


def test_empty_source_takes_the_default_and_expected_is_optional() -> None:
    stream = csv_bytes(f"{T0},2024-president-PA,42003,dem,total,10,500,", good(T0, candidate="x"))
    (batch,) = read_stream(stream, name="x.csv", default_source="night.csv")
    assert batch.source.tolist() == ["night.csv", "night.csv"]
    assert batch.expected_votes.tolist() == [500, -1]


def test_optional_columns_may_be_absent_and_columns_reordered() -> None:
    header = "votes,mode,candidate,unit,contest,timestamp\n"
    stream = csv_bytes(f"7,early,dem,AK-HD01,2024-president-AK,{T0}", header=header)
    (batch,) = read_stream(stream, name="x.csv")
    assert (batch.unit.tolist(), batch.votes.tolist(), batch.mode.tolist()) == (
        ["AK-HD01"],
        [7],
        ["early"],
    )


def test_format_by_extension() -> None:
    assert stream_format("a/night.jsonl") == StreamFormat.JSONL
    assert stream_format("night.ndjson") == StreamFormat.JSONL
    assert stream_format("night.csv") == StreamFormat.CSV


# -- bad input: each refused with file, line and field -------------------------------------------


BAD_ROWS = [
    (good(unit="ABCDE"), "unit", "unknown unit 'ABCDE'"),
    (good(unit="4200"), "unit", "unknown unit"),
    (good(unit="06001"), "unit", "not in the contest's state"),  # a California county in PA
    (good(unit="ZZ-1"), "unit", "unknown unit"),
    (good(votes="-5"), "votes", "negative count -5"),
    (good(votes="1.5"), "votes", "not a whole number"),
    (good(votes=""), "votes", "missing votes"),
    (f"{T0},2024-president-PA,42003,dem,total,5,-3,", "expected_votes", "negative count -3"),
    (good(at="yesterday"), "timestamp", "unreadable timestamp 'yesterday'"),
    (good(at="2024-11-06T01:00:00"), "timestamp", "unreadable timestamp"),  # no offset
    (f"{T0},2024-president-PA,42003,dem,absentee,5,,", "mode", "unknown mode 'absentee'"),
    (f"{T0},2024-potus-PA,42003,dem,total,5,,", "contest", "unknown contest"),
    (f"{T0},2024-president-PA,42003,,total,5,,", "candidate", "missing candidate"),
    (f"{T0},2024-president-PA,42003,dem,total", "votes", "missing votes"),  # short row
    (good() + ",surplus", None, "more fields"),
    (good(), "unit", "repeats a (contest, unit, candidate, mode)"),  # same key as line 2
]


@pytest.mark.parametrize(("row", "field", "message"), BAD_ROWS)
def test_bad_row_refuses_its_batch_naming_file_line_and_field(
    row: str, field: str | None, message: str
) -> None:
    stream = csv_bytes(good(T0), row, good(T1))  # bad row on line 3, in the T0 batch
    items = list(read_stream_checked(stream, name="night.csv"))
    assert isinstance(items[0], RejectedBatch)
    assert (items[0].first_line, items[0].last_line, items[0].rows) == (2, 3, 2)
    (error,) = items[0].errors
    assert (error.source, error.line, error.field) == ("night.csv", 3, field)
    assert message in error.reason
    assert "night.csv, line 3" in str(error)
    assert isinstance(items[1], CountBatch) and items[1].at == datetime(
        2024, 11, 6, 1, 5, tzinfo=UTC
    )


def test_unit_outside_a_known_set_is_refused() -> None:
    stream = csv_bytes(good(unit="42003"), good(unit="42005"))
    items = list(read_stream_checked(stream, name="s.csv", known_units={"42003"}))
    (rejected,) = items
    assert isinstance(rejected, RejectedBatch)
    assert [(e.line, e.field) for e in rejected.errors] == [(3, "unit")]


def test_every_bad_row_of_a_batch_is_reported() -> None:
    stream = csv_bytes(good(votes="-1"), good(candidate="gop"), good(candidate="x", unit="1"))
    (rejected,) = read_stream_checked(stream, name="s.csv")
    assert isinstance(rejected, RejectedBatch)
    assert [(e.line, e.field) for e in rejected.errors] == [(2, "votes"), (4, "unit")]


def test_read_stream_raises_at_the_first_bad_batch_after_the_good_ones() -> None:
    stream = csv_bytes(good(T0), good(T1, votes="x"), good(T2))
    got: list[CountBatch] = []
    with pytest.raises(FeedFormatError) as info:
        got.extend(read_stream(stream, name="s.csv"))
    assert len(got) == 1
    assert (info.value.line, info.value.field) == (3, "votes")


def test_timestamps_going_backwards_are_refused() -> None:
    stream = csv_bytes(good(T1), good(T0), good(T2))
    items = list(read_stream_checked(stream, name="s.csv"))
    assert [type(i).__name__ for i in items] == ["CountBatch", "RejectedBatch", "CountBatch"]
    rejected = items[1]
    assert isinstance(rejected, RejectedBatch)
    assert (rejected.errors[0].line, rejected.errors[0].field) == (3, "timestamp")


@pytest.mark.parametrize("missing", ["timestamp", "unit", "votes", "mode"])
def test_missing_column_is_refused_on_line_1(missing: str) -> None:
    header = ",".join(c for c in HEADER.strip().split(",") if c != missing) + "\n"
    with pytest.raises(FeedFormatError) as info:
        list(read_stream(csv_bytes(header=header), name="s.csv"))
    assert (info.value.source, info.value.line, info.value.field) == ("s.csv", 1, missing)


def test_empty_file_is_refused() -> None:
    with pytest.raises(FeedFormatError, match="empty stream"):
        list(read_stream(io.BytesIO(b""), name="s.csv"))


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    stream = csv_bytes(good(T0), "", good(T1, votes="-2"))
    items = list(read_stream_checked(stream, name="s.csv"))
    rejected = items[1]
    assert isinstance(rejected, RejectedBatch)
    assert rejected.errors[0].line == 4


def jsonl(*records: object) -> io.BytesIO:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def record(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "timestamp": T0,
        "contest": "2024-president-PA",
        "unit": "42003",
        "candidate": "dem",
        "mode": "total",
        "votes": 10,
        "expected_votes": None,
        "source": "ap",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ("{not json", None, "not a JSON object"),
        ("[1, 2]", None, "not a JSON object"),
        (record(votes="10"), "votes", "must be a JSON whole number"),
        (record(votes=1.5), "votes", "must be a JSON whole number"),
        (record(votes=-3), "votes", "negative count -3"),
        (record(unit=...), "unit", "missing field 'unit'"),
        (record(unit=42003), "unit", "must be a JSON string"),
        (record(timestamp="2024-13-01T00:00:00Z"), "timestamp", "unreadable timestamp"),
        (record(mode="absentee"), "mode", "unknown mode"),
    ],
)
def test_jsonl_bad_lines(bad: object, field: str | None, message: str) -> None:
    stream = jsonl(record(candidate="gop"), bad, record(timestamp=T1))
    items = list(read_stream_checked(stream, format=StreamFormat.JSONL, name="n.jsonl"))
    rejected = items[0]
    assert isinstance(rejected, RejectedBatch)
    (error,) = rejected.errors
    assert (error.source, error.line, error.field) == ("n.jsonl", 2, field)
    assert message in error.reason
    assert isinstance(items[-1], CountBatch)


def test_jsonl_files_are_read_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "night.jsonl"
    path.write_bytes(jsonl(record(), "", record(timestamp=T1, votes=12)).getvalue())
    batches = list(read_stream(path))
    assert [b.votes.tolist() for b in batches] == [[10], [12]]
