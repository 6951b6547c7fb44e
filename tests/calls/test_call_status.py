"""RaceStatus keeps its invariants: a call carries its evidence, a retraction its call."""

from __future__ import annotations

from datetime import datetime

import pytest
from callkit import CLOSE, LATER, make_estimate

from racedesk.calls import Kind, RaceStatus, Rule, decide, rules_for
from racedesk.domain.contests import Party
from racedesk.errors import CallRuleError


def test_status_properties() -> None:
    est = make_estimate(dem=600, gop=400, expected_total=1000, sd=0.01)
    call = decide(est, now=LATER, poll_close=CLOSE, rules=rules_for(2024))
    assert call.called and call.confidence == 0.995
    hold = RaceStatus(race="PA", kind=Kind.NOT_YET, at=CLOSE, reasons=("polls open",))
    assert not hold.called and hold.confidence is None
    assert hold.describe() == "PA polls open at 2024-11-06 01:00Z: polls open"
    assert Kind.TOO_CLOSE.label == "too close to call"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"at": datetime(2024, 11, 6)}, "timezone-aware"),
        ({"kind": Kind.CALLED, "winner": Party.DEM, "rule": Rule.COUNT}, "needs a winner"),
        ({"kind": Kind.RETRACTED, "winner": Party.DEM}, "names the withdrawn call"),
        ({"kind": Kind.TOO_EARLY, "winner": Party.GOP}, "only calls and retractions"),
        ({"reasons": ()}, "gives its reasons"),
    ],
)
def test_broken_statuses_are_refused(fields: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"race": "PA", "kind": Kind.TOO_EARLY, "at": CLOSE, "reasons": ("x",)}
    with pytest.raises(CallRuleError, match=message):
        RaceStatus(**(base | fields))  # type: ignore[arg-type]
