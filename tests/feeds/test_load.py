"""Payload -> store batches and race flags (feeds/load.py); choosing a reader (feeds/sources.py)."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from racedesk.domain.contests import Party
from racedesk.errors import FeedFormatError
from racedesk.feeds import registry
from racedesk.feeds.load import payload_batches, race_flags
from racedesk.feeds.sources import choose_reader, count_source, local_files, peek
from racedesk.feeds.stream import StreamFormat

from ._samples import EXAMPLES, FEEDS, SAMPLES

AK_2012 = FEEDS / "ap_elections_api_json" / "20121106_ak_prez.json"
AP_2015 = FEEDS / "ap_elections_api_json" / "20151103_national.json"


def count_rows(updates: object) -> Counter[tuple[object, ...]]:
    return Counter(
        (u.at, u.contest, u.unit, u.candidate, u.mode.value, u.votes, u.expected_votes, u.source)
        for u in updates  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("path", list(SAMPLES), ids=lambda p: p.name)
def test_batches_hold_exactly_the_payload_counts_one_batch_per_instant(path: Path) -> None:
    payload = registry.parse(path.read_bytes(), source=path.name)
    batches = payload_batches(payload)
    assert sum(len(b) for b in batches) == len(payload)
    assert [b.at for b in batches] == sorted({c.at for c in payload.iter_counts()})
    rows = Counter[tuple[object, ...]]()
    for batch in batches:
        rows += count_rows(batch.updates())
    assert rows == count_rows(payload.iter_counts())


def test_ap_units_stamped_at_different_times_give_batches_in_time_order() -> None:
    payload = registry.parse(AP_2015.read_bytes(), source="ap.json")
    batches = payload_batches(payload, source="ap-feed")
    assert len(batches) == len(payload.table.times) == 64
    instants = [b.at for b in batches]
    assert instants == sorted(instants) and len(set(instants)) == 64
    assert {s for b in batches for s in b.source.tolist()} == {"ap-feed"}
    assert all(b.at.tzinfo is not None for b in batches)


def test_an_empty_payload_has_no_batches() -> None:
    initialization = FEEDS / "ap_elections_api_json" / "20151103_national_initialization.json"
    payload = registry.parse(initialization.read_bytes(), source="init.json")
    assert payload.contests and payload_batches(payload) == ()


def test_an_ap_winner_flag_becomes_a_flag_with_the_winners_party_and_election_year() -> None:
    payload = registry.parse(AK_2012.read_bytes(), source="ak.json")
    (flag,) = race_flags(payload)
    assert (flag.caller, flag.race, flag.year, flag.party, flag.test) == (
        "AP",
        "AK",
        2012,  # the election's year, not the year of lastUpdated (2016)
        Party.GOP,
        False,
    )
    assert flag.winner == "ap-893" and flag.at == datetime(2016, 6, 24, 18, 24, 19, tzinfo=UTC)


def test_a_presidential_race_with_counts_and_no_flag_is_an_uncalled_flag() -> None:
    doc = json.loads(AK_2012.read_bytes())
    for unit in doc["races"][0]["reportingUnits"]:
        for candidate in unit["candidates"]:
            candidate.pop("winner", None)
    payload = registry.parse(json.dumps(doc).encode(), source="ak.json")
    (flag,) = race_flags(payload)
    assert (flag.race, flag.winner, flag.party) == ("AK", None, None)
    assert flag.at == datetime(2016, 6, 24, 18, 24, 19, tzinfo=UTC)
    doc["races"][0]["reportingUnits"] = doc["races"][0]["reportingUnits"][1:]  # counties only
    assert race_flags(registry.parse(json.dumps(doc).encode(), source="ak.json")) == ()


def test_calls_outside_the_presidency_have_no_race_and_other_feeds_no_flags() -> None:
    flags = race_flags(registry.parse(AP_2015.read_bytes(), source="ap.json"))
    assert len(flags) == 5 and all(f.race is None and f.winner for f in flags)
    clarity = registry.parse(
        (EXAMPLES / "clarity_detail_county_level.xml").read_bytes(), source="c"
    )
    assert race_flags(clarity) == ()


STREAM_CSV = b"timestamp,contest,unit,candidate,mode,votes\n2024-11-06T01:00:00Z,a,b,c,total,1\n"
STREAM_JSONL = (
    b'{"timestamp":"2024-11-06T01:00:00Z","contest":"2024-president-PA","unit":"42003",'
    b'"candidate":"dem","mode":"total","votes":1}\n'
)


def test_choose_reader_prefers_a_stream_header_then_the_adapters() -> None:
    assert choose_reader(STREAM_CSV, "x.csv").stream_format is StreamFormat.CSV
    assert choose_reader(STREAM_JSONL, "<stdin>").stream_format is StreamFormat.JSONL
    assert choose_reader(STREAM_CSV, "x", jsonl=True).stream_format is StreamFormat.JSONL
    assert choose_reader(AK_2012.read_bytes(), "ak.json").adapter == "ap"
    csv_feed = (
        Path(__file__).parents[1] / "fixtures/csv/2024-11-05_PA_county_modes.csv"
    ).read_bytes()
    assert choose_reader(csv_feed, "pa.csv").adapter == "csv"
    assert choose_reader(AK_2012.read_bytes(), "ak.json", "nist-json").adapter == "nist-json"
    assert choose_reader(b"anything", "x.txt", "stream").stream_format is StreamFormat.CSV


def test_choose_reader_falls_back_to_the_stream_for_csv_and_stdin_and_fails_otherwise() -> None:
    assert choose_reader(b"time,votes\n", "night.csv").stream_format is StreamFormat.CSV
    assert choose_reader(b"garbage", "<stdin>").stream_format is StreamFormat.CSV
    with pytest.raises(FeedFormatError, match="cannot tell the feed format") as info:
        choose_reader(b"<html>hello</html>", "https://results.example/page")
    assert info.value.source == "https://results.example/page"


def test_peek_gives_back_the_head_of_a_stream_that_cannot_seek() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            chunk = self.data.read(min(len(buffer), 7))  # short reads, like a pipe
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = b"".join(b"line %d\n" % i for i in range(20_000))
    head, handle = peek(io.BufferedReader(Pipe(data)), size=100)
    assert data.startswith(head) and 0 < len(head) <= 100
    assert handle.readline() == b"line 0\n"
    assert b"line 0\n" + handle.read() == data


def test_sources_name_files_in_order_and_redact_urls(tmp_path: Path) -> None:
    for name in ("b.json", "a.xml", ".hidden", "c.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in local_files(tmp_path)] == ["a.xml", "b.json", "c.csv"]
    assert (
        count_source("https://x.example/r?apiKey=SECRET&a=1")
        == "https://x.example/r?apiKey=***&a=1"
    )
    assert count_source(str(tmp_path / "a.xml")) == "a.xml"
