"""``racedesk ingest`` on real feeds (files, directories, stdin, URLs, --watch, --record) and
``racedesk replay``, through the real command line. No network: URLs are answered by
``httpx.MockTransport`` (handed in as the context object) or by a server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from feedkit import HARRIS, TRUMP, ap_payload, local_server

from racedesk.cli import cli
from racedesk.cli.ingest_watch import NetworkHooks
from racedesk.feeds import registry
from racedesk.feeds.recorder import replay as recorded
from racedesk.settings import resolve_data_dir
from racedesk.store import columns as col
from racedesk.store.ledger import Ledger
from racedesk.store.sqlite import SQLiteStore

URL = "https://results.example/v2/elections/2024-11-05?apiKey=SECRET"
SHOWN = "https://results.example/v2/elections/2024-11-05?apiKey=***"
SAMPLES = sorted(p for p in (resolve_data_dir() / "feeds").rglob("*") if p.is_file())


@pytest.fixture
def runner(clean_environ: None) -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, hooks: NetworkHooks | None = None, **kw: object) -> Result:
    return runner.invoke(cli, ["ingest", *args], obj=hooks, **kw)  # type: ignore[arg-type]


def store_counts(path: Path) -> dict[tuple[str, str, str, str], tuple[int, int | None]]:
    with SQLiteStore(path, create=False) as store:
        frame = store.latest()
    expected = [None if pd.isna(value) else int(value) for value in frame[col.EXPECTED_VOTES]]
    return {
        (row[0], row[1], row[2], row[3]): (int(row[4]), row[5])
        for row in zip(
            frame[col.CONTEST],
            frame[col.UNIT],
            frame[col.CANDIDATE],
            frame[col.MODE],
            frame[col.VOTES],
            expected,
            strict=True,
        )
    }


def unit_votes(path: Path, unit: str = "PA") -> list[tuple[str, int, bool]]:
    with SQLiteStore(path, create=False) as store:
        frame = store.history(unit)
    return list(zip(frame[col.CANDIDATE], frame[col.VOTES], frame[col.CORRECTION], strict=True))


# -- round trip ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_sample_ingests_and_every_count_in_the_store_is_the_payloads(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    result = run(runner, str(sample), "--store", str(store), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    payload = registry.parse(sample.read_bytes(), source=sample.name)
    wanted = {
        (c.contest, c.unit, c.candidate, c.mode.value): (c.votes, c.expected_votes)
        for c in payload.iter_counts()
    }
    assert summary["payloads"] == 1 and summary["formats"] == {payload.format: 1}
    assert summary["updates"] == len(wanted) == len(payload)
    assert summary["batches"] == len({c.at for c in payload.iter_counts()})
    if wanted:
        assert store_counts(store) == wanted
    with SQLiteStore(store) as opened:
        assert set(opened.latest()[col.SOURCE]) <= {sample.name}
    kinds = {kind: sum(u.kind == kind for u in payload.unmapped) for kind in summary["unmapped"]}
    assert summary["unmapped"] == kinds


def test_unmapped_units_are_reported_in_the_summary(runner: CliRunner, tmp_path: Path) -> None:
    sample = resolve_data_dir() / "feeds/ap_elections_api_json/20160305_me_no_townships.json"
    result = run(runner, str(sample), "--store", str(tmp_path / "s.sqlite"), "--json")
    summary = json.loads(result.stdout)
    assert summary["unmapped"]["unit"] == 1
    (item,) = summary["unmapped_items"]
    assert item["kind"] == "unit" and item["kept_as"]
    assert f"unmapped unit {item['feed_id']!r}" in result.stderr
    table = run(runner, str(sample), "--store", str(tmp_path / "s.sqlite")).stdout
    assert "unmapped 1 units, 0 candidates" in table and "3,473 duplicates" in table


# -- directories, stdin, corrections, bad payloads ------------------------------------------------


@pytest.fixture
def night(tmp_path: Path) -> Path:
    folder = tmp_path / "night"
    folder.mkdir()
    (folder / "01.json").write_bytes(ap_payload(1000, 900, at="2024-11-06T02:00:00Z"))
    (folder / "02.json").write_bytes(ap_payload(1500, 850, at="2024-11-06T02:10:00Z"))
    return folder


def test_a_directory_is_ingested_in_name_order_and_lower_counts_are_corrections(
    runner: CliRunner, night: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    result = run(runner, str(night), "--store", str(store), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["payloads"], summary["updates"], summary["corrections"]) == (2, 8, 1)
    assert unit_votes(store) == [
        (HARRIS, 1000, False),
        (TRUMP, 900, False),
        (HARRIS, 1500, False),
        (TRUMP, 850, True),
    ]
    with SQLiteStore(store) as opened:
        corrections = opened.corrections()
    assert corrections[[col.UNIT, col.CANDIDATE, col.VOTES]].values.tolist() == [["PA", TRUMP, 850]]
    assert corrections[col.PREVIOUS].tolist() == [900]


def test_a_feed_on_stdin_is_detected(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    result = run(runner, "-", "--store", str(store), input=ap_payload(7, 6))
    assert result.exit_code == 0, result.output
    assert "4 updates stored" in result.stdout and "1 payloads stored" in result.stdout
    with SQLiteStore(store) as opened:
        assert set(opened.latest()[col.SOURCE]) == {"<stdin>"}


def test_a_malformed_payload_stores_nothing_and_leaves_earlier_data(
    runner: CliRunner, night: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    assert run(runner, str(night / "01.json"), "--store", str(store)).exit_code == 0
    before = store_counts(store)
    truncated = tmp_path / "cut.json"
    truncated.write_bytes(ap_payload(5000, 4000, at="2024-11-06T03:00:00Z")[:-40])
    result = run(runner, str(truncated), "--store", str(store))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"racedesk: error: {truncated}" in result.stderr and "malformed AP JSON" in result.stderr
    assert store_counts(store) == before


def test_skip_bad_goes_past_a_bad_file_in_a_directory(
    runner: CliRunner, night: Path, tmp_path: Path
) -> None:
    (night / "015.xml").write_bytes(b"<ElectionResult><Timestamp>never closed")
    store = tmp_path / "s.sqlite"
    stopped = run(runner, str(night), "--store", str(store))
    assert stopped.exit_code == 1
    assert "stopped at 015.xml (file 2 of 3); the 1 payloads before it are stored" in stopped.stderr
    assert len(unit_votes(store)) == 2
    result = run(runner, str(night), "--store", str(store), "--skip-bad", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["payloads"], summary["rejected_payloads"]) == (2, 1)
    assert summary["rejected"][0]["source"] == str(night / "015.xml")
    assert "racedesk: rejected:" in result.stderr
    assert len(unit_votes(store)) == 4


def test_the_wrong_format_named_is_an_error_naming_the_file(
    runner: CliRunner, night: Path, tmp_path: Path
) -> None:
    result = run(
        runner, str(night / "01.json"), "--store", str(tmp_path / "s"), "--format", "clarity"
    )
    assert result.exit_code == 1 and f"{night / '01.json'}" in result.stderr
    assert run(runner, str(night), "--watch", "5").exit_code == 2  # --watch needs a URL
    assert run(runner, str(tmp_path / "missing.json")).exit_code == 2


# -- URLs: one fetch -----------------------------------------------------------------------------


def answer(kind: str) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if kind == "500":
            return httpx.Response(500, text="Internal Server Error")
        if kind == "hang":
            raise httpx.ReadTimeout("timed out", request=request)
        if kind == "html":
            return httpx.Response(200, text="<!DOCTYPE html><title>Log in</title>")
        return httpx.Response(200, content=ap_payload(10, 9), headers={"etag": '"1"'})

    return handler


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("500", "answered HTTP 500"),
        ("hang", "no answer within 10 s"),
        ("html", "answered an HTML page"),
    ],
)
def test_a_bad_url_is_one_error_naming_it(
    runner: CliRunner, tmp_path: Path, kind: str, message: str
) -> None:
    hooks = NetworkHooks(transport=httpx.MockTransport(answer(kind)))
    result = run(runner, URL, "--store", str(tmp_path / "s.sqlite"), hooks=hooks)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"racedesk: error: {SHOWN}: {message}") and "retry" not in line
    assert "SECRET" not in result.output


def test_a_url_is_fetched_once_into_the_store(runner: CliRunner, tmp_path: Path) -> None:
    hooks = NetworkHooks(transport=httpx.MockTransport(answer("ok")))
    store = tmp_path / "s.sqlite"
    result = run(runner, URL, "--store", str(store), "--json", hooks=hooks)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["fetched"], summary["updates"], summary["source"]) == (1, 4, SHOWN)
    with SQLiteStore(store) as opened:
        assert set(opened.latest()[col.SOURCE]) == {SHOWN}


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/results.json"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_url_that_really_hangs_times_out(
    runner: CliRunner, tmp_path: Path, silent_server: str
) -> None:
    result = run(runner, silent_server, "--timeout", "0.3", "--store", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"racedesk: error: {silent_server}: no answer within 0.3 s"


# -- URLs: --watch ---------------------------------------------------------------------------------


def night_handler() -> tuple[Callable[[httpx.Request], httpx.Response], list[dict[str, str]]]:
    """A feed that misbehaves between good payloads; the second good one lowers a count."""
    script = iter(
        [
            ("ok", ap_payload(1000, 900, at="2024-11-06T02:00:00Z"), '"a"'),
            ("500", b"", ""),
            ("hang", b"", ""),
            ("html", b"", ""),
            ("ok", b'{"races": [{"raceID": ', '"b"'),  # truncated: reported, not stored
            ("same", b"", '"b"'),
            ("ok", ap_payload(1500, 850, at="2024-11-06T02:10:00Z"), '"c"'),
        ]
    )
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        kind, body, tag = next(script)
        if kind in ("500", "hang", "html"):
            return answer(kind)(request)
        if kind == "same" and request.headers.get("if-none-match") == tag:
            return httpx.Response(304)
        return httpx.Response(200, content=body, headers={"etag": tag})

    return handler, seen


def test_watch_reports_every_bad_answer_and_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    handler, seen = night_handler()
    waits: list[float] = []
    hooks = NetworkHooks(transport=httpx.MockTransport(handler), sleep=waits.append)
    store, recording = tmp_path / "s.sqlite", tmp_path / "rec"
    args = [
        URL,
        "--store",
        str(store),
        "--watch",
        "2",
        "--max-polls",
        "7",
        "--record",
        str(recording),
    ]
    result = run(runner, *args, "--json", hooks=hooks)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["fetched"], summary["fetch_errors"], summary["rejected_payloads"]) == (3, 3, 1)
    assert (summary["payloads"], summary["corrections"]) == (2, 1)
    assert waits == [2, 4, 8, 16, 2, 2]  # back-off on errors, reset after a success
    assert seen[5]["if-none-match"] == '"b"'
    for message in ("answered HTTP 500", "no answer within 10 s", "answered an HTML page"):
        assert f"racedesk: unavailable: {SHOWN}: {message}" in result.stderr
    assert f"racedesk: rejected: {SHOWN}" in result.stderr and "malformed AP JSON" in result.stderr
    assert unit_votes(store)[-1] == (TRUMP, 850, True)
    assert [r.data[:12] for r in recorded(recording)] == [
        ap_payload(1000, 900)[:12],
        b'{"races": [{',
        ap_payload(1500, 850)[:12],
    ]


def test_replay_rebuilds_the_watched_store_from_the_recording(
    runner: CliRunner, tmp_path: Path
) -> None:
    handler, _ = night_handler()
    hooks = NetworkHooks(transport=httpx.MockTransport(handler), sleep=lambda _: None)
    live, recording = tmp_path / "live.sqlite", tmp_path / "rec"
    args = [
        URL,
        "--store",
        str(live),
        "--watch",
        "1",
        "--max-polls",
        "7",
        "--record",
        str(recording),
    ]
    assert run(runner, *args, hooks=hooks).exit_code == 0
    replayed = tmp_path / "replayed.sqlite"
    result = runner.invoke(
        cli, ["replay", "--recorded", str(recording), "--store", str(replayed), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["payloads"], summary["rejected_payloads"], summary["corrections"]) == (2, 1, 1)
    assert store_counts(replayed) == store_counts(live)
    assert unit_votes(replayed) == unit_votes(live)
    with SQLiteStore(replayed) as opened:
        arrived = sorted(set(opened.history("PA")[col.INGESTED_AT]))
    assert [a.to_pydatetime() for a in arrived] == [
        r.fetched_at for r in recorded(recording) if not r.data.startswith(b'{"races": [{"raceID')
    ]


def test_ctrl_c_stops_the_watch_cleanly_with_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    calls = iter([None, KeyboardInterrupt()])

    def sleep(_: float) -> None:
        error = next(calls)
        if error is not None:
            raise error

    version = iter(range(100))

    def handler(request: httpx.Request) -> httpx.Response:
        n = next(version)
        at = f"2024-11-06T02:{n:02d}:00Z"
        return httpx.Response(
            200, content=ap_payload(100 + n, 90, at=at), headers={"etag": f'"{n}"'}
        )

    hooks = NetworkHooks(transport=httpx.MockTransport(handler), sleep=sleep)
    store = tmp_path / "s.sqlite"
    result = run(runner, URL, "--store", str(store), "--watch", "30", "--json", hooks=hooks)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["interrupted"] is True and summary["payloads"] == 2
    assert "stopped (Ctrl-C)" in result.stderr
    assert [v for _, v, _ in unit_votes(store)] == [100, 90, 101, 90]


def test_a_watched_payload_reaches_the_store_within_a_second(
    runner: CliRunner, tmp_path: Path
) -> None:
    def body(version: int) -> bytes:
        return ap_payload(1000 + version, 900, at=f"2024-11-06T02:{version:02d}:00Z")

    store = tmp_path / "s.sqlite"
    with local_server(body) as (url, served):
        result = run(
            runner, url, "--store", str(store), "--watch", "0.05", "--max-polls", "5", "--json"
        )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["payloads"] == 5 and summary["latency_max_seconds"] < 1.0
    with SQLiteStore(store) as opened:
        history = opened.history("PA")
    stored = {
        at.to_pydatetime(): arrived.to_pydatetime()
        for at, arrived in zip(history[col.AT], history[col.INGESTED_AT], strict=True)
    }
    assert len(served.times) == 5
    for version, sent in served.times:
        arrived = stored[datetime(2024, 11, 6, 2, version, tzinfo=UTC)]
        assert timedelta(0) <= arrived - sent < timedelta(seconds=1)


# -- external calls ------------------------------------------------------------------------------


def calls_in(store: Path) -> list[tuple[str, str | None, str, str, str]]:
    with Ledger(store) as ledger:
        return [
            (e.kind, e.race, e.actor, e.payload["winner"], e.at.isoformat())
            for e in ledger.events(kinds=["external_call", "external_retraction"])
        ]


def test_ap_winner_flags_are_recorded_once_changed_and_withdrawn(
    runner: CliRunner, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    feed = tmp_path / "ap.json"

    def ingest(payload: bytes) -> dict[str, object]:
        feed.write_bytes(payload)
        result = run(runner, str(feed), "--store", str(store), "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    first = ingest(ap_payload(1000, 1200, at="2024-11-06T04:00:00Z", winner="gop"))
    assert (first["external_calls"], first["external_flags_seen"]) == (1, 1)
    again = ingest(ap_payload(1000, 1200, at="2024-11-06T04:00:00Z", winner="gop"))
    assert (again["external_calls"], again["external_flags_seen"]) == (0, 1)
    changed = ingest(ap_payload(1300, 1200, at="2024-11-06T05:00:00Z", winner="dem"))
    assert (changed["external_retractions"], changed["external_calls"]) == (1, 1)
    ingest(ap_payload(1300, 1250, at="2024-11-06T06:00:00Z"))
    ignored = ingest(ap_payload(1, 2, at="2024-11-06T07:00:00Z", winner="gop", test=True))
    assert (ignored["external_calls"], ignored["external_flags_ignored"]) == (0, 1)
    assert calls_in(store) == [
        ("external_call", "PA", "AP", "gop", "2024-11-06T04:00:00+00:00"),
        ("external_retraction", "PA", "AP", "gop", "2024-11-06T05:00:00+00:00"),
        ("external_call", "PA", "AP", "dem", "2024-11-06T05:00:00+00:00"),
        ("external_retraction", "PA", "AP", "dem", "2024-11-06T06:00:00+00:00"),
    ]
    with Ledger(store) as ledger:
        event = ledger.events(kinds=["external_call"])[0]
    assert event.year == 2024 and event.payload["source"] == "ap.json"


def test_a_recorded_stream_file_replays_to_the_same_store(
    runner: CliRunner, tmp_path: Path
) -> None:
    stream = tmp_path / "night.csv"
    stream.write_text(
        "timestamp,contest,unit,candidate,mode,votes\n"
        "2024-11-06T01:00:00Z,2024-president-PA,42003,dem,total,100\n"
        "2024-11-06T01:05:00Z,2024-president-PA,42003,dem,total,90\n"
    )
    live, recording = tmp_path / "live.sqlite", tmp_path / "rec"
    result = run(runner, str(stream), "--store", str(live), "--record", str(recording))
    assert result.exit_code == 0, result.output
    (entry,) = recorded(recording)
    assert entry.data == stream.read_bytes() and entry.source == str(stream)
    replayed = tmp_path / "replayed.sqlite"
    again = runner.invoke(cli, ["replay", "--recorded", str(recording), "--store", str(replayed)])
    assert again.exit_code == 0, again.output
    assert "2 updates stored" in again.stdout and "1 corrections" in again.stdout
    assert store_counts(replayed) == store_counts(live)
    with SQLiteStore(replayed) as opened:
        assert set(opened.latest()[col.SOURCE]) == {"night.csv"}


def test_the_ap_key_travels_in_a_header_to_ap_hosts_only(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AP_API_KEY", "K3Y")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=ap_payload(1, 2))

    hooks = NetworkHooks(transport=httpx.MockTransport(handler))
    store = str(tmp_path / "s.sqlite")
    ap_url = "https://api.ap.org/v2/elections/2024-11-05?format=json"
    assert run(runner, ap_url, "--store", store, hooks=hooks).exit_code == 0
    other = "https://results.example/feed.json"
    assert (
        run(runner, other, "--store", store, "--header", "X-Token: abc", hooks=hooks).exit_code == 0
    )
    assert seen[0].headers["x-api-key"] == "K3Y" and "K3Y" not in str(seen[0].url)
    assert "x-api-key" not in seen[1].headers and seen[1].headers["x-token"] == "abc"
    bad = run(runner, other, "--store", store, "--header", "no colon", hooks=hooks)
    assert bad.exit_code == 1 and "'Name: value'" in bad.stderr
