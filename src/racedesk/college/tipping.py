"""The tipping-point race: the one that delivers the winner's majority-making elector.

Order the races the winner carried by the winner's margin, largest first, and add up their
electors: the race whose electors carry the running total to the majority (270 of 538) is the
tipping point. ``tipping_point`` does this once, on point-estimate margins; ``tipping_frequencies``
does it for every simulated draw at once and returns how often each race tips the election
(draws with no majority are left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from racedesk.domain.contests import Party


@dataclass(frozen=True, slots=True, kw_only=True)
class TippingPoint:
    race: str
    winner: Party
    margin: float  # the race's (dem − gop) / total
    electors_before: int  # the winner's electors from races carried by a larger margin
    electors_after: int  # ... including this race (at least the majority)


def tipping_point(
    margins: Mapping[str, float], electors: Mapping[str, int], majority: int
) -> TippingPoint | None:
    """The tipping point on fixed margins (positive: Democrat), or ``None`` without a majority.

    Races with equal margins are taken in name order so the answer is reproducible.
    """
    dem = sum(electors[race] for race, margin in margins.items() if margin > 0)
    gop = sum(electors[race] for race, margin in margins.items() if margin < 0)
    if dem >= majority:
        winner, sign = Party.DEM, 1.0
    elif gop >= majority:
        winner, sign = Party.GOP, -1.0
    else:
        return None
    running = 0
    for race in sorted(margins, key=lambda r: (-sign * margins[r], r)):
        before = running
        running += electors[race]
        if running >= majority:
            return TippingPoint(
                race=race,
                winner=winner,
                margin=margins[race],
                electors_before=before,
                electors_after=running,
            )
    raise AssertionError("unreachable: the winner's races sum to a majority")  # pragma: no cover


def tipping_frequencies(
    margins: npt.NDArray[np.floating], electors: npt.NDArray[np.integer], majority: int
) -> tuple[npt.NDArray[np.float64], int]:
    """Share of decided draws in which each race (column) is the tipping point, and that count.

    ``margins`` is draws × races (positive: Democrat); ``electors`` the races' electors.
    """
    weights = electors.astype(np.float32)
    dem = (margins > 0).astype(np.float32) @ weights
    gop = (margins < 0).astype(np.float32) @ weights
    sign = np.where(dem >= majority, 1.0, np.where(gop >= majority, -1.0, 0.0)).astype(np.float32)
    decided = sign != 0
    count = int(decided.sum())
    if count == 0:
        return np.zeros(margins.shape[1]), 0
    oriented = margins[decided] * sign[decided, None]
    order = np.argsort(-oriented, axis=1)
    running = np.cumsum(electors.astype(np.int16)[order], axis=1, dtype=np.int16)
    position = np.argmax(running >= majority, axis=1)
    tipping = order[np.arange(order.shape[0]), position]
    return np.bincount(tipping, minlength=margins.shape[1]) / count, count
