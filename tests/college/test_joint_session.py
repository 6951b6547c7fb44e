"""The joint session: ECRA's one-fifth threshold, sustained and rejected objections, and a
269–269 night through to the contingent election."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from racedesk.college.consensus import Agreement, consensus
from racedesk.college.electors_vote import electors_vote, historical_votes, votes_from_tally
from racedesk.college.joint_session import (
    Chambers,
    CountError,
    joint_session,
    objection,
    parse_delegations,
    parse_senators,
    record_objection,
    recorded_objections,
    signatures_needed,
)
from racedesk.domain.contests import Party
from racedesk.domain.electoral import Outcome, tally
from racedesk.domain.ids import STATES, StateCode
from racedesk.history.outcome import presidential_outcome
from racedesk.store.ledger import Ledger


def test_signature_thresholds() -> None:
    assert signatures_needed(2024, Chambers()) == (20, 87)
    assert signatures_needed(2024, Chambers(senators=99, representatives=431)) == (20, 87)
    assert signatures_needed(2020, Chambers()) == (1, 1)


def test_objections_under_both_regimes(data_dir: Path) -> None:
    outcome = presidential_outcome(2020, data_dir)
    vote = electors_vote(2020, historical_votes(outcome), outcome.pledged)
    # The real 2021 objections: AZ and PA, one Senator and many Representatives, voted down.
    arizona = objection(
        "AZ",
        "not_regularly_given",
        senators_signed=1,
        representatives_signed=60,
        senate_vote=(6, 93),
        house_vote=(121, 303),
    )
    session = joint_session(vote, [arizona])
    assert session.rulings[0].in_order and not session.rulings[0].sustained
    assert "voted it down" in session.rulings[0].reason
    assert session.counted[Party.DEM] == 306 and session.outcome is Outcome.PRESIDENT_ELECT
    assert "Joe Biden (dem) confirmed president-elect: 306 of 538" in session.message
    # Under ECRA the same signatures are not enough.
    outcome24 = presidential_outcome(2024, data_dir)
    vote24 = electors_vote(2024, historical_votes(outcome24), outcome24.pledged)
    weak = objection("AZ", "not_regularly_given", senators_signed=19, representatives_signed=100)
    ruling = joint_session(vote24, [weak]).rulings[0]
    assert not ruling.in_order and "needs 20 and 87" in ruling.reason


def test_sustained_objections_reject_votes(data_dir: Path) -> None:
    outcome = presidential_outcome(2024, data_dir)
    vote = electors_vote(2024, historical_votes(outcome), outcome.pledged)
    regular = objection(
        "WI",
        "not_regularly_given",
        senators_signed=20,
        representatives_signed=87,
        senate_vote=(51, 49),
        house_vote=(220, 215),
    )
    session = joint_session(vote, [regular])
    assert session.rulings[0].sustained and session.rejected == {"WI": 10}
    assert session.counted[Party.GOP] == 312 - 10 and session.appointed == 538
    certified = objection(
        "WI",
        "not_lawfully_certified",
        senators_signed=20,
        representatives_signed=87,
        senate_vote=(51, 49),
        house_vote=(220, 215),
    )
    shrunk = joint_session(vote, [certified])
    assert shrunk.appointed == 528 and shrunk.majority == 265
    one_house = objection(
        "WI",
        "not_regularly_given",
        senators_signed=20,
        representatives_signed=87,
        senate_vote=(51, 49),
        house_vote=(200, 235),
    )
    assert not joint_session(vote, [one_house]).rulings[0].sustained
    pending = objection("WI", "not_regularly_given", senators_signed=20, representatives_signed=87)
    assert joint_session(vote, [pending]).rulings[0].pending
    with pytest.raises(CountError, match="unknown grounds"):
        objection("WI", "we lost", senators_signed=20, representatives_signed=87)


def test_objections_round_trip_through_the_ledger() -> None:
    ledger = Ledger(":memory:")
    item = objection(
        "PA",
        "not_regularly_given",
        senators_signed=1,
        representatives_signed=80,
        senate_vote=(7, 92),
        house_vote=(138, 282),
    )
    record_objection(ledger, 2020, item)
    assert recorded_objections(ledger, 2020) == [item]
    assert ledger.events()[0].at == datetime(2021, 1, 6, 18, 0, tzinfo=UTC)


def _winners_269(data_dir: Path) -> dict[str, Party]:
    """domain.md §2.7: the 2024 result with PA, MI, WI to Harris and NE-02 to Trump."""
    winners = dict(presidential_outcome(2024, data_dir).pledged.winners)
    winners.update({"PA": Party.DEM, "MI": Party.DEM, "WI": Party.DEM, "NE-02": Party.GOP})
    return winners


def test_a_269_269_night_goes_to_the_house_and_senate(data_dir: Path) -> None:
    winners = _winners_269(data_dir)
    # The night: racedesk calls every race; no presidency call can be derived.
    ledger = Ledger(":memory:")
    start = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)
    for minute, (race, party) in enumerate(sorted(winners.items())):
        ledger.append(
            "call",
            year=2024,
            at=start + timedelta(minutes=minute),
            actor="racedesk",
            race=race,
            payload={"winner": party.value},
        )
    night = consensus(2024, ledger=ledger)
    assert night.president.racedesk is None
    assert night.president.agreement is Agreement.UNCALLED
    pledged = tally(2024, winners)
    assert pledged.electors[Party.DEM] == 269 and pledged.electors[Party.GOP] == 269
    assert pledged.outcome is Outcome.CONTINGENT
    # December: the electors vote as pledged; January 6: nobody has 270.
    vote = electors_vote(2024, votes_from_tally(pledged), pledged)
    assert vote.outcome is Outcome.CONTINGENT and vote.faithless == ()
    pending = joint_session(vote)
    assert pending.outcome is Outcome.CONTINGENT and pending.winner is None
    assert "no majority (269–269, 270 needed)" in pending.message
    assert "give the delegations" in pending.message
    # The House by delegation (26 of 50) and the Senate (51) decide.
    rows = ["state,dem,gop"]
    for index, state in enumerate(s for s in STATES if s != "DC"):
        if index < 26:
            rows.append(f"{state},1,3")
        elif index < 48:
            rows.append(f"{state},3,1")
        else:
            rows.append(f"{state},2,2")
    delegations = parse_delegations("\n".join(rows), source="house.csv")
    session = joint_session(vote, delegations=delegations, senators=parse_senators("dem=47,gop=53"))
    contingent = session.contingent
    assert contingent is not None and contingent.house is not None
    assert contingent.house.votes[Party.GOP] == 26 and contingent.house.votes[Party.DEM] == 22
    assert len(contingent.house.divided) == 2
    assert contingent.president is Party.GOP and contingent.vice_president is Party.GOP
    assert "chosen President by 26 of 50 delegations (26 needed)" in session.message
    # One delegation fewer and nobody is chosen: the Vice President-elect acts.
    delegations[StateCode("AL")] = {Party.DEM: 2, Party.GOP: 2}
    stuck = joint_session(vote, delegations=delegations, senators={Party.DEM: 50, Party.GOP: 50})
    assert stuck.contingent is not None and stuck.contingent.president is None
    assert "Vice President-elect acts as President" in stuck.message
    assert "no Vice President chosen" in stuck.message


def test_incomplete_count_is_undecided(data_dir: Path) -> None:
    outcome = presidential_outcome(2024, data_dir)
    states = historical_votes(outcome)
    partial = {s: v for s, v in states.items() if s not in ("CA", "TX", "FL")}
    session = joint_session(electors_vote(2024, partial, outcome.pledged))
    assert (
        session.outcome is Outcome.UNDECIDED and "no votes recorded for 3 states" in session.message
    )
