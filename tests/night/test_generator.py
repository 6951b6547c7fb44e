"""Property tests of the replay generator: exact finals, monotone counts, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from racedesk.domain.counts import VoteMode
from racedesk.domain.polls import poll_close
from racedesk.history.counties import load_county_results
from racedesk.history.states import load_district_results
from racedesk.night.generator import generate_night
from racedesk.night.night import MODES, Night

SOME_STATES = ("PA", "NE", "DE", "AK", "DC", "ME", "AZ", "WY")
FEW = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check_final(night: Night, year: int, states: list[str], data_dir: Path) -> None:
    results = load_county_results(year, data_dir).for_states(states)
    totals = night.unit_totals()
    expected: dict[tuple[str, str, str], int] = {}
    for i, unit in enumerate(results.units):
        contest = f"{year}-president-{results.states[i]}"
        for candidate, votes in zip(
            ("dem", "gop", "other"), (results.dem, results.gop, results.other), strict=True
        ):
            expected[(contest, str(unit), candidate)] = int(votes[i])
    for race, result in load_district_results(year, data_dir).items():
        if race[:2] in states:
            contest = f"{year}-president-{race}"
            expected[(contest, race, "dem")] = result.dem
            expected[(contest, race, "gop")] = result.gop
            expected[(contest, race, "other")] = result.other
    assert totals == expected


@FEW
@given(
    year=st.sampled_from([2016, 2020, 2024]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    states=st.lists(st.sampled_from(SOME_STATES), min_size=1, max_size=3, unique=True),
)
def test_final_state_equals_certified_county_results(
    data_dir: Path, year: int, seed: int, states: list[str]
) -> None:
    night = generate_night(year, seed=seed, data_dir=data_dir, states=states)
    _check_final(night, year, states, data_dir)


@FEW
@given(year=st.sampled_from([2016, 2020, 2024]), seed=st.integers(0, 2**32 - 1))
def test_counts_never_decrease_and_times_follow_poll_close(
    data_dir: Path, year: int, seed: int
) -> None:
    night = generate_night(year, seed=seed, data_dir=data_dir, states=["PA", "ME", "AZ"])
    key = (night.unit * 3 + night.candidate) * len(MODES) + night.mode
    order = np.argsort(key, kind="stable")  # stable: keeps arrival order within a key
    same = key[order][1:] == key[order][:-1]
    steps = np.diff(night.votes[order])[same]
    assert (steps >= 0).all()
    # One count per (unit, candidate, mode) per instant.
    pairs = np.stack([key, night.at], axis=1)
    assert len(np.unique(pairs, axis=0)) == len(night)
    for unit, contest in zip(night.unit_ids, night.unit_contests, strict=True):
        state = str(unit)[:2] if "-" in str(unit) and not str(unit)[0].isdigit() else None
        race = str(contest).rsplit("-", 1)[-1] if state is None else state
        close = int(poll_close(year, race[:2]).timestamp())
        mine = night.at[night.unit_ids[night.unit] == unit]
        assert mine.min() >= close


def test_same_seed_same_night_other_seed_other_night(data_dir: Path) -> None:
    first = generate_night(2020, seed=11, data_dir=data_dir, states=["WI", "NE"])
    again = generate_night(2020, seed=11, data_dir=data_dir, states=["WI", "NE"])
    other = generate_night(2020, seed=12, data_dir=data_dir, states=["WI", "NE"])
    for name in ("at", "unit", "candidate", "mode", "votes", "expected"):
        assert np.array_equal(getattr(first, name), getattr(again, name))
    assert len(first) != len(other) or not np.array_equal(first.votes, other.votes)


def test_a_few_states_replay_as_in_the_national_night(data_dir: Path) -> None:
    whole = generate_night(2024, seed=5, data_dir=data_dir)
    part = generate_night(2024, seed=5, data_dir=data_dir, states=["MI", "NE"])
    mine = np.isin(whole.unit_ids[whole.unit], part.unit_ids)
    assert len(part) == int(mine.sum())
    assert np.array_equal(whole.votes[mine], part.votes)
    assert np.array_equal(whole.at[mine], part.at)
    assert len(whole.unit_ids) == 3160 + 5  # every county-level unit and the 5 districts


def test_expected_vote_is_noisy_then_exact(data_dir: Path) -> None:
    night = generate_night(2020, seed=3, data_dir=data_dir, states=["PA"])
    final = night.unit_totals()
    total = {unit: 0 for _, unit, _ in final}
    for (_, unit, _), votes in final.items():
        total[unit] += votes
    truth = np.array([total[str(u)] for u in night.unit_ids])[night.unit]
    first = np.r_[True, night.unit[1:] != night.unit[:-1]]
    assert (night.expected > 0).all()
    assert not np.array_equal(night.expected, truth)  # not handed the answer
    last_row = {int(u): i for i, u in enumerate(night.unit)}
    ends = np.array(list(last_row.values()))
    assert np.array_equal(night.expected[ends], truth[ends])  # exact once complete
    relative = np.abs(night.expected / truth - 1)
    assert np.median(relative[first]) < 0.2


def test_vote_modes_lean_differently_in_2020(data_dir: Path) -> None:
    night = generate_night(2020, seed=8, data_dir=data_dir, states=["NC"])
    finals = night.final()

    def dem_share(mode: VoteMode) -> float:
        dem = sum(v for k, v in finals.items() if k[3] == mode.value and k[2] == "dem")
        gop = sum(v for k, v in finals.items() if k[3] == mode.value and k[2] == "gop")
        return dem / (dem + gop)

    assert dem_share(VoteMode.MAIL) > dem_share(VoteMode.EARLY) > dem_share(VoteMode.ELECTION_DAY)


def test_unknown_state_is_refused(data_dir: Path) -> None:
    from racedesk.errors import ConfigError

    with pytest.raises(ConfigError, match="XX"):
        generate_night(2020, seed=1, data_dir=data_dir, states=["XX"])
