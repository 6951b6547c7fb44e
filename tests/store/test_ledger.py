"""The ledger: append-only, ordered, all-or-nothing, persistent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from racedesk.errors import StoreError
from racedesk.store.ledger import Ledger

T0 = datetime(2024, 11, 6, 2, 0, tzinfo=UTC)


def test_append_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "night.sqlite"
    with Ledger(path) as ledger:
        first = ledger.append("call", year=2024, race="PA", at=T0, payload={"winner": "gop"})
        ledger.append("call", year=2024, race="WI", actor="AP", at=T0 + timedelta(hours=3))
        ledger.append("cycle", year=2024, at=T0)
    with Ledger(path) as again:  # persisted
        calls = again.events(year=2024, kinds=["call"])
        assert [e.race for e in calls] == ["PA", "WI"]
        assert calls[0].payload == {"winner": "gop"} and calls[0].seq == first.seq
        assert calls[1].actor == "AP" and calls[1].at == T0 + timedelta(hours=3)
        assert [e.kind for e in again.events(after=first.seq)] == ["call", "cycle"]
        assert again.events(race="WI")[0].race == "WI"
        assert again.last_seq() == 3


def test_naive_time_refused_and_nothing_stored() -> None:
    ledger = Ledger(":memory:")
    good = (("call", "PA", "racedesk", T0, {}),)
    bad = ("call", "WI", "racedesk", datetime(2024, 11, 6), {})
    with pytest.raises(StoreError, match="timezone-aware"):
        ledger.append_many([*good, bad], year=2024)
    assert ledger.events() == []


@given(st.lists(st.sampled_from(["call", "retraction", "cycle"]), min_size=1, max_size=30))
def test_sequence_strictly_increasing(kinds: list[str]) -> None:
    ledger = Ledger(":memory:")
    for kind in kinds:
        ledger.append(kind, year=2020, at=T0)
    seqs = [event.seq for event in ledger.events()]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(kinds)
    assert [event.kind for event in ledger.events()] == kinds
