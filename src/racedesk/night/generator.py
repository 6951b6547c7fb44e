"""Replay generator: a realistic, seeded election night built from a year's final results.

For each state (and each Maine/Nebraska district, a contest with one unit of its own):

1. Every unit's final votes are cut into the five pools of ``reporting.Pool``. Pool shares
   vary across units (Dirichlet around the state's shares); each pool gets a partisan lean
   (log-odds shift ``lean ± lean_sd``). Candidate ``c``'s final count is split over pools by
   a multinomial draw with probabilities ``∝ share_p · exp(±lean_p / 2)`` (+ for dem, − for
   gop, 0 for other), so pools lean differently and the candidate totals are kept exactly.
2. Each pool is cut into 1–``batches`` batches by a second multinomial split of every
   candidate's pool count (shared Dirichlet batch fractions): again exact.
3. A pool's first batch arrives ``release_hours · time_scale · LogNormal(0, spread)`` hours
   after the state's final poll close (never before ``not_before_hours``; ``time_scale`` only
   for pools released within a day); the election-day pool is also delayed by
   ``(size / state median) ** size_exponent``: counting on the night takes longer in big
   counties, pre-processed votes are ready at close. Later batches follow at exponential gaps
   of mean ``gap_hours``.
4. Each update carries the unit's expected vote: ``total · exp(e1)`` while under half of the
   unit is counted, ``total · exp(e2)`` after (``e2`` a quarter as noisy), the exact total once
   the unit is complete, and never below what is already counted.

Every state draws from its own random stream (seeded by seed, year and state), so a replay of
a few states equals the same states' rows in the full national replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from racedesk.domain.contests import president_contest
from racedesk.domain.ids import STATE_FIPS
from racedesk.domain.polls import poll_close
from racedesk.errors import ConfigError
from racedesk.history.counties import load_county_results
from racedesk.history.states import load_district_results
from racedesk.night.build import group_cumsum
from racedesk.night.night import MODES, UNKNOWN, IntArray, Night
from racedesk.night.reporting import POOL_MODE, Pool, StateModel, state_model

FloatArray = npt.NDArray[np.float64]

_SIGN = np.array([0.5, -0.5, 0.0])  # dem, gop, other: half the lean each way
_POOL_MODE_INDEX = np.array([MODES.index(mode) for mode in POOL_MODE], dtype=np.int8)
_HOUR = 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class _Events:
    """One state's batches: unit (global index), pool, arrival second, votes per candidate."""

    unit: IntArray
    pool: IntArray
    at: IntArray
    votes: IntArray  # (events, 3)
    log_error: FloatArray  # (units of the state, 2): e1, e2 of the expected vote


def poll_closes(year: int, states: Iterable[str]) -> dict[str, datetime]:
    """Each state's final poll close (UTC), from the calendar facts."""
    return {state: poll_close(year, state) for state in states}


def generate_night(
    year: int,
    *,
    seed: int,
    data_dir: Path,
    states: Iterable[str] | None = None,
    closes: Mapping[str, datetime] | None = None,
    models: Mapping[str, StateModel] | None = None,
) -> Night:
    """Replay ``year``'s night from its final county and district results.

    ``states`` limits the replay to some states; ``closes`` overrides poll-close times and
    ``models`` the reporting model of some states (default ``reporting.state_model``).
    """
    results = load_county_results(year, data_dir)
    if states is not None:
        wanted = sorted(set(states))
        unknown = [s for s in wanted if s not in STATE_FIPS]
        if unknown:
            raise ConfigError(f"unknown state(s) {', '.join(unknown)}; use USPS codes like PA")
        results = results.for_states(wanted)
    districts = load_district_results(year, data_dir) if year >= 2016 else {}
    present = sorted({str(s) for s in results.states})
    districts = {k: v for k, v in districts.items() if k[:2] in present}
    if closes is None:
        closes = poll_closes(year, present)
    missing = [s for s in present if s not in closes]
    if missing:
        raise ConfigError(f"no poll-close time for {', '.join(missing)} in {year}")

    unit_ids = np.concatenate([results.units, np.array(sorted(districts), dtype=np.str_)])
    unit_states = np.concatenate([results.states, np.array([k[:2] for k in sorted(districts)])])
    races = np.concatenate([results.states, np.array(sorted(districts), dtype=np.str_)])
    contests = np.array([president_contest(year, str(race)).id for race in races])
    votes = np.concatenate(
        [
            np.stack([results.dem, results.gop, results.other], axis=1),
            np.array(
                [
                    [districts[k].dem, districts[k].gop, districts[k].other]
                    for k in sorted(districts)
                ],
                dtype=np.int64,
            ).reshape(-1, 3),
        ]
    )
    parts: list[_Events] = []
    errors = np.zeros((len(unit_ids), 2))
    for state in present:
        index = np.flatnonzero(unit_states == state)
        model = (models or {}).get(state) or state_model(year, state)
        close = int(closes[state].timestamp())
        rng = np.random.default_rng([seed, year, int(STATE_FIPS[state])])
        events = _state_events(rng, model, index, votes[index], close)
        errors[index] = events.log_error
        parts.append(events)
    return _assemble(year, seed, unit_ids, contests, votes, errors, parts)


