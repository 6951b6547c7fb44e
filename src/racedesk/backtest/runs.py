"""One backtest run: a night through the desk, measured. A pure function of its ``RunSpec``.

``run(spec, data_dir)`` builds the night (a seeded replay in a reporting order, or a real
recorded 2020 night), plays it through a fresh desk on a temporary store and returns tidy rows:
one per (race, share) with the run's parameters, the race's call, and what the desk estimated
when the race first had ``share`` of its final vote counted (``share`` 0.1 … 0.9). Nothing else
is read or written, so runs can go to any pool or executor.

Truth: a replay's own final count (the generator's ground truth, the county results); a real
night's certified result. A call is *wrong* when its winner is not the certified winner.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from racedesk.backtest.night import NightRun, open_night, run_night
from racedesk.backtest.night_store import NightStore
from racedesk.backtest.orders import OrderModel, reorder
from racedesk.backtest.truth import Truth, night_truth, unit_truth
from racedesk.desk import Cycle, Desk, DeskSetup, prepare, reporting_units, snapshot_from_frame
from racedesk.domain.contests import Party
from racedesk.errors import ConfigError
from racedesk.history.outcome import presidential_outcome
from racedesk.model import estimate
from racedesk.model.estimate import RaceEstimate
from racedesk.night.batches import night_batches
from racedesk.night.generator import generate_night
from racedesk.night.night import Night
from racedesk.night.precincts import nc_precincts_2020
from racedesk.night.timeseries import nc_counties_2020, states_2020
from racedesk.store.base import Store

StrArray = npt.NDArray[np.str_]
SHARES: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LEVELS: tuple[float, ...] = (0.8, 0.9, 0.95, 0.99)
REAL_NIGHTS: tuple[str, ...] = ("2020-states", "2020-nc-counties", "2020-nc-precincts")
STORES: tuple[str, ...] = ("memory", "sqlite")
DRAWS = 2000  # Electoral College draws per cycle: the win probability is not scored here


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSpec:
    """Everything a run depends on. ``night`` is ``"replay"`` or one of ``REAL_NIGHTS``."""

    year: int
    seed: int = 1
    order: OrderModel = OrderModel.REALISTIC
    night: str = "replay"
    states: tuple[str, ...] = ()  # empty: every state
    draws: int = DRAWS
    store: str = "memory"  # "memory" (NightStore, for sweeps) or "sqlite" (the real store)

    def __post_init__(self) -> None:
        if self.night != "replay" and self.night not in REAL_NIGHTS:
            raise ConfigError(f"unknown night {self.night!r}; real nights: {REAL_NIGHTS}")
        if self.night != "replay" and (self.year != 2020 or self.order is not OrderModel.REALISTIC):
            raise ConfigError(f"{self.night} is the real 2020 night: year 2020, realistic order")
        if self.store not in STORES:
            raise ConfigError(f"unknown store {self.store!r}; one of {STORES}")

    @property
    def run_id(self) -> str:
        if self.night != "replay":
            return self.night
        where = "+".join(self.states) if self.states else "nation"
        return f"{self.year}-{self.order.value}-s{self.seed}-{where}"


def build_night(spec: RunSpec, data_dir: Path) -> Night:
    if spec.night == "2020-states":
        return states_2020(data_dir)
    if spec.night == "2020-nc-counties":
        return nc_counties_2020(data_dir)
    if spec.night == "2020-nc-precincts":
        return nc_precincts_2020(data_dir, by_county=True)
    night = generate_night(spec.year, seed=spec.seed, data_dir=data_dir, states=spec.states or None)
    return reorder(night, spec.order)


def desk_setup(spec: RunSpec, night: Night, data_dir: Path) -> DeskSetup:
    """The desk for the night's races only (a subset of states, or a real night's units)."""
    if spec.night == "replay":
        units, races = reporting_units(spec.year, data_dir)
        if spec.states:
            keep = np.isin(races.astype("<U2"), list(spec.states))
            units, races = units[keep], races[keep]
    else:
        units = night.unit_ids
        races = np.array([str(c).rsplit("-", 1)[-1] for c in night.unit_contests])
        if spec.night == "2020-states":
            races = units.copy()
    setup = prepare(spec.year, data_dir, units=(units, races))
    present = {str(r) for r in np.unique(setup.races)}
    if present == set(setup.electors):
        return setup
    return replace(
        setup,
        electors={r: v for r, v in setup.electors.items() if r in present},
        poll_closes={r: t for r, t in setup.poll_closes.items() if r in present},
        prior_margins={r: m for r, m in setup.prior_margins.items() if r in present},
    )


class _Recorder:
    """Watches the cycles: each race's estimate at its first cycle past each share, the
    national unit-level coverage at the nation's shares, cycle times, the declaration."""

    def __init__(self, desk: Desk, truth: Truth) -> None:
        self.desk, self.truth = desk, truth
        self.checkpoints: dict[tuple[str, float], dict[str, Any]] = {}
        self.units: dict[tuple[str, float], dict[str, Any]] = {}
        self.true_share_at_call: dict[str, float] = {}
        self.seconds: list[float] = []
        self.declared_share: float | None = None
        self._next = dict.fromkeys(truth.races, 0)
        self._national_next = 0

    def __call__(self, cycle: Cycle) -> None:
        self.seconds.append(cycle.seconds)
        truth = self.truth
        counted = 0.0
        for race, estimate_ in cycle.estimates.items():
            if race not in truth.races:
                continue
            share = estimate_.counted_total / max(truth.total[race], 1)
            if "-" not in race:
                counted += estimate_.counted_total
            while self._next[race] < len(SHARES) and share >= SHARES[self._next[race]]:
                level = SHARES[self._next[race]]
                self.checkpoints[(race, level)] = self._checkpoint(cycle, estimate_, share)
                self._next[race] += 1
        for status in cycle.changes:
            if status.called and status.race in truth.races:
                race_counted = cycle.estimates[status.race].counted_total
                share_now = race_counted / max(truth.total[status.race], 1)
                self.true_share_at_call.setdefault(status.race, share_now)  # the first call
        national = counted / max(truth.national_total, 1)
        if self._national_next < len(SHARES) and national >= SHARES[self._national_next]:
            self._unit_coverage(cycle, national)
        if self.declared_share is None and cycle.college.president_elect is not None:
            self.declared_share = national

    def _checkpoint(self, cycle: Cycle, est: RaceEstimate, share: float) -> dict[str, Any]:
        close = self.desk.setup.poll_closes[est.race]
        row: dict[str, Any] = {
            "share_actual": share,
            "hours_after_close": (cycle.at - close).total_seconds() / 3600,
            "margin_est": est.margin,
            "margin_sd": est.margin_sd,
        }
        for level in LEVELS:
            interval = est.margin_intervals[level]
            row[f"lo{round(level * 100)}"] = interval.lo
            row[f"hi{round(level * 100)}"] = interval.hi
        return row

    def _unit_coverage(self, cycle: Cycle, national: float) -> None:
        """Refit at this cycle for the unit intervals (the desk keeps race estimates only)."""
        setup = self.desk.setup
        frame = self.desk.store.latest(as_of=cycle.at, year=setup.year)
        snapshot, _ = snapshot_from_frame(frame, setup)
        with threadpool_limits(1):
            units = estimate(snapshot, setup.params).units
        final_total, final_margin = unit_truth(self.truth, setup.units)
        out = np.isfinite(final_margin) & (snapshot.counted_total < final_total)
        keys, index = np.unique(setup.races, return_inverse=True)
        per: dict[str, npt.NDArray[np.float64]] = {
            "units_out": np.bincount(index, weights=out, minlength=len(keys)).astype(np.float64)
        }
        truth = np.where(out, final_margin, 0.0)
        for j, level in enumerate((0.8, 0.9, 0.95, 0.99)):
            inside = out & (units.margin_lo[:, j] <= truth) & (truth <= units.margin_hi[:, j])
            per[f"units_cov{round(level * 100)}"] = np.bincount(
                index, weights=inside, minlength=len(keys)
            ).astype(np.float64)
        while self._national_next < len(SHARES) and national >= SHARES[self._national_next]:
            level = SHARES[self._national_next]
            for r, race in enumerate(keys.tolist()):
                self.units[(race, level)] = {name: int(v[r]) for name, v in per.items()}
            self._national_next += 1


