"""The callers' consensus on real 2020/2024 calls, with racedesk's own calls from the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from racedesk.college.consensus import Agreement, consensus, duration
from racedesk.college.external_calls import record_external_call, retract_external_call
from racedesk.college.payloads import consensus_payload
from racedesk.domain.contests import Party
from racedesk.domain.electoral import race_electors
from racedesk.history.calls import CallRecord, load_calls
from racedesk.store.ledger import Ledger

AP_2024 = datetime(2024, 11, 6, 10, 34, tzinfo=UTC)
FOX_2024 = datetime(2024, 11, 6, 6, 47, tzinfo=UTC)


@pytest.fixture(scope="module")
def calls_2024(data_dir: Path) -> tuple[CallRecord, ...]:
    return load_calls(data_dir, 2024).calls


def test_2024_presidency_declared_by_every_caller(calls_2024: tuple[CallRecord, ...]) -> None:
    view = consensus(2024, data_calls=calls_2024)
    president = view.president
    assert view.president_callers == ("AP", "Fox News")
    assert president.agreement is Agreement.UNANIMOUS and president.winner is Party.GOP
    assert {s.caller: s.at for s in president.callers} == {"AP": AP_2024, "Fox News": FOX_2024}
    assert president.first is not None and president.first.caller == "Fox News"
    assert president.consensus_at == AP_2024 and president.approximate
    assert "Donald Trump (gop) declared by all 2 callers" in president.summary
    assert view.racedesk_replay is False
    assert view.hint is not None and "racedesk demo --year 2024 --store PATH" in view.hint
    pa = next(r for r in view.races if r.race == "PA")
    assert pa.agreement is Agreement.UNANIMOUS and "AP (the only caller on record)" in pa.summary
    uncalled = [r.race for r in view.races if r.agreement is Agreement.UNCALLED]
    assert "CA" in uncalled and "ME-02" in uncalled
    assert view.splits == () and view.warnings == ()


def test_2020_ap_and_nyt_agree_on_every_race_they_both_called(data_dir: Path) -> None:
    view = consensus(2020, data_calls=load_calls(data_dir, 2020).calls)
    assert view.race_callers == ("AP", "NYT") and view.president_callers == ("AP",)
    az = next(r for r in view.races if r.race == "AZ")
    assert az.agreement is Agreement.UNANIMOUS and az.first and az.first.caller == "AP"
    assert az.consensus_at == datetime(2020, 11, 13, 4, 18, 46, tzinfo=UTC)  # NYT joined last
    nc = next(r for r in view.races if r.race == "NC")  # AP only (NYT time not in the data)
    assert nc.agreement is Agreement.PARTIAL and nc.missing == ("NYT",)
    assert not view.splits


def _desk_call(ledger: Ledger, race: str, winner: str, at: datetime, year: int = 2024) -> None:
    ledger.append("call", year=year, at=at, actor="racedesk", race=race, payload={"winner": winner})


def test_racedesk_ahead_and_behind(calls_2024: tuple[CallRecord, ...]) -> None:
    ledger = Ledger(":memory:")
    _desk_call(ledger, "president", "gop", AP_2024 - timedelta(hours=2, minutes=5))
    _desk_call(ledger, "PA", "gop", datetime(2024, 11, 6, 7, 40, tzinfo=UTC))  # AP: 07:24Z
    view = consensus(2024, ledger=ledger, data_calls=calls_2024)
    president = view.president
    assert president.racedesk_agrees is True
    assert president.lead_vs_consensus == timedelta(hours=2, minutes=5)
    assert president.lead_vs_first == FOX_2024 - (AP_2024 - timedelta(hours=2, minutes=5))
    assert "racedesk ahead of the consensus by 2 h 05 min" in president.summary
    pa = next(r for r in view.races if r.race == "PA")
    assert pa.lead_vs_consensus == timedelta(minutes=-16)
    assert "racedesk behind the consensus by 16 min" in pa.summary
    assert view.racedesk_replay and view.hint is None
    doc = consensus_payload(view)
    assert doc["president"]["racedesk_lead_vs_consensus_minutes"] == 125.0
    assert doc["president"]["racedesk"]["caller"] == "racedesk"


def test_racedesk_presidency_derived_from_its_race_calls() -> None:
    ledger = Ledger(":memory:")
    electors = race_electors(2024)
    start = datetime(2024, 11, 6, 3, 0, tzinfo=UTC)
    gop_races = [
        "TX",
        "FL",
        "PA",
        "GA",
        "NC",
        "OH",
        "MI",
        "AZ",
        "WI",
        "TN",
        "IN",
        "MO",
        "SC",
        "AL",
        "LA",
        "KY",
        "OK",
        "IA",
        "AR",
        "KS",
        "MS",
        "UT",
        "NV",
        "NE",
        "ID",
        "WV",
    ]
    for minute, race in enumerate(gop_races):
        _desk_call(ledger, race, "gop", start + timedelta(minutes=minute))
    view = consensus(2024, ledger=ledger)
    desk = view.president.racedesk
    assert desk is not None and desk.winner is Party.GOP and "derived" in desk.flags
    running = 0
    for minute, race in enumerate(gop_races):
        running += electors[race]
        if running >= 270:
            assert desk.at == start + timedelta(minutes=minute)
            break
    else:  # pragma: no cover
        pytest.fail("the calls never reach 270")


def test_split_is_flagged_loudly_and_racedesk_disagreement_warned() -> None:
    ledger = Ledger(":memory:")
    at = datetime(2024, 11, 6, 4, 0, tzinfo=UTC)
    record_external_call(ledger, "AP", "AZ", "gop", at, "feed")
    record_external_call(ledger, "DDHQ", "AZ", "dem", at + timedelta(minutes=3), "feed")
    record_external_call(ledger, "AP", "NV", "gop", at, "feed")
    record_external_call(ledger, "DDHQ", "NV", "gop", at, "feed")
    _desk_call(ledger, "NV", "dem", at + timedelta(minutes=30))
    view = consensus(2024, ledger=ledger)
    az = next(r for r in view.races if r.race == "AZ")
    assert az.agreement is Agreement.SPLIT and az.winner is None
    assert view.splits == ("SPLIT: callers disagree on AZ (AP for gop; DDHQ for dem)",)
    nv = next(r for r in view.races if r.race == "NV")
    assert nv.racedesk_agrees is False and "RACEDESK DISAGREES" in nv.summary
    assert "NV: racedesk's call disagrees with the other callers" in view.warnings
    # a retraction ends the split
    retract_external_call(ledger, "DDHQ", "AZ", at + timedelta(hours=1), "feed")
    after = consensus(2024, ledger=ledger)
    assert next(r for r in after.races if r.race == "AZ").agreement is Agreement.PARTIAL


def test_as_of_shows_the_calls_standing_then(calls_2024: tuple[CallRecord, ...]) -> None:
    before = consensus(2024, data_calls=calls_2024, as_of=FOX_2024 + timedelta(minutes=1))
    assert before.president.agreement is Agreement.PARTIAL
    assert before.president.missing == ("AP",)
    wi = next(r for r in before.races if r.race == "WI")
    assert wi.agreement is Agreement.UNCALLED


def test_duration_text() -> None:
    assert duration(timedelta(minutes=-16)) == "16 min"
    assert duration(timedelta(hours=26, minutes=3)) == "1 d 2 h"
