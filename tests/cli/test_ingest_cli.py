"""``racedesk ingest`` and ``racedesk history`` through the real command line (CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from racedesk.cli import cli
from racedesk.store import columns as col
from racedesk.store.sqlite import SQLiteStore

HEADER = "timestamp,contest,unit,candidate,mode,votes,expected_votes,source\n"
ROWS = [
    "2024-11-06T01:00:00Z,2024-president-PA,42003,dem,total,100,1000,ap",
    "2024-11-06T01:00:00Z,2024-president-PA,42003,gop,total,90,1000,ap",
    "2024-11-06T01:05:00Z,2024-president-PA,42003,dem,total,150,,",  # line 4
    "2024-11-06T01:05:00Z,2024-president-PA,42003,gop,total,-5,,",  # line 5: bad
    "2024-11-06T01:10:00Z,2024-president-PA,42003,dem,total,200,,",
    "2024-11-06T01:10:00Z,2024-president-PA,42003,gop,total,80,,",  # a correction
]


@pytest.fixture
def runner(clean_environ: None) -> CliRunner:
    return CliRunner()


@pytest.fixture
def stream(tmp_path: Path) -> Path:
    path = tmp_path / "night.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n")
    return path


def stored_votes(store: Path) -> list[int]:
    with SQLiteStore(store, create=False) as opened:
        return opened.history("42003")[col.VOTES].tolist()


def test_first_bad_batch_stops_the_ingest_and_keeps_what_came_before(
    runner: CliRunner, stream: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    result = runner.invoke(cli, ["ingest", str(stream), "--store", str(store)])
    assert result.exit_code == 1
    assert f"{stream}, line 5, field 'votes': negative count -5" in result.stderr
    assert "the 1 batches before it are stored" in result.stderr
    assert stored_votes(store) == [100, 90]  # nothing of the bad batch, nothing after it


def test_skip_bad_reports_each_rejected_row_and_goes_on(
    runner: CliRunner, stream: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    args = ["ingest", str(stream), "--store", str(store), "--skip-bad", "--json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["batches"] == 2
    assert (summary["updates"], summary["duplicates"], summary["corrections"]) == (4, 0, 1)
    assert (summary["rejected_batches"], summary["rejected_rows"]) == (1, 2)
    assert summary["rejected"] == [
        {"source": str(stream), "line": 5, "field": "votes", "error": "negative count -5"}
    ]
    assert "rejected:" in result.stderr and "line 5" in result.stderr
    assert stored_votes(store) == [100, 90, 200, 80]
    again = runner.invoke(cli, args)
    assert json.loads(again.stdout)["duplicates"] == 4
    assert stored_votes(store) == [100, 90, 200, 80]


def test_store_from_environment_stdin_and_jsonl(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "env.sqlite"
    monkeypatch.setenv("RACEDESK_STORE", str(store))
    lines = [
        {
            "timestamp": "2024-11-06T01:00:00Z",
            "contest": "2024-president-NE-02",
            "unit": "NE-02",
            "candidate": "dem",
            "mode": "mail",
            "votes": 7,
        }
    ]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    result = runner.invoke(cli, ["ingest", "-", "--jsonl", "--source", "pipe"], input=text)
    assert result.exit_code == 0, result.output
    assert "1 updates stored" in result.stdout
    with SQLiteStore(store, create=False) as opened:
        assert opened.latest()[col.SOURCE].tolist() == ["pipe"]


def test_empty_source_defaults_to_the_file_name(
    runner: CliRunner, stream: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    runner.invoke(cli, ["ingest", str(stream), "--store", str(store), "--skip-bad"])
    with SQLiteStore(store) as opened:
        assert opened.history("42003")[col.SOURCE].tolist() == [
            "ap",
            "ap",
            "night.csv",
            "night.csv",
        ]


def test_history_flags_corrections(runner: CliRunner, stream: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    runner.invoke(cli, ["ingest", str(stream), "--store", str(store), "--skip-bad"])
    result = runner.invoke(cli, ["history", "42003", "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["candidate"], r["votes"], r["correction"]) for r in rows] == [
        ("dem", 100, False),
        ("gop", 90, False),
        ("dem", 200, False),
        ("gop", 80, True),
    ]
    assert rows[3]["previous"] == 90 and rows[0]["expected_votes"] == 1000
    assert rows[0]["at"] == "2024-11-06T01:00:00+00:00"
    csv_out = runner.invoke(cli, ["history", "42003", "--store", str(store), "--csv"]).stdout
    assert csv_out.splitlines()[0].startswith("at,contest,candidate,mode,votes,previous")
    table = runner.invoke(cli, ["history", "42003", "--store", str(store)]).stdout
    assert next(line for line in table.splitlines() if "was 90" in line).count("80") == 1


def test_history_of_an_unknown_unit_or_store_is_an_error(
    runner: CliRunner, stream: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    missing = runner.invoke(cli, ["history", "42003", "--store", str(store)])
    assert missing.exit_code == 1 and "no store at" in missing.stderr
    assert not store.exists()
    runner.invoke(cli, ["ingest", str(stream), "--store", str(store), "--skip-bad"])
    unknown = runner.invoke(cli, ["history", "42005", "--store", str(store)])
    assert unknown.exit_code == 1 and "no counts for unit '42005'" in unknown.stderr
