"""The Electoral College projection: called electors, and the odds of reaching a majority.

Called races are fixed. Every uncalled race's final margin is drawn from its predictive
distribution with a shared national error, so that states move together as they do on a real
night (a polling or turnout miss is mostly national)::

    margin[d, i] = mean_i + sd_i · (ρ · z_national[d] + √(1 − ρ²) · z[d, i]),   z ~ N(0, 1)

so the correlation between any two states' errors is ρ² in the standardised scale and each state
keeps its own variance. ``ρ`` defaults to 0.6 (``DEFAULT_RHO``): between-state correlations of
state errors in presidential forecasts run about 0.3–0.5, and 0.6² = 0.36. ``sd_i`` matches the
model's 90% interval on each side (a split normal, so skewed intervals stay skewed); without
that interval it is ``margin_sd``. The draws form one ``draws × races`` matrix (10,000 draws by
default); the Democrat carries a race in a draw when its margin is positive.

The tipping point is reported twice: ``tipping_point`` from the point estimates (called races at
their estimated margin on the called side, or ±100 pts without an estimate), and
``tipping_probability``, the share of draws with a majority in which each race tips it (over the
first ``TIPPING_DRAWS`` draws: a sort per draw is the costliest step, and 2,000 draws give the
shares to about ±1 pt).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from racedesk.calls.status import Kind, RaceStatus
from racedesk.college.tipping import TippingPoint, tipping_frequencies, tipping_point
from racedesk.domain.contests import Party
from racedesk.domain.electoral import majority as majority_of
from racedesk.errors import ModelError
from racedesk.model.estimate import RaceEstimate

DEFAULT_DRAWS = 10_000
DEFAULT_RHO = 0.6
TIPPING_DRAWS = 2_000  # the tipping-point shares come from the first draws: ±1 pt, a third the time
SHAPE_LEVEL = 0.9  # the interval whose two halves set each race's spread
_Z_SHAPE = NormalDist().inv_cdf(0.5 + SHAPE_LEVEL / 2)
_MIN_SD = 1e-6


@dataclass(frozen=True, slots=True, kw_only=True)
class Projection:
    """The Electoral College at one instant: called electors and the simulated rest."""

    at: datetime
    draws: int
    rho: float
    appointed: int
    majority: int
    called: dict[Party, int]  # electors from called races, per party
    called_races: dict[str, Party]
    uncalled: tuple[str, ...]
    win_probability: dict[Party, float]  # P(at least a majority), per party
    no_majority_probability: float  # P(nobody reaches it: a contingent election)
    expected_electors: dict[Party, float]
    electors_90: dict[Party, tuple[int, int]]  # 5th and 95th percentiles
    distribution: tuple[float, ...]  # P(Democrat wins exactly k electors), k = 0..appointed
    race_probability: dict[str, float]  # P(Democrat carries the race); 1 or 0 once called
    tipping_point: TippingPoint | None  # from the point estimates
    tipping_probability: dict[str, float]  # races that tip some draws, most likely first


def _spreads(estimate: RaceEstimate) -> tuple[float, float]:
    """The race's standard deviation below and above its mean."""
    for level, interval in estimate.margin_intervals.items():
        if abs(level - SHAPE_LEVEL) < 1e-9:
            low = (estimate.margin - interval.lo) / _Z_SHAPE
            high = (interval.hi - estimate.margin) / _Z_SHAPE
            return max(low, _MIN_SD), max(high, _MIN_SD)
    return max(estimate.margin_sd, _MIN_SD), max(estimate.margin_sd, _MIN_SD)


def _simulate(
    rng: np.random.Generator,
    mean: npt.NDArray[np.float32],
    sd_low: npt.NDArray[np.float32],
    sd_high: npt.NDArray[np.float32],
    draws: int,
    rho: float,
) -> npt.NDArray[np.float32]:
    """``draws × races`` final margins: split normals sharing a national error (see above)."""
    races = mean.shape[0]
    # Antithetic pairs: half the draws, then their mirror image. Half the generator's work, less
    # noise, and a symmetric input gives exactly symmetric odds.
    pairs = (draws + 1) // 2
    shocks = np.empty((2 * pairs, races + 1), dtype=np.float32)
    rng.standard_normal(out=shocks[:pairs], dtype=np.float32)
    np.negative(shocks[:pairs], out=shocks[pairs:])
    shocks = shocks[:draws]
    # In place where possible: each temporary of this size costs page faults.
    joint = np.multiply(shocks[:, 1:], np.float32(np.sqrt(1.0 - rho * rho)))
    joint += np.float32(rho) * shocks[:, :1]
    sims = joint * sd_high
    if not np.array_equal(sd_low, sd_high):
        np.minimum(joint, 0, out=joint)
        joint *= sd_low - sd_high  # below the mean the spread is sd_low
        sims += joint
    sims += mean
    # float32 sums cancel to exactly 0 now and then: give such a draw to the side of the race's own
    # shock, so that mirrored draws stay mirrored.
    if not sims.all():
        rows, cols = np.nonzero(sims == 0)
        tiny = np.finfo(np.float32).tiny
        sims[rows, cols] = np.where(shocks[rows, cols + 1] > 0, tiny, -tiny)
    return sims


