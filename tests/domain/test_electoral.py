"""Electoral College arithmetic, checked against electoral_votes.csv and the certified results."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from racedesk.domain.contests import RACES, Party
from racedesk.domain.electoral import (
    APPORTIONMENTS,
    CONTINGENT_STATUS,
    FAITHLESS,
    ElectoralError,
    Outcome,
    apportionment_census,
    as_cast,
    contingent_house_vote,
    contingent_senate_vote,
    electoral_votes,
    majority,
    race_electors,
    tally,
)
from racedesk.domain.ids import STATES, StateCode

D, R = Party.DEM, Party.GOP
PRESIDENTIAL_YEARS = st.integers(min_value=1992 // 4, max_value=2400 // 4).map(lambda n: 4 * n)

# Races the Democratic ticket won (certified results); every other race went Republican.
DEM_WON: dict[int, str] = {
    2000: "CA CT DE DC HI IL IA ME ME-01 ME-02 MD MA MI MN NJ NM NY OR PA RI VT WA WI",
    2004: "CA CT DE DC HI IL ME ME-01 ME-02 MD MA MI MN NH NJ NY OR PA RI VT WA WI",
    2008: "CA CO CT DE DC FL HI IL IN IA ME ME-01 ME-02 MD MA MI MN NV NH NJ NM NY NC OH OR PA "
    "RI VT VA WA WI NE-02",
    2012: "CA CO CT DE DC FL HI IL IA ME ME-01 ME-02 MD MA MI MN NV NH NJ NM NY OH OR PA RI VT "
    "VA WA WI",
    2016: "CA CO CT DE DC HI IL ME ME-01 MD MA MN NV NH NJ NM NY OR RI VT VA WA",
    2020: "AZ CA CO CT DE DC GA HI IL ME ME-01 MD MA MI MN NV NH NJ NM NY OR PA RI VT VA WA WI "
    "NE-02",
    2024: "CA CO CT DE DC HI IL ME ME-01 MD MA MN NH NJ NM NY OR RI VT VA WA NE-02",
}


def results(year: int) -> dict[str, Party]:
    dem = set(DEM_WON[year].split())
    return {race: D if race in dem else R for race in RACES}


@pytest.fixture(scope="module")
def csv_rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir.parent / "docs" / "electoral_votes.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_apportionments_match_the_csv(csv_rows: list[dict[str, str]]) -> None:
    assert len(csv_rows) == 4 * 51
    for row in csv_rows:
        census = int(row["census"])
        assert APPORTIONMENTS[census][row["state"]] == int(row["electoral_votes"]), row
        for year in map(int, row["elections"].split(";")):
            assert apportionment_census(year) == census
            assert electoral_votes(year)[StateCode(row["state"])] == int(row["electoral_votes"])
    assert {census: len(table) for census, table in APPORTIONMENTS.items()} == dict.fromkeys(
        (1990, 2000, 2010, 2020), 51
    )


def test_apportionment_changes_2020_to_2024() -> None:
    before, after = electoral_votes(2020), electoral_votes(2024)
    changed = {s: (before[s], after[s]) for s in STATES if before[s] != after[s]}
    assert changed == {
        "CA": (55, 54), "CO": (9, 10), "FL": (29, 30), "IL": (20, 19), "MI": (16, 15),
        "MT": (3, 4), "NY": (29, 28), "NC": (15, 16), "OH": (18, 17), "OR": (7, 8),
        "PA": (20, 19), "TX": (38, 40), "WV": (5, 4),
    }  # fmt: skip


def test_later_years_use_the_latest_apportionment() -> None:
    assert apportionment_census(2032) == 2020
    assert electoral_votes(2100) == electoral_votes(2024)


@pytest.mark.parametrize("year", [1988, 2023, 2026, 1900])
def test_years_without_electors_are_refused(year: int) -> None:
    with pytest.raises(ElectoralError, match=str(year)):
        electoral_votes(year)


def test_maine_and_nebraska_races() -> None:
    races = race_electors(2024)
    assert [races[r] for r in ("ME", "ME-01", "ME-02")] == [2, 1, 1]
    assert [races[r] for r in ("NE", "NE-01", "NE-02", "NE-03")] == [2, 1, 1, 1]
    assert races["PA"] == 19 and races["DC"] == 3
    assert set(races) == set(RACES) and len(races) == 56


@pytest.mark.parametrize(
    ("year", "dem", "gop"),
    [(2000, 267, 271), (2004, 252, 286), (2008, 365, 173), (2012, 332, 206),
     (2016, 232, 306), (2020, 306, 232), (2024, 226, 312)],
)  # fmt: skip
def test_certified_pledged_results(year: int, dem: int, gop: int) -> None:
    result = tally(year, results(year))
    assert (result.electors[D], result.electors[R], result.electors[Party.OTHER]) == (dem, gop, 0)
    assert result.majority == 270 and result.appointed == 538
    assert result.outcome is Outcome.PRESIDENT_ELECT
    assert result.winner is (D if dem > gop else R)
    assert result.unallocated == () and result.unallocated_electors == 0


def test_split_district_electors() -> None:
    assert tally(2024, results(2024)).winners["NE-02"] is D
    assert tally(2020, results(2020)).winners["ME-02"] is R
    assert tally(2008, results(2008)).winners["NE-02"] is D


def test_2016_as_cast_next_to_pledged() -> None:
    cast = as_cast(2016, tally(2016, results(2016)))
    assert (cast.pledged.electors[R], cast.pledged.electors[D]) == (306, 232)
    assert (cast.electors[R], cast.electors[D]) == (304, 227)
    assert cast.others == {
        "Colin Powell": 3,
        "Bernie Sanders": 1,
        "Faith Spotted Eagle": 1,
        "John Kasich": 1,
        "Ron Paul": 1,
    }
    assert len(cast.faithless) == 7 and cast.abstained == 0
    assert {(f.state, f.pledged) for f in cast.faithless} == {("WA", D), ("HI", D), ("TX", R)}
    assert cast.winner is R and cast.outcome is Outcome.PRESIDENT_ELECT


def test_as_cast_other_years() -> None:
    assert as_cast(2000, tally(2000, results(2000))).electors[D] == 266
    assert as_cast(2000, tally(2000, results(2000))).abstained == 1
    assert as_cast(2004, tally(2004, results(2004))).electors[D] == 251
    cast = as_cast(2024, tally(2024, results(2024)))
    assert cast.electors == cast.pledged.electors and cast.others == {}


def test_as_cast_refuses_an_inconsistent_tally() -> None:
    flipped = results(2016) | {"TX": D}
    with pytest.raises(ElectoralError, match="TX"):
        as_cast(2016, tally(2016, flipped))
    with pytest.raises(ElectoralError, match="2020"):
        as_cast(2016, tally(2020, results(2020)))
    assert all(f.year in (2000, 2004, 2016) for f in FAITHLESS)


def test_269_269_goes_to_the_house() -> None:
    # domain.md §2.7: 2024 with PA, MI and WI to Harris and NE-02 to Trump.
    tie = results(2024) | {"PA": D, "MI": D, "WI": D, "NE-02": R}
    result = tally(2024, tie)
    assert (result.electors[D], result.electors[R]) == (269, 269)
    assert result.winner is None and result.outcome is Outcome.CONTINGENT
    assert result.outcome.value == CONTINGENT_STATUS
    assert "the House chooses, one vote per state delegation" in CONTINGENT_STATUS
    assert "the Senate chooses the Vice President" in CONTINGENT_STATUS
    assert as_cast(2024, result).outcome is Outcome.CONTINGENT
    open_race = tally(2024, {r: p for r, p in tie.items() if r != "PA"})
    assert as_cast(2024, open_race).outcome is Outcome.UNDECIDED


def test_uncalled_races_are_undecided_or_not() -> None:
    partial = {r: p for r, p in results(2024).items() if r not in ("PA", "GA", "AZ")}
    result = tally(2024, partial)
    assert result.unallocated == ("AZ", "GA", "PA")
    assert result.unallocated_electors == 46 and result.allocated == 492
    assert result.outcome is Outcome.UNDECIDED and result.winner is None
    # Called races already past 270: decided with races outstanding.
    assert tally(2024, {r: R for r in RACES if r != "PA"}).winner is R
    # Nobody can reach 270: a third party holds the balance, the House decides.
    scattered = {r: Party.OTHER for r in ("CA", "TX", "FL")}
    scattered |= {r: D if i % 2 else R for i, r in enumerate(sorted(set(RACES) - set(scattered)))}
    rest = tally(2024, {r: p for r, p in scattered.items() if r != "WY"})
    assert rest.outcome is Outcome.CONTINGENT
    assert tally(2024, {}).outcome is Outcome.UNDECIDED


def test_race_keys_are_normalised_and_checked() -> None:
    assert tally(2024, {"ne-2": D, "pa": R}).winners == {"NE-02": D, "PA": R}
    with pytest.raises(ElectoralError, match="twice"):
        tally(2024, [("NE-02", D), ("NE-2", R)])
    with pytest.raises(ElectoralError, match="unknown race 'XX'"):
        tally(2024, {"XX": D})
    with pytest.raises(ElectoralError, match="unknown race 'NE-04'"):
        tally(2024, {"NE-04": D})
    with pytest.raises(ElectoralError, match="not a party"):
        tally(2024, {"PA": "whig"})  # type: ignore[dict-item]


def test_contingent_house_vote() -> None:
    delegations = {s: {D: 3, R: 2} for s in STATES[:26] if s != "DC"}
    delegations |= {s: {D: 1, R: 4} for s in STATES[26:] if s != "DC"}
    delegations[StateCode("PA")] = {D: 5, R: 5}
    vote = contingent_house_vote(delegations)
    assert sum(vote.votes.values()) + len(vote.divided) == 50
    assert vote.divided == ("PA",) and vote.absent == () and vote.needed == 26
    assert vote.quorum_met
    assert vote.winner == (D if vote.votes[D] >= 26 else R if vote.votes[R] >= 26 else None)
    evenly = {s: {D: 1, R: 1} for s in STATES if s != "DC"}
    assert contingent_house_vote(evenly).winner is None
    three_way = contingent_house_vote({StateCode("AZ"): {D: 4, R: 4, Party.OTHER: 1}})
    assert three_way.divided == ("AZ",) and not three_way.quorum_met and three_way.winner is None
    with pytest.raises(ElectoralError, match="DC"):
        contingent_house_vote({StateCode("DC"): {D: 1}})


def test_contingent_house_needs_26_states() -> None:
    states = [s for s in STATES if s != "DC"]
    at_25 = {s: {R: 1} if i < 25 else {D: 1} for i, s in enumerate(states)}
    assert contingent_house_vote(at_25).winner is None
    at_26 = {s: {R: 1} if i < 26 else {D: 1} for i, s in enumerate(states)}
    assert contingent_house_vote(at_26).winner is R


def test_contingent_house_input_is_checked() -> None:
    with pytest.raises(ElectoralError, match="twice"):
        contingent_house_vote({"pa": {D: 1}, "PA": {R: 1}})  # type: ignore[dict-item]
    with pytest.raises(ElectoralError, match="negative"):
        contingent_house_vote({StateCode("PA"): {D: -1}})
    vote = contingent_house_vote({StateCode("PA"): {D: 0}, StateCode("OH"): {R: 10}})
    assert vote.votes[R] == 1 and "PA" in vote.absent and len(vote.absent) == 49


def test_contingent_senate_vote() -> None:
    assert contingent_senate_vote({R: 51, D: 49}).winner is R
    assert contingent_senate_vote({R: 50, D: 50}).winner is None
    assert contingent_senate_vote({R: 51}).quorum_met is False
    with pytest.raises(ElectoralError, match="101"):
        contingent_senate_vote({R: 52, D: 49})
    with pytest.raises(ElectoralError, match="negative"):
        contingent_senate_vote({R: -1})


@given(PRESIDENTIAL_YEARS)
def test_electors_sum_to_the_apportionment_total(year: int) -> None:
    total = sum(electoral_votes(year).values())
    assert total == 538
    assert sum(race_electors(year).values()) == total


@given(PRESIDENTIAL_YEARS)
def test_every_state_allocated_exactly_once(year: int) -> None:
    races = race_electors(year)
    assert sorted(races) == sorted(RACES)
    by_state: dict[str, int] = {}
    for race, electors in races.items():
        by_state[race[:2]] = by_state.get(race[:2], 0) + electors
    assert by_state == electoral_votes(year)


@given(st.integers(min_value=1, max_value=10_000))
def test_majority_is_more_than_half(appointed: int) -> None:
    needed = majority(appointed)
    assert 2 * needed > appointed >= 2 * (needed - 1)
    assert majority(538) == 270


def test_majority_needs_someone_appointed() -> None:
    with pytest.raises(ElectoralError, match="no majority of 0"):
        majority(0)


@given(PRESIDENTIAL_YEARS, st.lists(st.sampled_from(list(Party)), min_size=56, max_size=56))
def test_tally_of_any_full_assignment(year: int, parties: list[Party]) -> None:
    result = tally(year, dict(zip(RACES, parties, strict=True)))
    assert sum(result.electors.values()) == 538 == result.appointed
    best = max(result.electors.values())
    assert (result.winner is not None) == (best >= 270)
    if result.winner is not None:
        assert result.electors[result.winner] >= 270
    else:
        assert result.outcome is Outcome.CONTINGENT


@given(st.dictionaries(st.sampled_from(RACES), st.sampled_from(list(Party))))
def test_tally_of_any_partial_assignment(winners: dict[str, Party]) -> None:
    result = tally(2024, winners)
    assert sum(result.electors.values()) + result.unallocated_electors == 538
    assert set(result.unallocated) == set(RACES) - set(winners)
    best = max(result.electors.values())
    if best >= 270:
        assert result.outcome is Outcome.PRESIDENT_ELECT
    elif best + result.unallocated_electors >= 270:
        assert result.outcome is Outcome.UNDECIDED
    else:
        assert result.outcome is Outcome.CONTINGENT
