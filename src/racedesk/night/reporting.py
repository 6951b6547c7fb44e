"""The seeded reporting model of a replayed night: its parameters, by year and state.

Every unit's final vote is cut into five *pools* (early in person, mail counted on the night,
late mail, election day, provisional). Each pool has a share of the unit's votes, a partisan
lean, a release time after poll close and a number of batches. ``docs/replay.md`` describes the
model and how these numbers were chosen.

The 2020 leans, the shares' spread across counties, the election-day release time and the
size exponent were fitted on the North Carolina 2020 county-by-vote-type night
(``racedesk.night.calibrate.fit_vote_types``; ``tests/night/test_calibrate.py`` pins them to
the fit). The state overrides follow the 2020 statewide series (when each state reached 50% and
90% of its vote) and the reporting rules in ``shared/docs/domain.md`` §5.3.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum
from types import MappingProxyType
from typing import Any

from racedesk.domain.counts import VoteMode


class Pool(IntEnum):
    """A slice of a unit's vote that is counted and released together."""

    EARLY = 0
    MAIL = 1
    LATE_MAIL = 2  # mail counted days later: late arrivals, cures, Arizona's "late earlies"
    ELECTION_DAY = 3
    PROVISIONAL = 4


# The vote mode each pool is reported under (late mail adds to the unit's mail count).
POOL_MODE: tuple[VoteMode, ...] = (
    VoteMode.EARLY,
    VoteMode.MAIL,
    VoteMode.MAIL,
    VoteMode.ELECTION_DAY,
    VoteMode.PROVISIONAL,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolParams:
    """How one pool is cut and released.

    ``lean`` is a log-odds shift of Democratic versus Republican votes given to this pool
    (positive: more Democratic than the unit's other pools), ``lean_sd`` its spread across
    units. The first batch comes ``release_hours`` after poll close for a unit of the state's
    median size, times a lognormal factor of sigma ``spread``; later batches follow at
    exponential gaps of mean ``gap_hours``.
    """

    share: float
    lean: float = 0.0
    lean_sd: float = 0.1
    release_hours: float = 1.0
    spread: float = 0.5
    batches: int = 2
    gap_hours: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"pool share {self.share} is not in [0, 1]")
        if self.release_hours <= 0 or self.spread < 0 or self.gap_hours <= 0:
            raise ValueError("release_hours and gap_hours must be > 0, spread >= 0")
        if self.batches < 1 or self.lean_sd < 0:
            raise ValueError("a pool has at least one batch and a lean_sd >= 0")


@dataclass(frozen=True, slots=True, kw_only=True)
class StateModel:
    """The reporting model of one state in one year."""

    pools: tuple[PoolParams, ...]  # indexed by Pool
    size_exponent: float = 0.12  # election-day delay grows as (size / state median) ** this
    share_concentration: float = 20.0  # Dirichlet concentration of pool shares across units
    not_before_hours: float = 0.05  # nothing is published earlier (Arizona: 1 hour)
    expected_error: float = 0.08  # log-sd of the expected vote before election-day returns
    time_scale: float = 1.0  # multiplies the release of the night's pools (not late ones)

    def __post_init__(self) -> None:
        if len(self.pools) != len(Pool):
            raise ValueError(f"a state model needs {len(Pool)} pools, got {len(self.pools)}")
        if sum(p.share for p in self.pools) <= 0:
            raise ValueError("pool shares sum to zero")
        if self.share_concentration <= 0 or self.expected_error < 0 or self.time_scale <= 0:
            raise ValueError("share_concentration must be > 0 and expected_error >= 0")

    def with_pools(self, **changes: dict[str, Any]) -> StateModel:
        """A copy with some pools changed: ``with_pools(mail={"share": 0.4})``."""
        pools = list(self.pools)
        for name, fields in changes.items():
            index = Pool[name.upper()]
            pools[index] = replace(pools[index], **fields)
        return replace(self, pools=tuple(pools))


