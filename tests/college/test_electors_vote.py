"""The electors' vote as cast: 2016's faithless electors, and the recording rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from racedesk.college.electors_vote import (
    OUT_OF_ORDER,
    ElectorsError,
    electors_vote,
    historical_votes,
    record_elector_votes,
    record_votes,
    recorded_votes,
)
from racedesk.domain.contests import Party
from racedesk.history.outcome import presidential_outcome
from racedesk.store.ledger import Ledger


def test_2016_reproduces_304_227_with_seven_faithless_by_state(data_dir: Path) -> None:
    outcome = presidential_outcome(2016, data_dir)
    by_state = historical_votes(outcome)
    vote = electors_vote(2016, by_state, outcome.pledged)
    assert vote.electors[Party.GOP] == 304 and vote.electors[Party.DEM] == 227
    assert vote.others == {
        "Colin Powell": 3,
        "Bernie Sanders": 1,
        "Faith Spotted Eagle": 1,
        "John Kasich": 1,
        "Ron Paul": 1,
    }
    assert [(f.state, f.pledged, f.voted_for) for f in vote.faithless] == [
        ("HI", Party.DEM, "Bernie Sanders"),
        ("TX", Party.GOP, "John Kasich"),
        ("TX", Party.GOP, "Ron Paul"),
        ("WA", Party.DEM, "Colin Powell"),
        ("WA", Party.DEM, "Colin Powell"),
        ("WA", Party.DEM, "Colin Powell"),
        ("WA", Party.DEM, "Faith Spotted Eagle"),
    ]
    assert vote.electors == outcome.cast.electors  # the same as as_cast
    assert by_state["TX"].votes == {"gop": 36, "John Kasich": 1, "Ron Paul": 1}
    assert vote.winner is Party.GOP and vote.majority == 270 and vote.unrecorded == ()


def test_2016_round_trips_through_the_ledger(data_dir: Path) -> None:
    ledger = Ledger(":memory:")
    outcome = presidential_outcome(2016, data_dir)
    assert len(record_votes(ledger, 2016, historical_votes(outcome))) == 51
    assert record_votes(ledger, 2016, historical_votes(outcome)) == []  # nothing replaced
    vote = electors_vote(2016, recorded_votes(ledger, 2016), outcome.pledged)
    assert (vote.electors[Party.GOP], vote.electors[Party.DEM], len(vote.faithless)) == (
        304,
        227,
        7,
    )


def test_more_votes_than_electors_is_refused() -> None:
    ledger = Ledger(":memory:")
    with pytest.raises(ElectorsError, match="WA has 12 electors in 2016, but 13 votes"):
        record_elector_votes(ledger, 2016, "WA", {"Hillary Clinton": 9, "Colin Powell": 4})
    with pytest.raises(ElectorsError, match="negative"):
        record_elector_votes(ledger, 2016, "WA", {"dem": -1})
    assert ledger.events() == []


def test_partial_second_record_and_correction() -> None:
    ledger = Ledger(":memory:")
    done = record_elector_votes(ledger, 2016, "WA", {"Clinton": 8, "Colin Powell": 2})
    assert done.votes.votes == {"dem": 8, "Colin Powell": 2}
    assert done.warnings == ("2 electors of WA not yet recorded",)
    with pytest.raises(ElectorsError, match="already recorded"):
        record_elector_votes(ledger, 2016, "WA", {"dem": 8, "Colin Powell": 4})
    fixed = record_elector_votes(
        ledger,
        2016,
        "WA",
        {"dem": 8, "Colin Powell": 3, "Faith Spotted Eagle": 1},
        correction=True,
    )
    assert fixed.votes.corrects == done.votes.seq
    assert len(ledger.events()) == 2  # the first record is kept
    assert recorded_votes(ledger, 2016)["WA"].cast == 12


def test_votes_out_of_legal_order_are_flagged() -> None:
    ledger = Ledger(":memory:")
    done = record_elector_votes(ledger, 2024, "PA", {"gop": 19}, on=date(2024, 12, 10))
    assert OUT_OF_ORDER in done.votes.flags and "recorded and flagged" in done.warnings[0]
    on_time = record_elector_votes(ledger, 2024, "GA", {"gop": 16})
    assert on_time.votes.on == date(2024, 12, 17) and on_time.votes.flags == ()
