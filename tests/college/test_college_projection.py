"""The projection: real results fully called, symmetric cases, correlation, tipping points."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from collegekit import NIGHT, called, normal, real_results

from racedesk.college import project, tipping_frequencies, tipping_point
from racedesk.domain.contests import RACES, Party
from racedesk.errors import ModelError
from racedesk.model.estimate import Interval, RaceEstimate


@pytest.mark.parametrize(("year", "dem", "gop"), [(2024, 226, 312), (2020, 306, 232)])
def test_real_final_winners_fully_called(
    data_dir: Path, rng: np.random.Generator, year: int, dem: int, gop: int
) -> None:
    electors, winners = real_results(year, data_dir)
    assert sum(electors.values()) == 538 and set(electors) == set(RACES)
    statuses = {race: called(race, party) for race, party in winners.items()}
    projection = project(statuses, {}, electors, rng=rng, at=NIGHT)
    assert projection.called == {Party.DEM: dem, Party.GOP: gop}
    assert projection.uncalled == ()
    winner = Party.DEM if dem > gop else Party.GOP
    loser = Party.GOP if winner is Party.DEM else Party.DEM
    assert projection.win_probability == {winner: 1.0, loser: 0.0}
    assert projection.no_majority_probability == 0.0
    assert projection.expected_electors[Party.DEM] == dem
    assert projection.electors_90[Party.DEM] == (dem, dem)
    assert projection.distribution[dem] == 1.0 and sum(projection.distribution) == 1.0
    assert all(projection.race_probability[r] == float(p is Party.DEM) for r, p in winners.items())
    assert projection.majority == 270
    assert projection.tipping_point is not None and projection.tipping_point.winner is winner
    assert sum(projection.tipping_probability.values()) == pytest.approx(1.0)


def test_269_269_fully_called_has_no_majority(data_dir: Path, rng: np.random.Generator) -> None:
    electors, winners = real_results(2024, data_dir)
    winners |= {"PA": Party.DEM, "MI": Party.DEM, "WI": Party.DEM, "NE-02": Party.GOP}
    statuses = {race: called(race, party) for race, party in winners.items()}
    projection = project(statuses, {}, electors, rng=rng, at=NIGHT)
    assert projection.called == {Party.DEM: 269, Party.GOP: 269}
    assert projection.no_majority_probability == 1.0
    assert projection.win_probability == {Party.DEM: 0.0, Party.GOP: 0.0}
    assert projection.tipping_point is None and projection.tipping_probability == {}


def test_all_tossups_are_exactly_symmetric(rng: np.random.Generator) -> None:
    electors = dict.fromkeys(RACES, 10) | {"CA": 12}  # 562: majority 282, ties possible
    estimates = {race: normal(race, 0.0, 0.05) for race in RACES}
    projection = project({}, estimates, electors, rng=rng, at=NIGHT)
    p = projection.win_probability
    assert p[Party.DEM] == p[Party.GOP]
    assert p[Party.DEM] + p[Party.GOP] + projection.no_majority_probability == pytest.approx(1.0)
    dist = np.array(projection.distribution)
    assert np.allclose(dist, dist[::-1])


def test_mirrored_estimates_mirror_the_odds_exactly() -> None:
    electors = dict.fromkeys(RACES, 10)
    values = np.random.default_rng(3).normal(0.0, 0.08, len(RACES))
    ahead = {r: normal(r, float(m), 0.04) for r, m in zip(RACES, values, strict=True)}
    behind = {r: normal(r, -float(m), 0.04) for r, m in zip(RACES, values, strict=True)}
    a = project({}, ahead, electors, rng=np.random.default_rng(9), at=NIGHT)
    b = project({}, behind, electors, rng=np.random.default_rng(9), at=NIGHT)
    assert a.win_probability[Party.DEM] == b.win_probability[Party.GOP]
    assert a.win_probability[Party.GOP] == b.win_probability[Party.DEM]
    assert a.race_probability["PA"] == pytest.approx(1 - b.race_probability["PA"])


def test_one_race_decides_with_its_normal_probability(rng: np.random.Generator) -> None:
    # Called: DEM 260, GOP 268; PA (10) decides. P(DEM) = Φ(0.02 / 0.01) ≈ 0.977.
    electors = {"AA": 260, "BB": 268, "PA": 10}
    statuses = {"AA": called("AA", Party.DEM), "BB": called("BB", Party.GOP)}
    estimates = {"PA": normal("PA", 0.02, 0.01)}
    projection = project(statuses, estimates, electors, rng=rng, at=NIGHT, draws=20_000)
    expected = NormalDist().cdf(2.0)
    assert projection.win_probability[Party.DEM] == pytest.approx(expected, abs=0.005)
    assert projection.race_probability["PA"] == projection.win_probability[Party.DEM]
    assert projection.called == {Party.DEM: 260, Party.GOP: 268}
    assert projection.uncalled == ("PA",)
    assert projection.tipping_point is not None and projection.tipping_point.race == "PA"
    assert projection.tipping_probability == {"PA": 1.0}


def test_skewed_intervals_shape_the_draws(rng: np.random.Generator) -> None:
    # Point +1 but the 90% interval reaches far below: P(DEM) well under Φ(1/sd).
    z = NormalDist().inv_cdf(0.95)
    skewed = RaceEstimate(
        race="PA",
        counted_dem=0,
        counted_gop=0,
        counted_other=0,
        expected_total=1e6,
        margin=0.01,
        margin_sd=0.01,
        margin_intervals={0.9: Interval(lo=0.01 - z * 0.04, hi=0.01 + z * 0.005)},
    )
    electors = {"AA": 264, "BB": 264, "PA": 10}
    statuses = {"AA": called("AA", Party.DEM), "BB": called("BB", Party.GOP)}
    projection = project(statuses, {"PA": skewed}, electors, rng=rng, at=NIGHT, draws=20_000)
    assert projection.win_probability[Party.DEM] == pytest.approx(
        NormalDist().cdf(0.01 / 0.04), abs=0.01
    )


def test_a_shared_national_error_widens_the_spread(rng: np.random.Generator) -> None:
    electors = dict.fromkeys(RACES, 10)
    estimates = {race: normal(race, 0.01, 0.03) for race in RACES}
    spread = {}
    for rho in (0.0, 0.6, 0.95):
        p = project({}, estimates, electors, rng=rng, at=NIGHT, rho=rho)
        low, high = p.electors_90[Party.DEM]
        spread[rho] = high - low
    assert spread[0.0] < spread[0.6] < spread[0.95]
    assert spread[0.0] < 150 and spread[0.95] > 350


def test_an_uncalled_race_needs_an_estimate(rng: np.random.Generator) -> None:
    with pytest.raises(ModelError, match="no estimate for uncalled race"):
        project({}, {}, {"PA": 19}, rng=rng, at=NIGHT)
    with pytest.raises(ModelError, match="rho"):
        project({}, {}, {"PA": 19}, rng=rng, at=NIGHT, rho=1.5)


def test_seeded_projections_repeat() -> None:
    electors = dict.fromkeys(RACES, 10)
    estimates = {race: normal(race, 0.01, 0.05) for race in RACES}
    at = datetime(2024, 11, 6, 3, tzinfo=UTC)
    a = project({}, estimates, electors, rng=np.random.default_rng(5), at=at)
    b = project({}, estimates, electors, rng=np.random.default_rng(5), at=at)
    assert a == b


def test_tipping_point_on_a_constructed_map() -> None:
    electors = {"A": 100, "B": 100, "C": 80, "D": 100, "E": 158}
    margins = {"A": 0.30, "B": 0.10, "C": 0.02, "D": -0.05, "E": -0.20}
    tip = tipping_point(margins, electors, 270)
    assert tip is not None
    assert (tip.race, tip.winner, tip.electors_before, tip.electors_after) == (
        "C",
        Party.DEM,
        200,
        280,
    )
    flipped = tipping_point({r: -m for r, m in margins.items()}, electors, 270)
    assert flipped is not None and (flipped.race, flipped.winner) == ("C", Party.GOP)
    # GOP wins when C flips: E (158) + D (100) + C (80) → C brings the 270th elector.
    gop_tip = tipping_point(margins | {"C": -0.01}, electors, 270)
    assert gop_tip is not None and (gop_tip.race, gop_tip.electors_before) == ("C", 258)
    assert tipping_point({"A": 0.1, "B": -0.1}, {"A": 269, "B": 269}, 270) is None


def test_tipping_frequencies_per_draw() -> None:
    electors = np.array([100, 100, 80, 100, 158])
    dem_map = np.array([0.30, 0.10, 0.02, -0.05, -0.20])
    gop_map = np.array([0.30, 0.10, -0.01, -0.05, -0.20])  # C flips: GOP 338, tipping C
    rows = np.array([dem_map, dem_map, dem_map, gop_map])
    frequency, decided = tipping_frequencies(rows, electors, 270)
    assert decided == 4
    assert frequency.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    b_tips = np.array([[0.30, 0.01, 0.02, -0.05, -0.20]])  # order A, C, B: B brings 280
    frequency, _ = tipping_frequencies(b_tips, electors, 270)
    assert frequency.tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    tie = np.array([[0.1, -0.1]])
    frequency, decided = tipping_frequencies(tie, np.array([269, 269]), 270)
    assert decided == 0 and frequency.tolist() == [0.0, 0.0]
