"""``racedesk demo``: the main job, end to end on the real 2024 results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from racedesk.cli import cli
from racedesk.store.ledger import Ledger
from racedesk.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def night_2024(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> tuple[list, Path]:
    folder = tmp_path_factory.mktemp("demo")
    store = folder / "night.sqlite"
    plot = folder / "night.png"
    args = ["demo", "--year", "2024", "--seed", "2", "--json", "--store", str(store)]
    result = CliRunner().invoke(cli, [*args, "--plot", str(plot), "--data", str(data_dir)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    return events, folder


def test_summary_is_the_certified_result_with_no_wrong_call(night_2024: tuple) -> None:
    events, _ = night_2024
    summary = events[-1]
    assert summary["type"] == "summary"
    assert summary["electoral_votes"]["gop"] == 312 and summary["electoral_votes"]["dem"] == 226
    assert summary["president_elect"] == "Donald Trump"
    assert summary["wrong_calls"] == 0 and summary["retractions"] == []
    for call in summary["calls"]:
        assert call["winner"] == call["final_winner"], call
        assert set(call) >= {"race", "winner", "called_at", "share_counted", "final_winner"}
    assert len(summary["calls"]) == 56
    assert [m["key"] for m in summary["calendar"]][-1] == "inauguration"


def test_events_are_ordered_and_calls_come_after_poll_close(night_2024: tuple) -> None:
    events, _ = night_2024
    assert events[0]["type"] == "start"
    cycles = [e for e in events if e["type"] == "cycle"]
    assert [c["cycle"] for c in cycles] == list(range(1, len(cycles) + 1))
    assert [c["at"] for c in cycles] == sorted(c["at"] for c in cycles)
    shares = [c["share_counted"] for c in cycles]
    assert shares[-1] > 0.99
    declared = [e for e in events if e["type"] == "president_elect"]
    assert len(declared) == 1 and declared[0]["winner"] == "gop"
    assert declared[0]["at"] == events[-1]["declared_at"]
    # Vermont closes at 7 pm ET (00:00Z): no call before.
    vt = next(e for e in events if e["type"] == "call" and e["race"] == "VT")
    assert vt["at"] >= "2024-11-06T00:00:00Z"


def test_the_night_is_kept_in_the_store(night_2024: tuple) -> None:
    _, folder = night_2024
    path = folder / "night.sqlite"
    with SQLiteStore(path, create=False) as store:
        assert store.stats().updates > 50_000
    with Ledger(path) as ledger:
        calls = ledger.events(year=2024, kinds=["called"])
        assert len(calls) == 56 and all(event.actor == "racedesk" for event in calls)
        assert len(ledger.events(year=2024, kinds=["president_elect"])) == 1
    assert (folder / "night.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_existing_store_is_not_overwritten(tmp_path: Path, data_dir: Path) -> None:
    existing = tmp_path / "keep.sqlite"
    existing.write_bytes(b"precious")
    result = CliRunner().invoke(
        cli, ["demo", "--store", str(existing), "--data", str(data_dir), "--json"]
    )
    assert result.exit_code == 1
    assert "exists" in result.stderr
    assert existing.read_bytes() == b"precious"
