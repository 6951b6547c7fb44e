"""``racedesk calendar`` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from racedesk.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["calendar", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def csv_rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir.parent / "docs" / "calendar.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_json_matches_calendar_csv_for_every_year(csv_rows: list[dict[str, str]]) -> None:
    for row in csv_rows:
        code, out, _ = run(row["election_year"], "--json", "--today", "2030-01-01")
        assert code == 0
        doc = json.loads(out)
        assert doc["year"] == int(row["election_year"])
        assert doc["regime"] == row["regime"]
        assert doc["election_day"] == row["election_day"]
        assert doc["certificate_deadline"] == row["certificate_or_safe_harbor_deadline"]
        assert doc["electors_meet"] == row["electors_meet"]
        assert doc["certificates_due"] == row["certificates_due_fourth_wednesday"]
        assert doc["congress_convenes"] == row["new_congress_convenes"]
        assert doc["congress_counts"] == row["count_actual"]
        assert doc["congress_counts_statutory"] == row["count_statutory"]
        assert doc["inauguration"] == row["inauguration_constitutional"]
        assert doc["inauguration_ceremony"] == row["inauguration_public_ceremony"]
        assert doc["days_remaining"] is None


def test_json_milestones_and_countdown() -> None:
    code, out, _ = run("2028", "--json", "--today", "2028-12-19")
    assert code == 0
    doc = json.loads(out)
    assert [m["key"] for m in doc["milestones"]] == [
        "election_day", "certificate_deadline", "electors_meet", "certificates_due",
        "congress_convenes", "congress_counts", "inauguration",
    ]  # fmt: skip
    assert doc["milestones"][2] == {
        "key": "electors_meet",
        "name": "Electors meet and vote",
        "date": "2028-12-19",
        "law": "3 U.S.C. §7 (ECRA)",
    }
    assert doc["today"] == "2028-12-19"
    assert doc["days_remaining"] == {
        "electors_meet": 0,
        "certificates_due": 8,
        "congress_convenes": 15,
        "congress_counts": 18,
        "inauguration": 32,
    }


def test_table_shows_days_remaining_before_inauguration() -> None:
    code, out, _ = run("2012", "--today", "2012-11-01")
    assert code == 0
    assert "2012-11-06" in out and "2013-01-04" in out and "2013-01-21" in out
    assert "days_remaining" in out and "H.J.Res.122" in out
    lines = [line for line in out.splitlines() if "Election Day" in line]
    assert lines and lines[0].rstrip(" │").endswith("5")


def test_table_without_countdown_after_the_cycle() -> None:
    code, out, _ = run("2024", "--today", "2025-03-01")
    assert code == 0
    assert "2024-12-17" in out and "days_remaining" not in out


def test_csv() -> None:
    code, out, _ = run("2024", "--csv", "--today", "2024-12-11")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["milestone", "date", "weekday", "law", "days_remaining"]
    assert [r["date"] for r in rows] == [
        "2024-11-05", "2024-12-11", "2024-12-17", "2024-12-25",
        "2025-01-03", "2025-01-06", "2025-01-20",
    ]  # fmt: skip
    assert [r["days_remaining"] for r in rows] == ["", "0", "6", "14", "23", "26", "40"]
    assert rows[2]["weekday"] == "Tuesday"


def test_later_year_by_rule() -> None:
    code, out, _ = run("2100", "--json", "--today", "2100-01-01")
    doc = json.loads(out)
    assert code == 0
    assert doc["election_day"] == "2100-11-02"
    assert doc["electors_meet"] == "2100-12-14"  # first Tuesday after Wednesday Dec 8
    assert doc["days_remaining"]["election_day"] == 305


@pytest.mark.parametrize(
    ("year", "message"),
    [("2027", "2027 is not a presidential election year"), ("1932", "1936 election")],
)
def test_bad_years_are_one_line_errors(year: str, message: str) -> None:
    code, out, err = run(year)
    assert code == 1 and out == ""
    assert err.startswith("racedesk: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_today_is_a_usage_error() -> None:
    code, _, err = run("2024", "--today", "yesterday")
    assert code == 2 and "--today" in err


def test_help_ends_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["calendar", "--help"])
    assert result.exit_code == 0
    assert (
        result.stdout.split("Options:")[0]
        .rstrip()
        .endswith("Example:\n\n      racedesk calendar 2028 --today 2028-11-01")
    )
    assert "calendar" in CliRunner().invoke(cli, ["--help"]).stdout