def _state_events(
    rng: np.random.Generator, model: StateModel, index: IntArray, votes: IntArray, close: int
) -> _Events:
    n_units, n_pools = len(index), len(Pool)
    params = model.pools
    share = np.array([p.share for p in params])
    active = share > 0
    size = votes.sum(axis=1)

    # 1. Pool shares per unit (Dirichlet), leans, and the exact split of each candidate.
    gamma = np.zeros((n_units, n_pools))
    gamma[:, active] = rng.gamma(
        model.share_concentration * share[active], size=(n_units, int(active.sum()))
    )
    gamma[:, active] = np.maximum(gamma[:, active], 1e-12)
    unit_share = gamma / gamma.sum(axis=1, keepdims=True)
    lean = np.array([p.lean for p in params]) + np.array([p.lean_sd for p in params]) * (
        rng.standard_normal((n_units, n_pools))
    )
    weight = unit_share[:, None, :] * np.exp(_SIGN[None, :, None] * lean[:, None, :])
    weight /= weight.sum(axis=2, keepdims=True)
    pooled = rng.multinomial(votes, weight)  # (units, 3 candidates, pools)

    # 2. Batches: 1..batches per pool, more for bigger units; exact split again.
    n_batches = max(p.batches for p in params)
    most = np.array([p.batches for p in params])
    chance = np.clip(np.sqrt(size / 100_000), 0.15, 1.0)
    used = 1 + rng.binomial(most[None, :] - 1, chance[:, None])  # (units, pools)
    fractions = rng.gamma(1.0, size=(n_units, n_pools, n_batches))
    fractions[np.arange(n_batches)[None, None, :] >= used[:, :, None]] = 0.0
    fractions /= fractions.sum(axis=2, keepdims=True)
    fractions = np.broadcast_to(fractions[:, None, :, :], (n_units, 3, n_pools, n_batches))
    batched = rng.multinomial(pooled, fractions)  # (units, 3, pools, batches)

    # 3. Arrival times: later for bigger units, spread per pool, gaps between batches.
    median = max(float(np.median(size)), 1.0)
    release = np.array([p.release_hours for p in params])
    release = np.where(release < 24, release * model.time_scale, release)
    spread = np.array([p.spread for p in params])
    gap = np.array([p.gap_hours for p in params])
    scale = (np.maximum(size, 1) / median) ** model.size_exponent
    # Only counting on the night grows with size; pre-processed votes are ready at close.
    sized = np.ones((n_units, n_pools))
    sized[:, Pool.ELECTION_DAY] = scale
    first = release[None, :] * sized * np.exp(spread * rng.standard_normal(lean.shape))
    first = np.maximum(first, model.not_before_hours)
    gaps = rng.exponential(1.0, size=(n_units, n_pools, n_batches)) * gap[None, :, None]
    gaps[:, :, 0] = 0.0
    hours = first[:, :, None] + np.cumsum(gaps, axis=2)
    at = close + np.rint(hours * _HOUR).astype(np.int64)

    # 4. Keep batches with votes (a unit with no votes at all reports zeros once).
    per_batch = batched.transpose(0, 2, 3, 1)  # (units, pools, batches, 3)
    keep = per_batch.sum(axis=3) > 0
    keep[size == 0, Pool.ELECTION_DAY, 0] = True
    u, p, b = np.nonzero(keep)
    log_error = rng.standard_normal((n_units, 2)) * model.expected_error * np.array([1.0, 0.25])
    return _Events(
        unit=index[u],
        pool=p.astype(np.int64),
        at=at[u, p, b],
        votes=per_batch[u, p, b],
        log_error=log_error,
    )


def distinct_times(unit: IntArray, at: IntArray) -> IntArray:
    """Push apart a unit's batches that fall on the same second (1 s later each)."""
    order = np.lexsort((at, unit))
    rank = np.arange(len(order), dtype=np.int64)
    big = np.int64(1) << 34
    lifted = unit[order] * big + at[order] - rank
    fixed = np.maximum.accumulate(lifted) - unit[order] * big + rank
    out = np.empty_like(at)
    out[order] = fixed
    return out


def _assemble(
    year: int,
    seed: int,
    unit_ids: npt.NDArray[np.str_],
    contests: npt.NDArray[np.str_],
    final: IntArray,
    errors: FloatArray,
    parts: list[_Events],
) -> Night:
    unit = np.concatenate([e.unit for e in parts])
    pool = np.concatenate([e.pool for e in parts])
    votes = np.concatenate([e.votes for e in parts])
    at = distinct_times(unit, np.concatenate([e.at for e in parts]))
    mode = _POOL_MODE_INDEX[pool]

    # Cumulative counts per (unit, mode, candidate) and per unit, in time order.
    order = np.lexsort((pool, unit, at))
    unit, mode, at, votes = unit[order], mode[order], at[order], votes[order]
    cumulative = group_cumsum(unit * len(MODES) + mode, votes)
    counted = group_cumsum(unit, votes.sum(axis=1, keepdims=True))[:, 0]

    total = final.sum(axis=1)[unit]
    half = counted * 2 >= total
    log_error = np.where(half, errors[unit, 1], errors[unit, 0])
    expected = np.rint(total * np.exp(log_error)).astype(np.int64)
    expected = np.where(counted >= total, total, np.maximum(expected, counted))

    n = len(unit)
    return Night(
        year=year,
        source=f"replay-{year}-seed{seed}",
        unit_ids=unit_ids,
        unit_contests=contests,
        at=np.repeat(at, 3),
        unit=np.repeat(unit, 3),
        candidate=np.tile(np.arange(3, dtype=np.int8), n),
        mode=np.repeat(mode, 3),
        votes=cumulative.reshape(-1),
        expected=np.repeat(np.where(total > 0, expected, UNKNOWN), 3),
    )
