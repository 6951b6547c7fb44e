"""Reporting-order models: the realistic generated night, and adversarial reorderings of it.

An adversarial order keeps each race's *arrival times* (the multiset of instants at which the
generated night delivers a batch in that race) and hands them out again in a hostile order:

* ``dem-strongholds-first`` / ``gop-strongholds-first``: units by their final margin, the
  candidate's strongest units first, each unit reporting all its batches before the next;
* ``biggest-last``: units by final size, smallest first, the big metro counties last;
* ``mail-last``: every mail batch after every other batch of the race;
* ``election-day-last``: every election-day batch after every other batch.

A batch here is one (unit, vote mode) update. A unit's batches of one mode keep their order, so
counts stay cumulative; two batches of one unit never share a second. The expected vote each
update carries is raised to what the unit has counted by then, and is the exact total once the
unit is complete, as in the generator.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from racedesk.domain.counts import VoteMode
from racedesk.night.build import group_cumsum
from racedesk.night.generator import distinct_times
from racedesk.night.night import MODES, UNKNOWN, IntArray, Night

FloatArray = npt.NDArray[np.float64]


class OrderModel(StrEnum):
    REALISTIC = "realistic"
    DEM_STRONGHOLDS_FIRST = "dem-strongholds-first"
    GOP_STRONGHOLDS_FIRST = "gop-strongholds-first"
    BIGGEST_LAST = "biggest-last"
    MAIL_LAST = "mail-last"
    ELECTION_DAY_LAST = "election-day-last"


ADVERSARIAL: tuple[OrderModel, ...] = tuple(o for o in OrderModel if o is not OrderModel.REALISTIC)


def _event_starts(night: Night) -> IntArray:
    """First row of each event: rows sharing (at, unit, mode) are one update of one unit."""
    change = (np.diff(night.at) != 0) | (np.diff(night.unit) != 0) | (np.diff(night.mode) != 0)
    return np.flatnonzero(np.r_[True, change]).astype(np.int64)


def _unit_finals(night: Night) -> tuple[FloatArray, FloatArray]:
    """Each unit's final total and margin ``(dem - gop) / total`` (0 for empty units)."""
    n_units = len(night.unit_ids)
    key = (night.unit * 3 + night.candidate) * len(MODES) + night.mode
    order = np.argsort(key, kind="stable")
    last = order[np.r_[np.diff(key[order]) != 0, True]]
    votes = np.zeros((n_units, 3))
    np.add.at(votes, (night.unit[last], night.candidate[last]), night.votes[last])
    total = votes.sum(axis=1)
    margin = np.where(total > 0, (votes[:, 0] - votes[:, 1]) / np.maximum(total, 1), 0.0)
    return total, margin


def _event_key(order: OrderModel, unit: IntArray, mode: IntArray, night: Night) -> FloatArray:
    total, margin = _unit_finals(night)
    if order is OrderModel.DEM_STRONGHOLDS_FIRST:
        return -margin[unit]
    if order is OrderModel.GOP_STRONGHOLDS_FIRST:
        return margin[unit]
    if order is OrderModel.BIGGEST_LAST:
        return total[unit]
    target = VoteMode.MAIL if order is OrderModel.MAIL_LAST else VoteMode.ELECTION_DAY
    flags: FloatArray = (mode == MODES.index(target)).astype(np.float64)
    return flags


def reorder(night: Night, order: OrderModel) -> Night:
    """``night`` with its batches handed the race's arrival times in ``order``."""
    if order is OrderModel.REALISTIC or len(night) == 0:
        return night
    starts = _event_starts(night)
    sizes = np.diff(np.r_[starts, len(night)])
    unit, at = night.unit[starts], night.at[starts]
    mode = night.mode[starts].astype(np.int64)
    _, race = np.unique(night.unit_contests[unit], return_inverse=True)
    key = _event_key(order, unit, mode, night)
    # Unit index breaks ties so a unit's events stay together under a shared key.
    hostile = np.lexsort((at, unit, key, race))
    by_time = np.lexsort((at, race))
    new_at = np.empty_like(at)
    new_at[hostile] = at[by_time]
    new_at = distinct_times(unit, new_at)

    row_at = np.repeat(new_at, sizes)
    event_of_row = np.repeat(np.arange(len(starts)), sizes)
    rows = np.lexsort((np.arange(len(night)), row_at))
    event_order = np.lexsort((np.arange(len(starts)), new_at))
    expected = _expected(night, starts, unit, mode, event_order)
    return Night(
        year=night.year,
        source=f"{night.source}-{order.value}",
        unit_ids=night.unit_ids,
        unit_contests=night.unit_contests,
        at=row_at[rows],
        unit=night.unit[rows],
        candidate=night.candidate[rows],
        mode=night.mode[rows],
        votes=night.votes[rows],
        expected=expected[event_of_row][rows],
    )


def _expected(
    night: Night,
    starts: IntArray,
    unit: IntArray,
    mode: IntArray,
    event_order: IntArray,
) -> IntArray:
    """Per event: the expected vote, never below the unit's count then, exact once complete."""
    event_total = np.add.reduceat(night.votes, starts)  # cumulative per (unit, mode)
    series = unit * len(MODES) + mode
    # Increments per (unit, mode) in the original order (kept within a series by the reorder).
    original = np.lexsort((np.arange(len(starts)), night.at[starts], series))
    delta = np.empty_like(event_total)
    ordered = event_total[original]
    first = np.r_[True, series[original][1:] != series[original][:-1]]
    delta[original] = np.where(first, ordered, ordered - np.r_[0, ordered[:-1]])
    counted = np.empty_like(event_total)
    counted[event_order] = group_cumsum(unit[event_order], delta[event_order][:, None])[:, 0]
    final = np.zeros(len(night.unit_ids), dtype=np.int64)
    np.maximum.at(final, unit, counted)
    given = night.expected[starts]
    raised = np.where(counted >= final[unit], final[unit], np.maximum(given, counted))
    result: IntArray = np.where(given == UNKNOWN, UNKNOWN, raised)
    return result
