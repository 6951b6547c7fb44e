"""Measuring a night the same way for real and replayed ones: how fast a contest counts, how
its early lean differs from its final lean, and how vote types lean.

These numbers choose the reporting model's parameters (``racedesk.night.reporting``) and compare
the model with the real 2020 nights (``racedesk.night.report``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.domain.counts import VoteMode
from racedesk.night.night import MODES, IntArray, Night

FloatArray = npt.NDArray[np.float64]
_HOUR = 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Curve:
    """A contest's running count after each instant something changed."""

    at: IntArray
    dem: IntArray
    gop: IntArray
    total: IntArray

    def counted(self, final_total: int) -> FloatArray:
        return self.total / max(final_total, 1)

    def margin(self) -> FloatArray:
        """(dem − gop) / counted; 0 before anything is counted."""
        return (self.dem - self.gop) / np.maximum(self.total, 1)


def contest_curve(night: Night, contest: str) -> Curve:
    """Sum every unit and mode of ``contest`` into one running count."""
    units = np.flatnonzero(night.unit_contests == contest)
    rows = np.flatnonzero(np.isin(night.unit, units))
    key = (night.unit[rows] * 3 + night.candidate[rows]) * len(MODES) + night.mode[rows]
    order = np.argsort(key, kind="stable")
    votes = night.votes[rows][order]
    previous = np.r_[0, votes[:-1]]
    starts = np.r_[True, key[order][1:] != key[order][:-1]]
    deltas = np.empty(len(rows), dtype=np.int64)
    deltas[order] = votes - np.where(starts, 0, previous)
    candidate = night.candidate[rows]
    columns = np.zeros((len(rows), 3), dtype=np.int64)
    columns[np.arange(len(rows)), candidate] = deltas
    running = np.cumsum(columns, axis=0)
    at = night.at[rows]
    last = np.r_[at[1:] != at[:-1], True] if len(at) else np.zeros(0, dtype=bool)
    running = running[last]
    return Curve(
        at=at[last],
        dem=running[:, 0],
        gop=running[:, 1],
        total=running.sum(axis=1),
    )


def hours_to(curve: Curve, close: int, final_total: int, share: float) -> float:
    """Hours after ``close`` until ``share`` of ``final_total`` was counted (nan if never)."""
    reached = np.flatnonzero(curve.counted(final_total) >= share)
    return float((curve.at[reached[0]] - close) / _HOUR) if len(reached) else float("nan")


def margin_at(curve: Curve, final_total: int, share: float) -> float:
    """The Democratic margin (share of counted votes) when ``share`` of the vote was in."""
    reached = np.flatnonzero(curve.counted(final_total) >= share)
    return float(curve.margin()[reached[0]]) if len(reached) else float("nan")


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteTypeFit:
    """How each vote mode leaned and weighed across a night's units (final counts)."""

    share: dict[VoteMode, float]  # of all votes
    lean: dict[VoteMode, float]  # median over units of log(dem/gop)_mode − log(dem/gop)_unit
    lean_sd: dict[VoteMode, float]
    share_sd: dict[VoteMode, float]  # spread of the mode's share across units


def fit_vote_types(night: Night) -> VoteTypeFit:
    """Fit pool shares and leans on a night reported by vote mode (e.g. NC 2020 by county)."""
    finals = night.final()
    unit_ids = sorted({unit for _, unit, _, _ in finals})
    position = {unit: i for i, unit in enumerate(unit_ids)}
    modes: list[VoteMode] = [m for m in MODES if m is not VoteMode.TOTAL]
    table = np.zeros((len(unit_ids), len(modes), 3))
    for (_, unit, candidate, mode), votes in finals.items():
        if mode != VoteMode.TOTAL.value:
            table[
                position[unit],
                modes.index(VoteMode(mode)),
                ["dem", "gop", "other"].index(candidate),
            ] = votes
    unit_total = table.sum(axis=(1, 2))
    overall = np.log(table[:, :, 0].sum(axis=1) / table[:, :, 1].sum(axis=1))
    fit: dict[str, dict[VoteMode, float]] = {"share": {}, "lean": {}, "lean_sd": {}, "share_sd": {}}
    for i, mode in enumerate(modes):
        dem, gop = table[:, i, 0], table[:, i, 1]
        ok = (dem > 0) & (gop > 0)
        lean = np.log(dem[ok] / gop[ok]) - overall[ok]
        mode_total = table[:, i, :].sum(axis=1)
        fit["share"][mode] = float(mode_total.sum() / unit_total.sum())
        fit["share_sd"][mode] = float(np.std(mode_total / unit_total))
        fit["lean"][mode] = float(np.median(lean)) if ok.any() else float("nan")
        fit["lean_sd"][mode] = float(np.std(lean)) if ok.any() else float("nan")
    return VoteTypeFit(**fit)


def unit_release_hours(
    night: Night, close: int, mode: VoteMode, share: float = 0.5
) -> tuple[FloatArray, FloatArray]:
    """Per unit: (final votes in ``mode``, hours until ``share`` of them were counted)."""
    m = MODES.index(mode)
    rows = np.flatnonzero(night.mode == m)
    unit = night.unit[rows]
    sizes: list[float] = []
    hours: list[float] = []
    for u in np.unique(unit):
        mine = rows[unit == u]
        at = night.at[mine]
        votes = night.votes[mine]
        stamps, first = np.unique(at, return_index=True)
        counts = np.add.reduceat(votes, first)
        final = counts[-1]
        if final <= 0:
            continue
        reached = np.flatnonzero(counts >= share * final)
        sizes.append(float(final))
        hours.append(float((stamps[reached[0]] - close) / _HOUR))
    return np.array(sizes), np.array(hours)


def fit_size_exponent(sizes: FloatArray, hours: FloatArray) -> float:
    """Slope of log(release hours) on log(size / median size): how delays grow with size."""
    ok = (sizes > 0) & (hours > 0)
    x = np.log(sizes[ok] / np.median(sizes[ok]))
    return float(np.polyfit(x, np.log(hours[ok]), 1)[0])