def project(
    statuses: Mapping[str, RaceStatus],
    estimates: Mapping[str, RaceEstimate],
    electors: Mapping[str, int],
    *,
    rng: np.random.Generator,
    at: datetime,
    draws: int = DEFAULT_DRAWS,
    rho: float = DEFAULT_RHO,
) -> Projection:
    """Project the College from the calls (``statuses``) and the estimates of uncalled races.

    ``electors`` maps every race (``"PA"``, ``"ME"`` at-large, ``"ME-01"`` ...) to its electors,
    as ``racedesk.domain.electoral.race_electors(year)`` gives them.
    """
    if draws < 1 or not 0.0 <= rho <= 1.0:
        raise ModelError(f"project: need draws >= 1 and 0 <= rho <= 1 (got {draws}, {rho})")
    races = sorted(electors)
    called = {
        race: status.winner
        for race, status in statuses.items()
        if race in electors and status.kind is Kind.CALLED and status.winner is not None
    }
    uncalled = tuple(race for race in races if race not in called)
    missing = [race for race in uncalled if race not in estimates]
    if missing:
        raise ModelError(f"project: no estimate for uncalled race(s) {', '.join(missing)}")
    appointed = sum(electors.values())
    majority = majority_of(appointed)
    called_dem = sum(electors[r] for r, p in called.items() if p is Party.DEM)
    called_gop = sum(electors[r] for r, p in called.items() if p is Party.GOP)

    mean = np.array([estimates[r].margin for r in uncalled], dtype=np.float32)
    spreads = np.array([_spreads(estimates[r]) for r in uncalled], dtype=np.float32).reshape(-1, 2)
    sims = _simulate(rng, mean, spreads[:, 0], spreads[:, 1], draws, rho)
    weights = np.array([electors[r] for r in uncalled], dtype=np.int16)
    dem_wins = sims > 0
    # Integer products: exact, and free of BLAS thread start-up (ms of jitter on 2 cores).
    dem = called_dem + (dem_wins.view(np.uint8) @ weights).astype(np.int64)
    gop = appointed - dem  # no margin is exactly 0 (see _simulate)

    # All races' margins for the tipping point: called ones fixed on the called side.
    def fixed(race: str) -> float:
        sign = 1.0 if called[race] is Party.DEM else -1.0
        estimate = estimates.get(race)
        return sign * max(abs(estimate.margin), 1e-9) if estimate is not None else sign

    fixed_margins = {race: fixed(race) for race in called}
    point = {**fixed_margins, **{r: estimates[r].margin for r in uncalled}}
    base = np.array([fixed_margins.get(race, 0.0) for race in races], dtype=np.float32)
    full = np.repeat(base[None, :], min(draws, TIPPING_DRAWS), axis=0)
    full[:, [races.index(race) for race in uncalled]] = sims[:TIPPING_DRAWS]
    sample = full[:TIPPING_DRAWS]
    frequency, _ = tipping_frequencies(sample, np.array([electors[r] for r in races]), majority)
    tipping_probability = {
        races[j]: float(frequency[j]) for j in np.argsort(-frequency) if frequency[j] > 0
    }
    race_probability = {race: float(p is Party.DEM) for race, p in called.items()}
    carried = np.count_nonzero(dem_wins, axis=0) / draws
    race_probability.update(zip(uncalled, carried.tolist(), strict=True))
    dem_5, dem_95 = (int(x) for x in np.percentile(dem, [5, 95], method="nearest"))
    counts = np.bincount(dem, minlength=appointed + 1)[: appointed + 1] / draws
    return Projection(
        at=at,
        draws=draws,
        rho=rho,
        appointed=appointed,
        majority=majority,
        called={Party.DEM: called_dem, Party.GOP: called_gop},
        called_races=called,
        uncalled=uncalled,
        win_probability={
            Party.DEM: float(np.mean(dem >= majority)),
            Party.GOP: float(np.mean(gop >= majority)),
        },
        no_majority_probability=float(np.mean((dem < majority) & (gop < majority))),
        expected_electors={Party.DEM: float(dem.mean()), Party.GOP: float(gop.mean())},
        electors_90={
            Party.DEM: (dem_5, dem_95),
            Party.GOP: (appointed - dem_95, appointed - dem_5),
        },
        distribution=tuple(counts.tolist()),
        race_probability={race: race_probability[race] for race in races},
        tipping_point=tipping_point(point, electors, majority),
        tipping_probability=tipping_probability,
    )