def run(spec: RunSpec, data_dir: Path) -> list[dict[str, Any]]:
    """Play ``spec``'s night through a fresh desk; the tidy rows of the run."""
    started = time.perf_counter()
    night = build_night(spec, data_dir)
    setup = desk_setup(spec, night, data_dir)
    outcome = {r.race: r for r in presidential_outcome(spec.year, data_dir).races}
    winners = {race: o.winner for race, o in outcome.items() if o.winner is not None}
    truth = night_truth(night, setup, outcome, certified=spec.night != "replay")
    with tempfile.TemporaryDirectory(prefix="racedesk-backtest-") as folder:
        store: Store
        store, ledger = open_night(Path(folder) / "night.db")
        if spec.store == "memory":
            store.close()
            store = NightStore(night)
        try:
            desk = Desk(setup, store, ledger, seed=spec.seed, draws=spec.draws)
            recorder = _Recorder(desk, truth)
            result = run_night(desk, night_batches(night), final_winners=winners, on_cycle=recorder)
        finally:
            store.close()
            ledger.close()
    return _rows(spec, setup, truth, winners, result, recorder, time.perf_counter() - started)


def _rows(
    spec: RunSpec,
    setup: DeskSetup,
    truth: Truth,
    winners: dict[str, Party],
    result: NightRun,
    recorder: _Recorder,
    seconds: float,
) -> list[dict[str, Any]]:
    elect = result.president_elect
    real_winner = _college_winner(setup, winners)
    cycle_seconds = np.asarray(recorder.seconds)
    base: dict[str, Any] = {
        "run_id": spec.run_id,
        "night": spec.night,
        "year": spec.year,
        "seed": spec.seed,
        "order": spec.order.value,
        "states": "+".join(spec.states),
        "draws": spec.draws,
        "store": spec.store,
        "president_elect": elect.party.value if elect else "",
        "declared_at": elect.at.isoformat() if elect else "",
        "declared_share": recorder.declared_share,
        "college_winner": real_winner.value if real_winner else "",
        "cycles": result.cycles,
        "cycle_median_s": float(np.median(cycle_seconds)),
        "cycle_p95_s": float(np.percentile(cycle_seconds, 95)),
        "run_seconds": seconds,
    }
    rows: list[dict[str, Any]] = []
    for race in sorted(truth.races):
        calls = [c for c in result.calls if c.race == race]
        first = calls[0] if calls else None
        status = result.final_statuses.get(race)
        final_winner = winners.get(race)
        band = setup.rules.band(race, truth.total[race])
        close = setup.poll_closes[race]
        race_row = base | {
            "race": race,
            "electors": setup.electors.get(race, 0),
            "final_margin": truth.margin[race],
            "final_total": truth.total[race],
            "final_winner": final_winner.value if final_winner else "",
            "recount_band": band,
            "inside_band": abs(truth.margin[race]) <= band,
            "calls": len(calls),
            "call_winner": first.winner.value if first else "",
            "called_at": first.called_at.isoformat() if first else "",
            "call_hours_after_close": (
                (first.called_at - close).total_seconds() / 3600 if first else None
            ),
            "share_at_call": first.share_counted if first else None,
            "true_share_at_call": recorder.true_share_at_call.get(race) if first else None,
            "margin_at_call": first.margin_at_call if first else None,
            "wrong_call": any(c.wrong for c in calls),
            "retracted": sum(c.retracted_at is not None for c in calls),
            "final_status": status.kind.value if status else "",
            "standing_winner": (
                status.winner.value if status and status.called and status.winner else ""
            ),
        }
        for share in SHARES:
            point = recorder.checkpoints.get((race, share), {})
            units = recorder.units.get((race, share), {})
            rows.append(race_row | {"share": share} | point | units)
    return rows


def _college_winner(setup: DeskSetup, winners: dict[str, Party]) -> Party | None:
    """Who carried a majority of the setup's electors in the certified results, if anyone."""
    total = sum(setup.electors.values())
    for party in (Party.DEM, Party.GOP):
        won = sum(v for race, v in setup.electors.items() if winners.get(race) is party)
        if won * 2 > total and won >= 270:
            return party
    return None
