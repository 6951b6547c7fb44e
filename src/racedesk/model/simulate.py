"""Snapshots of a night simulated from a past election's final results (benches and tests).

Every state reports at once: at share ``p``, the first ``round(p * n)`` units of each state in the
chosen order have reported. A reported unit is complete, or (with probability
``partial_probability``) partly counted: a share ``f ~ U(0.15, 0.95)`` of its votes, whose margin is
off its final margin by ``bias * (1 - f)``, ``bias`` the sum of a state-wide ``N(0, bias_sd)``
and a unit's own ``N(0, bias_sd / 2)`` (vote modes counted in an unlucky order, alike across a
state), and the feed's expected vote is the final total times ``exp(N(0,
expected_sd))``. A district race (one unit) is counted at the share ``p``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.history.counties import CountyResults
from racedesk.history.states import RaceResult
from racedesk.model.features import UnitFeatures
from racedesk.model.snapshot import Snapshot

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]


class Order(enum.Enum):
    RANDOM = "random"
    SMALLEST_FIRST = "smallest-first"
    DEM_STRONGHOLDS_FIRST = "dem-strongholds-first"
    GOP_STRONGHOLDS_FIRST = "gop-strongholds-first"


@dataclass(frozen=True, slots=True, kw_only=True)
class Night:
    """The final count of every unit of every race: what a simulated night converges to."""

    units: StrArray
    races: StrArray
    dem: IntArray
    gop: IntArray
    other: IntArray

    @property
    def total(self) -> IntArray:
        return self.dem + self.gop + self.other

    def race_margins(self) -> dict[str, float]:
        keys, index = np.unique(self.races, return_inverse=True)
        dem = np.bincount(index, weights=self.dem, minlength=len(keys))
        gop = np.bincount(index, weights=self.gop, minlength=len(keys))
        total = np.bincount(index, weights=self.total, minlength=len(keys))
        return {str(k): float((dem[r] - gop[r]) / total[r]) for r, k in enumerate(keys)}


def night_from_results(final: CountyResults, districts: Mapping[str, RaceResult]) -> Night:
    """Counties (race = state) plus one unit per Maine/Nebraska district (race = district)."""
    keys = sorted(districts)
    return Night(
        units=np.concatenate([final.units, np.asarray(keys, dtype=np.str_)]),
        races=np.concatenate([final.states, np.asarray(keys, dtype=np.str_)]),
        dem=np.concatenate([final.dem, [districts[k].dem for k in keys]]).astype(np.int64),
        gop=np.concatenate([final.gop, [districts[k].gop for k in keys]]).astype(np.int64),
        other=np.concatenate([final.other, [districts[k].other for k in keys]]).astype(np.int64),
    )


def _order_key(
    night: Night, features: UnitFeatures, order: Order, rng: np.random.Generator
) -> FloatArray:
    noise = rng.random(len(night.units)) * 1e-6
    if order is Order.RANDOM:
        return rng.random(len(night.units))
    if order is Order.SMALLEST_FIRST:
        return features.baseline_total + noise
    if order is Order.DEM_STRONGHOLDS_FIRST:
        return -features.baseline_margin + noise
    return features.baseline_margin + noise


def simulate(
    night: Night,
    features: UnitFeatures,
    share: float,
    order: Order,
    rng: np.random.Generator,
    *,
    partial_probability: float = 0.3,
    bias_sd: float = 0.1,
    expected_sd: float = 0.05,
) -> Snapshot:
    """The snapshot of ``night`` when a share ``share`` of each state's units has reported."""
    n = len(night.units)
    key = _order_key(night, features, order, rng)
    ranked = np.lexsort((key, night.races))
    _, start, count = np.unique(night.races[ranked], return_index=True, return_counts=True)
    group = np.repeat(np.arange(len(start)), count)
    rank = np.empty(n, dtype=np.int64)
    rank[ranked] = np.arange(n) - start[group]
    quota = np.empty(n, dtype=np.int64)
    quota[ranked] = np.rint(share * count[group]).astype(np.int64)
    single = np.zeros(n, dtype=bool)
    single[ranked] = count[group] == 1
    reported = (rank < quota) | single

    partial = reported & ((rng.random(n) < partial_probability) | single)
    fraction = np.where(single, share, rng.uniform(0.15, 0.95, n))
    fraction = np.where(partial, fraction, np.where(reported, 1.0, 0.0))
    total = night.total.astype(np.float64)
    margin = (night.dem - night.gop) / np.maximum(total, 1.0)
    other_share = night.other / np.maximum(total, 1.0)
    _, race_index = np.unique(night.races, return_inverse=True)
    shared_bias = rng.normal(0.0, bias_sd, race_index.max() + 1)[race_index]
    bias = (shared_bias + rng.normal(0.0, bias_sd / 2, n)) * (1.0 - fraction) * partial
    counted_total = np.floor(fraction * total)
    counted_margin = np.clip(margin + bias, -(1 - other_share), 1 - other_share)
    dem = np.minimum(np.floor(counted_total * (1 - other_share + counted_margin) / 2), night.dem)
    gop = np.minimum(np.floor(counted_total * (1 - other_share - counted_margin) / 2), night.gop)
    other = np.minimum(np.floor(counted_total * other_share), night.other)
    complete = reported & ~partial
    dem = np.where(complete, night.dem, dem)
    gop = np.where(complete, night.gop, gop)
    other = np.where(complete, night.other, other)
    expected = np.where(partial, total * np.exp(rng.normal(0.0, expected_sd, n)), np.nan)
    return Snapshot(
        units=night.units,
        races=night.races,
        counted_dem=dem.astype(np.int64),
        counted_gop=gop.astype(np.int64),
        counted_other=other.astype(np.int64),
        expected_votes=expected,
        complete=complete,
        features=features,
    )
