"""Adversarial reporting orders: same votes, same arrival times per race, hostile order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from racedesk.backtest.orders import OrderModel, reorder
from racedesk.domain.counts import VoteMode
from racedesk.night.generator import generate_night
from racedesk.night.night import MODES, UNKNOWN, Night

STATES = ("PA", "NE", "DE")


@pytest.fixture(scope="module")
def night(data_dir: Path) -> Night:
    return generate_night(2020, seed=4, data_dir=data_dir, states=STATES)


def _counted_margin(night: Night, contest: str, rows: int) -> float:
    """The margin of the first ``rows`` rows of one contest (last count per series)."""
    index = np.flatnonzero(night.unit_contests[night.unit] == contest)[:rows]
    totals = night.take(index).unit_totals()
    dem = sum(v for k, v in totals.items() if k[2] == "dem")
    gop = sum(v for k, v in totals.items() if k[2] == "gop")
    return (dem - gop) / sum(totals.values())


@pytest.mark.parametrize("order", list(OrderModel))
def test_reorder_keeps_votes_times_and_series(night: Night, order: OrderModel) -> None:
    hostile = reorder(night, order)
    assert hostile.final() == night.final()
    assert np.all(np.diff(hostile.at) >= 0)
    for contest in np.unique(night.unit_contests):
        before = night.at[night.unit_contests[night.unit] == contest]
        after = hostile.at[hostile.unit_contests[hostile.unit] == contest]
        # The race's arrival times are handed out again (pushed a second apart at most).
        assert len(before) == len(after)
        assert np.abs(np.sort(before) - np.sort(after)).max() <= 60
    # Every (unit, candidate, mode) series still only grows, one count per second.
    key = (hostile.unit * 3 + hostile.candidate) * len(MODES) + hostile.mode
    order_ = np.lexsort((hostile.at, key))
    same = key[order_][1:] == key[order_][:-1]
    assert np.all(np.diff(hostile.votes[order_])[same] >= 0)
    assert np.all(np.diff(hostile.at[order_])[same] > 0)
    known = hostile.expected != UNKNOWN
    assert np.all(hostile.expected[known] >= 0)


def test_strongholds_first_skews_the_early_count(night: Night) -> None:
    contest = "2020-president-PA"
    rows = int((night.unit_contests[night.unit] == contest).sum() * 0.2)
    dem_first = _counted_margin(reorder(night, OrderModel.DEM_STRONGHOLDS_FIRST), contest, rows)
    gop_first = _counted_margin(reorder(night, OrderModel.GOP_STRONGHOLDS_FIRST), contest, rows)
    realistic = _counted_margin(night, contest, rows)
    assert dem_first > realistic + 0.1 and gop_first < realistic - 0.1


def test_mail_last_puts_every_mail_batch_after_the_rest(night: Night) -> None:
    hostile = reorder(night, OrderModel.MAIL_LAST)
    mail = MODES.index(VoteMode.MAIL)
    for contest in np.unique(hostile.unit_contests):
        rows = hostile.unit_contests[hostile.unit] == contest
        is_mail = hostile.mode[rows] == mail
        if is_mail.any() and (~is_mail).any():
            assert hostile.at[rows][is_mail].min() >= hostile.at[rows][~is_mail].max() - 60
