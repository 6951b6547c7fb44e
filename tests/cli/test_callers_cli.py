"""``racedesk callers``, ``call``, ``timeline``, ``certify``, ``electors`` and ``count`` through
click's CliRunner, on the real data folder and throwaway stores."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from racedesk.cli import cli
from racedesk.store.ledger import Ledger


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "desk.sqlite")


def test_callers_2024_shows_the_presidency_by_every_caller(store: str) -> None:
    code, out, _ = run("callers", "--year", "2024", "--store", store, "--json")
    assert code == 0
    doc = json.loads(out)
    president = doc["president"]
    assert doc["president_callers"] == ["AP", "Fox News"]
    assert president["agreement"] == "unanimous" and president["winner"] == "gop"
    times = {c["caller"]: c["at"] for c in president["calls"]}
    assert times == {"AP": "2024-11-06T10:34:00+00:00", "Fox News": "2024-11-06T06:47:00+00:00"}
    assert doc["racedesk_replay"] is False and "racedesk demo --year 2024" in doc["hint"]
    assert not Path(store).exists()  # reading never creates a store
    code, out, _ = run("callers", "--year", "2024", "--store", store)
    assert code == 0
    assert "Fox News" in out and "05:34 ET" in out and "declared by all 2 callers" in out
    assert "racedesk demo --year 2024 --store PATH" in out


def test_callers_with_a_replay_shows_racedesk_against_the_consensus(store: str) -> None:
    with Ledger(store) as ledger:
        ledger.append(
            "call",
            year=2024,
            at=datetime(2024, 11, 6, 8, 0, tzinfo=UTC),
            actor="racedesk",
            race="president",
            payload={"winner": "gop"},
        )
    code, out, _ = run("callers", "--year", "2024", "--store", store)
    assert code == 0 and "racedesk" in out and "racedesk ahead of the consensus by 2 h 34" in out
    code, out, _ = run("callers", "--year", "2024", "--store", store, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    mine = [r for r in rows if r["caller"] == "racedesk"]
    assert mine == [
        {**mine[0], "race": "president", "winner": "gop", "at_utc": "2024-11-06T08:00:00+00:00"}
    ]
    assert len([r for r in rows if r["race"] != "president"]) == 23


def test_call_record_retract_and_bad_input(store: str) -> None:
    code, out, _ = run(
        "call", "record", "DDHQ", "PA", "Trump", "--at", "2024-11-06 01:30", "--store", store
    )
    assert code == 0 and out.startswith("recorded: DDHQ call of PA (gop) at 2024-11-06 01:30 ET")
    code, _, err = run(
        "call",
        "record",
        "DDHQ",
        "PA",
        "--retract",
        "--at",
        "2024-11-06 03:00",
        "--note",
        "count shifted",
        "--store",
        store,
    )
    assert code == 0
    code, out, err = run(
        "call", "record", "CNN", "PA", "gop", "--at", "2024-11-05 19:45", "--store", store
    )
    assert code == 0 and "before polls closed; recorded and flagged" in err
    code, out, err = run(
        "call", "record", "CNN", "WI", "--retract", "--at", "2024-11-06 03:00", "--store", store
    )
    assert code == 1 and out == ""
    assert err.startswith("racedesk: error: CNN has no standing call of WI in 2024")
    code, _, err = run(
        "call", "record", "AP", "PX", "gop", "--at", "2024-11-06 03:00", "--store", store
    )
    assert code == 1 and "unknown race 'PX'" in err
    code, _, err = run(
        "call", "record", "AP", "PA", "Biden", "--at", "2024-11-06 03:00", "--store", store
    )
    assert code == 1 and "unknown candidate 'Biden' for 2024" in err
    # AP's real PA call (data folder) can be retracted; it shows as retracted after.
    code, _, _ = run(
        "call", "record", "AP", "PA", "--retract", "--at", "2024-11-07 12:00", "--store", store
    )
    assert code == 0
    with Ledger(store) as ledger:
        assert [e.kind for e in ledger.events()] == [
            "external_call",
            "external_retraction",
            "external_call",
            "external_retraction",
        ]
    code, out, _ = run("callers", "--year", "2024", "--store", store, "--json")
    pa = next(r for r in json.loads(out)["races"] if r["race"] == "PA")
    assert pa["agreement"] == "partial" and pa["callers_missing"] == ["AP", "DDHQ"]


def test_call_load_is_all_or_nothing(store: str, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "caller,race,winner,at,source,retract\n"
        "DDHQ,GA,Trump,2024-11-06T00:30-05:00,ddhq,\n"
        "DDHQ,NV,,2024-11-06T01:00-05:00,ddhq,yes\n",
        encoding="utf-8",
    )
    code, _, err = run("call", "load", str(path), "--store", store)
    assert code == 1 and "calls.csv, line 3" in err and "no standing call of NV" in err
    with Ledger(store) as ledger:
        assert ledger.events() == []
    path.write_text(
        "caller,race,winner,at\nDDHQ,GA,Trump,2024-11-06T00:30-05:00\n", encoding="utf-8"
    )
    code, out, _ = run("call", "load", str(path), "--store", store)
    assert code == 0 and "1 recorded" in out


def test_timeline_2024_matches_the_calendar_table(data_dir: Path, tmp_path: Path) -> None:
    with (data_dir.parent / "docs" / "calendar.csv").open(newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["election_year"] == "2024")
    png = tmp_path / "road.png"
    code, out, _ = run(
        "timeline",
        "2024",
        "--today",
        "2024-12-01",
        "--json",
        "--png",
        str(png),
        "--store",
        str(tmp_path / "none.sqlite"),
    )
    assert code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    doc = json.loads(out)
    milestones = {e["key"]: e for e in doc["entries"] if e["kind"] == "milestone"}
    assert {k: m["date"] for k, m in milestones.items()} == {
        "election_day": row["election_day"],
        "certificate_deadline": row["certificate_or_safe_harbor_deadline"],
        "electors_meet": row["electors_meet"],
        "certificates_due": row["certificates_due_fourth_wednesday"],
        "congress_convenes": row["new_congress_convenes"],
        "congress_counts": row["count_actual"],
        "inauguration": row["inauguration_constitutional"],
    }
    assert milestones["election_day"]["status"] == "past"
    assert milestones["election_day"]["days_remaining"] is None
    assert milestones["certificate_deadline"]["days_remaining"] == 10
    assert milestones["inauguration"]["days_remaining"] == 50
    assert doc["next"] == "certificate_deadline"
    calls = [e["name"] for e in doc["entries"] if e["kind"] == "call"]
    assert calls == [
        "Fox News declares Donald Trump president-elect",
        "AP declares Donald Trump president-elect",
    ]
    code, out, _ = run("timeline", "2024", "--today", "2024-12-01")
    assert code == 0 and "next: Certificate of ascertainment deadline in 10 days" in out


def test_certify_electors_and_count_commands(store: str, tmp_path: Path) -> None:
    code, out, err = run(
        "certify",
        "record",
        "AZ",
        "ascertainment_issued",
        "--year",
        "2024",
        "--date",
        "2024-11-20",
        "--source",
        "azsos.gov",
        "--store",
        store,
    )
    assert code == 0 and "recorded: AZ ascertainment issued on 2024-11-20" in out
    code, out, err = run(
        "certify",
        "record",
        "AZ",
        "certified",
        "--year",
        "2024",
        "--date",
        "2024-11-25",
        "--source",
        "azsos.gov",
        "--store",
        store,
    )
    assert code == 0 and "out of legal order" in err
    code, _, err = run(
        "certify",
        "record",
        "AZ",
        "certified",
        "--year",
        "2024",
        "--date",
        "2024-11-01",
        "--source",
        "x",
        "--store",
        store,
    )
    assert code == 1 and "before Election Day" in err
    code, out, _ = run(
        "certify", "status", "--year", "2024", "--today", "2024-12-06", "--json", "--store", store
    )
    doc = json.loads(out)
    assert "AZ" not in doc["at_risk"] and len(doc["at_risk"]) == 50
    assert doc["deadlines"][0]["days_remaining"] == 5
    code, _, err = run(
        "electors",
        "record",
        "WA",
        "--year",
        "2016",
        "--vote",
        "Clinton=9",
        "--vote",
        "Colin Powell=4",
        "--store",
        store,
    )
    assert code == 1 and "WA has 12 electors in 2016, but 13 votes" in err
    code, out, _ = run("electors", "show", "--year", "2016", "--from-results", "--json")
    doc = json.loads(out)
    assert doc["electoral_votes"]["gop"] == 304 and doc["electoral_votes"]["dem"] == 227
    assert sorted(f["state"] for f in doc["faithless_electors"]) == [
        "HI",
        "TX",
        "TX",
        "WA",
        "WA",
        "WA",
        "WA",
    ]
    code, out, _ = run("electors", "load-results", "--year", "2016", "--store", store)
    assert code == 0 and "recorded the votes of 51 states" in out
    code, out, _ = run(
        "count",
        "object",
        "WI",
        "--year",
        "2016",
        "--grounds",
        "not_regularly_given",
        "--senators",
        "0",
        "--representatives",
        "3",
        "--store",
        store,
    )
    assert code == 0
    code, out, _ = run("count", "show", "--year", "2016", "--json", "--record", "--store", store)
    doc = json.loads(out)
    assert doc["counted"]["gop"] == 304 and doc["outcome"] == "president-elect"
    assert doc["objections"][0]["in_order"] is False
    with Ledger(store) as ledger:
        assert ledger.events(kinds=["joint_session"])[0].payload["winner"] == "gop"
    code, out, _ = run("timeline", "2016", "--today", "2017-01-10", "--store", store, "--csv")
    assert code == 0 and "Electors' votes recorded for 51 states" in out
    assert "Joint session result recorded" in out
