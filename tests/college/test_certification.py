"""The certification tracker: dated steps, out-of-order flags, refusals, CSV, deadlines, risk."""

from __future__ import annotations

from datetime import date

import pytest

from racedesk.college.certification import (
    AFTER_DEADLINE,
    OUT_OF_ORDER,
    CertificationError,
    Step,
    certification_events,
    record_certification,
    record_certification_csv,
    tracker,
)
from racedesk.errors import DataError
from racedesk.store.ledger import Ledger


@pytest.fixture
def ledger() -> Ledger:
    return Ledger(":memory:")


def test_steps_in_order_and_the_status(ledger: Ledger) -> None:
    record_certification(ledger, 2020, "Georgia", "canvass_complete", date(2020, 11, 13), "sos")
    done = record_certification(ledger, 2020, "GA", Step.CERTIFIED, date(2020, 11, 20), "sos")
    assert done.new and done.warnings == () and done.event.state == "GA"
    record_certification(ledger, 2020, "GA", "ascertainment issued", date(2020, 11, 20), "gov")
    view = tracker(2020, ledger, date(2020, 12, 1))
    ga = next(s for s in view.states if s.state == "GA")
    assert ga.status == "certificate of ascertainment issued" and not ga.at_risk
    assert (ga.canvass_complete, ga.certified) == (date(2020, 11, 13), date(2020, 11, 20))


def test_out_of_legal_order_is_recorded_and_flagged(ledger: Ledger) -> None:
    record_certification(ledger, 2024, "AZ", "certified", date(2024, 11, 25), "sos")
    early = record_certification(
        ledger, 2024, "AZ", "ascertainment_issued", date(2024, 11, 20), "x"
    )
    assert early.new and OUT_OF_ORDER in early.event.flags
    assert "out of legal order" in early.warnings[0]
    closed = record_certification(ledger, 2024, "NV", "recount_completed", date(2024, 11, 30), "x")
    assert OUT_OF_ORDER in closed.event.flags and "without a recount started" in closed.warnings[0]
    late = record_certification(ledger, 2024, "WI", "ascertainment_issued", date(2024, 12, 12), "x")
    assert AFTER_DEADLINE in late.event.flags
    assert len(certification_events(ledger, 2024)) == 4  # every one kept
    assert len(tracker(2024, ledger, date(2024, 12, 20)).warnings) == 3


@pytest.mark.parametrize(
    ("state", "step", "on", "message"),
    [
        ("XX", "certified", date(2024, 11, 20), "not a state"),
        ("PA", "blessed", date(2024, 11, 20), "unknown certification step 'blessed'"),
        ("PA", "certified", date(2024, 11, 4), "before Election Day 2024-11-05"),
    ],
)
def test_bad_events_are_refused(
    ledger: Ledger, state: str, step: str, on: date, message: str
) -> None:
    with pytest.raises(CertificationError, match=message):
        record_certification(ledger, 2024, state, step, on, "x")
    assert ledger.events() == []


def test_duplicate_is_recorded_once(ledger: Ledger) -> None:
    record_certification(ledger, 2024, "PA", "certified", date(2024, 11, 27), "dos.pa.gov")
    again = record_certification(ledger, 2024, "PA", "certified", date(2024, 11, 27), "dos.pa.gov")
    assert not again.new and len(ledger.events()) == 1


def test_csv_is_all_or_nothing(ledger: Ledger) -> None:
    good = "state,step,date,source,note\nPA,certified,2024-11-27,dos,\nMI,certified,2024-11-25,,\n"
    done = record_certification_csv(ledger, 2024, good, source="cert.csv")
    assert [d.event.state for d in done] == ["PA", "MI"]
    assert done[1].event.source == "cert.csv"  # a blank source names the file
    bad = "state,step,date\nWI,certified,2024-11-29\nWI,certfied,2024-11-30\n"
    with pytest.raises(DataError, match="unknown certification step") as caught:
        record_certification_csv(ledger, 2024, bad, source="bad.csv")
    assert (caught.value.source, caught.value.line, caught.value.field) == ("bad.csv", 3, "step")
    with pytest.raises(DataError, match="not a date") as caught:
        record_certification_csv(ledger, 2024, "state,step,date\nWI,certified,Nov 29\n", source="b")
    assert caught.value.line == 2
    assert len(ledger.events()) == 2


def test_deadlines_days_remaining_and_states_at_risk(ledger: Ledger) -> None:
    record_certification(ledger, 2024, "PA", "ascertainment_issued", date(2024, 12, 3), "gov")
    record_certification(ledger, 2024, "GA", "recount_started", date(2024, 11, 22), "sos")
    view = tracker(2024, ledger, date(2024, 11, 30))  # 11 days before the Dec 11 deadline
    assert view.at_risk == ("GA",)  # open recount, no certificate; PA's is dated later
    ga = next(s for s in view.states if s.state == "GA")
    assert ga.recount_open and ga.risks == ("recount under way",)
    deadline = next(d for d in view.deadlines if d.key == "certificate_deadline")
    assert (deadline.on, deadline.days_remaining) == (date(2024, 12, 11), 11)
    assert len(deadline.missing) == 51
    near = tracker(2024, ledger, date(2024, 12, 5))
    assert "PA" not in near.at_risk and len(near.at_risk) == 50
    assert "6 days to the deadline" in next(s for s in near.states if s.state == "OH").risks[0]
    missed = tracker(2024, ledger, date(2024, 12, 12))
    assert "missed the 2024-12-11 certificate deadline" in missed.states[0].risks[0]
    assert tracker(2024, ledger, date(2024, 11, 1)).at_risk == ()  # before the election