def _model(
    early: PoolParams,
    mail: PoolParams,
    late: PoolParams,
    day: PoolParams,
    provisional: PoolParams,
) -> StateModel:
    return StateModel(pools=(early, mail, late, day, provisional))


# National defaults. 2020 leans and spreads: fitted on NC 2020, where the measured county leans
# are absentee +1.02, early in person -0.06, election day -0.55, provisional -0.39 (county sd
# 0.26 / 0.12 / 0.22). ``lean`` is set so that a replay *measures* those leans (the split's
# normalisation pulls every pool's measured lean down by about 0.08).
_BASE_2020 = _model(
    PoolParams(share=0.26, lean=0.03, lean_sd=0.12, release_hours=0.4, spread=0.6, gap_hours=0.6),
    PoolParams(share=0.43, lean=1.12, lean_sd=0.24, release_hours=0.5, spread=0.8, batches=3),
    PoolParams(share=0.02, lean=0.6, lean_sd=0.3, release_hours=60, spread=0.5, gap_hours=24),
    PoolParams(share=0.28, lean=-0.47, lean_sd=0.2, release_hours=1.2, spread=0.45, batches=4),
    PoolParams(share=0.01, lean=-0.3, lean_sd=0.5, release_hours=140, spread=0.3, batches=1),
)
# 2016 and before: mail and early votes barely leaned (no partisan split over voting method).
_BASE_2016 = _model(
    PoolParams(share=0.24, lean=0.05, release_hours=0.4, spread=0.6, gap_hours=0.6),
    PoolParams(share=0.18, lean=0.1, release_hours=0.5, spread=0.8, batches=3),
    PoolParams(share=0.01, lean=0.1, release_hours=60, spread=0.5, gap_hours=24),
    PoolParams(share=0.56, lean=-0.05, release_hours=1.2, spread=0.45, batches=4),
    PoolParams(share=0.01, lean=0.1, lean_sd=0.3, release_hours=140, spread=0.3, batches=1),
)
# 2024: Republicans voted early in person; mail still leaned Democratic, less than in 2020.
_BASE_2024 = _BASE_2020.with_pools(
    early={"share": 0.32, "lean": -0.1},
    mail={"share": 0.27, "lean": 0.6},
    late_mail={"lean": 0.3},
    election_day={"share": 0.38, "lean": -0.35},
)
_BASE: dict[int, StateModel] = {
    2008: _BASE_2016.with_pools(early={"share": 0.18}, mail={"share": 0.14}),
    2012: _BASE_2016.with_pools(early={"share": 0.2}, mail={"share": 0.16}),
    2016: _BASE_2016,
    2020: _BASE_2020,
    2024: _BASE_2024,
}

# Mail-heavy states that keep counting for days (2020 series: CA, UT, WA reached 75-90% only
# 2-4 days after close; OR and CO within hours).
_ALL_MAIL_SLOW: dict[str, dict[str, Any]] = {
    "early": {"share": 0.03},
    "mail": {"share": 0.62, "release_hours": 0.3, "spread": 0.4},
    "late_mail": {"share": 0.3, "release_hours": 50, "spread": 0.7, "batches": 4},
    "election_day": {"share": 0.04},
}
_ALL_MAIL_FAST: dict[str, dict[str, Any]] = {
    "early": {"share": 0.02},
    "mail": {"share": 0.86, "release_hours": 0.3, "spread": 0.4},
    "late_mail": {"share": 0.08, "release_hours": 40, "spread": 0.7},
    "election_day": {"share": 0.03},
}

