"""``racedesk serve``: its help, the year it picks, and a foreign file refused before serving."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from racedesk.cli import cli
from racedesk.cli.serve import DEFAULT_YEAR, _year_in
from racedesk.store.ledger import Ledger
from racedesk.store.sqlite import SQLiteStore


def test_help_names_the_endpoints() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "/api/v1/events" in result.output and "RACEDESK_WRITE_TOKEN" in result.output


def test_the_year_is_the_newest_ledger_events(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    assert _year_in(path) == DEFAULT_YEAR
    SQLiteStore(path).close()
    assert _year_in(path) == DEFAULT_YEAR
    with Ledger(path) as ledger:
        ledger.append("cycle", year=2020, at=datetime(2020, 11, 4, tzinfo=UTC))
    assert _year_in(path) == 2020


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    result = CliRunner().invoke(cli, ["serve", "--store", str(path), "--port", "0"])
    assert result.exit_code == 1
    assert "not a racedesk store" in result.output
