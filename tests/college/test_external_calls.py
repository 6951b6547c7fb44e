"""Recording other callers' calls and retractions: the bad-input rules, and the standing call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from racedesk.college.external_calls import (
    BEFORE_POLL_CLOSE,
    CHANGED_WITHOUT_RETRACTION,
    EXTERNAL_CALL,
    CallEntry,
    ledger_entries,
    record_external_call,
    retract_external_call,
    standings,
)
from racedesk.domain.contests import Party
from racedesk.errors import CallRuleError
from racedesk.history.calls import Precision, load_calls
from racedesk.store.ledger import Ledger

PA_CALL = datetime(2024, 11, 6, 7, 24, tzinfo=UTC)  # 2:24 am ET


@pytest.fixture
def ledger() -> Ledger:
    return Ledger(":memory:")


def test_record_and_read_back(ledger: Ledger) -> None:
    done = record_external_call(ledger, "ddhq", "pa", "Trump", PA_CALL, "ddhq.com")
    assert done.new and done.warnings == ()
    [event] = ledger.events(kinds=[EXTERNAL_CALL])
    assert (event.actor, event.race, event.year, event.at) == ("DDHQ", "PA", 2024, PA_CALL)
    assert event.payload["winner"] == "gop" and event.payload["flags"] == []
    assert ledger_entries(ledger, 2024)[0].winner is Party.GOP


@pytest.mark.parametrize(
    ("race", "winner", "message"),
    [
        ("XX", "Trump", "unknown race 'XX'"),
        ("NE-04", "Trump", "unknown race 'NE-04'"),
        ("PA", "Biden", "unknown candidate 'Biden' for 2024"),
    ],
)
def test_unknown_race_or_candidate_is_refused(
    ledger: Ledger, race: str, winner: str, message: str
) -> None:
    with pytest.raises(CallRuleError, match=message):
        record_external_call(ledger, "AP", race, winner, PA_CALL, "test")
    assert ledger.events() == []


def test_naive_time_and_racedesk_as_caller_are_refused(ledger: Ledger) -> None:
    with pytest.raises(CallRuleError, match="time zone"):
        record_external_call(ledger, "AP", "PA", "gop", datetime(2024, 11, 6, 2, 24), "x")
    with pytest.raises(CallRuleError, match="come from the desk"):
        record_external_call(ledger, "racedesk", "PA", "gop", PA_CALL, "x")
    assert ledger.events() == []


def test_call_before_poll_close_is_recorded_and_flagged(ledger: Ledger) -> None:
    # Pennsylvania closes at 8 pm ET = 01:00Z on Nov 6 2024; a 7:59 pm call is early.
    early = datetime(2024, 11, 6, 0, 59, tzinfo=UTC)
    done = record_external_call(ledger, "CNN", "PA", "gop", early, "tv")
    assert done.new and BEFORE_POLL_CLOSE in done.entry.flags
    assert "before polls closed" in done.warnings[0]
    assert ledger.events()[0].payload["flags"] == [BEFORE_POLL_CLOSE]
    on_time = record_external_call(ledger, "NBC", "PA", "gop", early + timedelta(minutes=1), "tv")
    assert on_time.entry.flags == ()


def test_presidency_before_enough_polls_closed_is_flagged(ledger: Ledger) -> None:
    # Races worth 270 electors have all closed only at 8:30 pm ET (01:30Z) in 2024.
    done = record_external_call(
        ledger, "AP", "president", "gop", datetime(2024, 11, 6, 1, 29, tzinfo=UTC), "x"
    )
    assert BEFORE_POLL_CLOSE in done.entry.flags
    late = record_external_call(ledger, "DDHQ", "president", "gop", PA_CALL, "x")
    assert late.entry.flags == ()


def test_repeated_call_is_a_no_op_and_a_flip_needs_a_retraction(ledger: Ledger) -> None:
    record_external_call(ledger, "AP", "PA", "gop", PA_CALL, "feed")
    again = record_external_call(
        ledger, "AP", "PA", "Trump", PA_CALL + timedelta(minutes=5), "feed"
    )
    assert not again.new and len(ledger.events()) == 1
    with pytest.raises(CallRuleError, match="record a retraction before a call for dem"):
        record_external_call(ledger, "AP", "PA", "dem", PA_CALL + timedelta(hours=1), "feed")
    assert len(ledger.events()) == 1
    retract_external_call(ledger, "AP", "PA", PA_CALL + timedelta(hours=1), "feed", reason="oops")
    flipped = record_external_call(ledger, "AP", "PA", "dem", PA_CALL + timedelta(hours=2), "feed")
    assert flipped.new and len(ledger.events()) == 3
    standing = standings(ledger_entries(ledger, 2024))[("AP", "PA")]
    assert standing.winner is Party.DEM and len(standing.history) == 3


def test_retraction_of_a_call_never_made_is_refused(ledger: Ledger) -> None:
    with pytest.raises(CallRuleError, match="no standing call of WI in 2024"):
        retract_external_call(ledger, "AP", "WI", PA_CALL, "x")
    record_external_call(ledger, "AP", "WI", "gop", PA_CALL, "x")
    with pytest.raises(CallRuleError, match="before AP's call of WI"):
        retract_external_call(ledger, "AP", "WI", PA_CALL - timedelta(minutes=1), "x")
    with pytest.raises(CallRuleError, match="not dem"):
        retract_external_call(ledger, "AP", "WI", PA_CALL, "x", winner="Harris")
    retract_external_call(ledger, "AP", "WI", PA_CALL + timedelta(hours=1), "x")
    with pytest.raises(CallRuleError, match="already retracted"):
        retract_external_call(ledger, "AP", "WI", PA_CALL + timedelta(hours=2), "x")
    assert len(ledger.events()) == 2  # the call and its one retraction, unchanged


def test_a_real_call_from_the_data_can_be_retracted(ledger: Ledger, data_dir: Path) -> None:
    real = load_calls(data_dir, 2024).calls
    at = datetime(2024, 11, 7, tzinfo=UTC)
    done = retract_external_call(ledger, "AP", "PA", at, "test", reference=real)
    assert done.entry.retraction and done.entry.winner is Party.GOP
    assert ledger.events()[0].payload["called_at"] == "2024-11-06T07:24:00+00:00"
    already = record_external_call(ledger, "AP", "GA", "gop", at, "feed", reference=real)
    assert not already.new  # AP's GA call is in the data: nothing appended


def test_changed_without_retraction_is_flagged_in_standings() -> None:
    def entry(winner: Party, minutes: int) -> CallEntry:
        return CallEntry(
            year=2024,
            caller="X",
            race="PA",
            retraction=False,
            winner=winner,
            at=PA_CALL + timedelta(minutes=minutes),
            precision=Precision.EXACT,
            source="",
            note="",
            origin="test",
            seq=None,
            flags=(),
        )

    standing = standings([entry(Party.GOP, 0), entry(Party.GOP, 5), entry(Party.DEM, 9)])
    result = standing[("X", "PA")]
    assert result.winner is Party.DEM and result.at == PA_CALL + timedelta(minutes=9)
    assert result.flags == (CHANGED_WITHOUT_RETRACTION,)
    kept = standings([entry(Party.GOP, 5), entry(Party.GOP, 0)])[("X", "PA")]
    assert kept.at == PA_CALL  # a repeat keeps the first call's time