# Per (year, state) changes to the year's base model.
_OVERRIDES: dict[tuple[int, str], dict[str, dict[str, Any]]] = {
    # Pennsylvania: no early voting; mail may not be opened before 7 am on Election Day, so
    # in-person results come first and mail trickles in for days (red mirage, blue shift).
    (2020, "PA"): {
        "early": {"share": 0.0},
        "mail": {"share": 0.37, "release_hours": 3, "spread": 1.3, "batches": 4, "gap_hours": 6},
        "election_day": {"share": 0.61, "release_hours": 1.8},
    },
    (2024, "PA"): {
        "early": {"share": 0.0},
        "mail": {"share": 0.3, "release_hours": 5, "spread": 0.9, "batches": 4, "gap_hours": 4},
        "election_day": {"share": 0.68, "release_hours": 1.8},
    },
    # Wisconsin: absentees counted only from Election Day, central counts (Milwaukee) report
    # in the small hours of Wednesday.
    (2020, "WI"): {
        "early": {"share": 0.0},
        "mail": {"share": 0.6, "release_hours": 1.0, "spread": 1.0, "gap_hours": 1.5},
        "election_day": {"share": 0.38, "release_hours": 1.3},
    },
    (2024, "WI"): {
        "early": {"share": 0.0},
        "mail": {"share": 0.4, "release_hours": 3.0, "spread": 0.7, "gap_hours": 1.5},
        "election_day": {"share": 0.58, "release_hours": 1.3},
    },
    # Michigan 2020: ten hours of pre-processing only; absentees came through the night.
    (2020, "MI"): {
        "early": {"share": 0.0},
        "mail": {"share": 0.57, "release_hours": 2, "spread": 0.9, "batches": 4, "gap_hours": 2},
        "election_day": {"share": 0.41, "release_hours": 2.5},
    },
    # Michigan 2024: nine days of early voting and early tabulation: a much faster night.
    (2024, "MI"): {
        "early": {"share": 0.2, "release_hours": 0.8},
        "mail": {"share": 0.38, "release_hours": 1.0, "spread": 0.6},
        "election_day": {"share": 0.4, "release_hours": 1.5},
    },
    # Georgia 2020: early in person first; metro Atlanta's mail late into the night.
    (2020, "GA"): {
        "early": {"share": 0.53, "release_hours": 0.8},
        "mail": {"share": 0.26, "release_hours": 5, "spread": 0.8, "gap_hours": 2},
        "election_day": {"share": 0.19, "release_hours": 2.0},
    },
    # Virginia 2020: central absentee precincts reported after the in-person vote.
    (2020, "VA"): {
        "early": {"share": 0.3, "release_hours": 2.5, "spread": 0.8},
        "mail": {"share": 0.2, "release_hours": 4.0, "spread": 0.8},
        "election_day": {"share": 0.48, "release_hours": 1.2},
    },
    # Florida and North Carolina: mail and early votes pre-processed, released at close.
    (2020, "FL"): {
        "early": {"share": 0.39, "release_hours": 0.25, "spread": 0.3},
        "mail": {"share": 0.43, "release_hours": 0.25, "spread": 0.3},
        "election_day": {"share": 0.16, "release_hours": 2.0, "spread": 0.4},
    },
    (2020, "NC"): {
        "early": {"share": 0.64, "release_hours": 0.4, "spread": 0.3},
        "mail": {"share": 0.18, "release_hours": 0.4, "spread": 0.3},
        "election_day": {"share": 0.16, "release_hours": 1.2},
        "provisional": {"share": 0.002},
    },
    # Arizona: nothing before one hour after close; early ballots received before the weekend
    # come first, "late earlies" dropped off on Election Day take days and in 2020 leaned right.
    (2020, "AZ"): {
        "early": {"share": 0.02},
        "mail": {"share": 0.7, "release_hours": 1.0, "spread": 0.2},
        "late_mail": {"share": 0.16, "lean": -0.3, "release_hours": 30, "batches": 5},
        "election_day": {"share": 0.11, "release_hours": 2.5},
    },
    (2024, "AZ"): {
        "early": {"share": 0.02},
        "mail": {"share": 0.55, "release_hours": 1.0, "spread": 0.2},
        "late_mail": {"share": 0.25, "lean": 0.0, "release_hours": 40, "batches": 5},
        "election_day": {"share": 0.17, "release_hours": 2.5},
    },
    # Nevada: mail postmarked by Election Day counted for days.
    (2020, "NV"): {
        "early": {"share": 0.12, "release_hours": 1.0},
        "mail": {"share": 0.55, "release_hours": 1.0},
        "late_mail": {"share": 0.2, "release_hours": 40, "batches": 4},
        "election_day": {"share": 0.12, "release_hours": 1.5},
    },
    # New York and Maryland 2020 counted most mail a week or more later; Alaska too.
    (2020, "NY"): {"mail": {"share": 0.2, "release_hours": 170, "spread": 0.3}},
    (2020, "RI"): {"mail": {"share": 0.5, "release_hours": 8, "spread": 0.5}},
    (2020, "MD"): {
        "mail": {"share": 0.15},
        "late_mail": {"share": 0.3, "release_hours": 60, "spread": 0.6, "batches": 4},
    },
    (2020, "AK"): {"mail": {"share": 0.35, "release_hours": 168, "spread": 0.2}},
    (2020, "NJ"): {
        "mail": {"share": 0.5, "release_hours": 0.5},
        "late_mail": {"share": 0.35, "release_hours": 48, "batches": 4},
        "election_day": {"share": 0.1},
    },
}
for _year in (2016, 2020, 2024):
    for _state in ("CA", "UT", "WA"):
        _OVERRIDES.setdefault((_year, _state), _ALL_MAIL_SLOW)
    for _state in ("OR", "CO"):
        _OVERRIDES.setdefault((_year, _state), _ALL_MAIL_FAST)
# Arizona publishes nothing until one hour after close (or all precincts are in).
_NOT_BEFORE_HOURS: dict[str, float] = {"AZ": 1.0}

OVERRIDES = MappingProxyType(_OVERRIDES)

# How much faster (< 1) or slower (> 1) each state counts than the national model: fitted so
# the replay reaches 50% of the vote when the 2020 statewide series did
# (``bench/fit_replay.py``; states with their own overrides above are fitted too).
TIME_SCALE: dict[str, float] = {
    "AK": 3.0,
    "AL": 2.99,
    "AR": 2.03,
    "AZ": 0.6,
    "CA": 0.91,
    "CO": 1.08,
    "CT": 3.0,
    "DE": 2.4,
    "FL": 0.3,
    "GA": 1.58,
    "HI": 3.0,
    "IA": 2.49,
    "ID": 0.83,
    "IL": 2.76,
    "IN": 2.23,
    "KS": 0.47,
    "KY": 1.4,
    "LA": 1.35,
    "MA": 3.0,
    "MD": 1.76,
    "ME": 3.0,
    "MI": 0.71,
    "MN": 2.62,
    "MO": 2.92,
    "MS": 3.0,
    "MT": 3.0,
    "NC": 1.45,
    "ND": 1.4,
    "NE": 1.8,
    "NH": 3.0,
    "NJ": 1.06,
    "NM": 1.23,
    "NV": 1.83,
    "NY": 0.76,
    "OH": 1.01,
    "OK": 1.41,
    "OR": 0.38,
    "PA": 0.97,
    "RI": 0.44,
    "SC": 3.0,
    "SD": 2.58,
    "TN": 1.16,
    "TX": 0.3,
    "UT": 0.31,
    "VA": 1.15,
    "VT": 3.0,
    "WA": 0.3,
    "WI": 0.92,
    "WV": 1.9,
    "WY": 3.0,
}


def state_model(year: int, state: str) -> StateModel:
    """The reporting model of ``state`` in ``year`` (the nearest earlier base year if none)."""
    base_year = max((y for y in _BASE if y <= year), default=min(_BASE))
    model = _BASE[base_year]
    changes = _OVERRIDES.get((year, state))
    if changes:
        model = model.with_pools(**changes)
    if state in _NOT_BEFORE_HOURS:
        model = replace(model, not_before_hours=_NOT_BEFORE_HOURS[state])
    if state in TIME_SCALE:
        model = replace(model, time_scale=TIME_SCALE[state])
    return model
