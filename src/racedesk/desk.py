"""The Desk: one cycle = the store as of now → the model → the calls → the Electoral College.

The Desk is the only layer that gathers inputs: the previous election as the model's baseline,
covariates, poll-closing times, recount rules and electors. ``model/`` and ``calls/`` get plain
values from it and do no I/O. Every call, retraction and cycle summary is appended to the ledger
in the store's file, so a night's calls and estimates can be inspected afterwards.

The reporting-unit list is given up front, as AP's initialization file gives every unit with
zero votes before polls close: the model needs to know which units have not reported yet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from threadpoolctl import threadpool_limits

from racedesk.calls.engine import decide
from racedesk.calls.rules import CallRules, rules_for
from racedesk.calls.status import Kind, RaceStatus
from racedesk.college.outcome import CollegeStatus, college_status
from racedesk.college.projection import Projection, project
from racedesk.domain.calendar import calendar_for
from racedesk.domain.electoral import race_electors
from racedesk.domain.polls import poll_close
from racedesk.errors import DataNotFound
from racedesk.history.counties import CountyResults, load_county_results
from racedesk.history.covariates import load_covariates, prior_results
from racedesk.history.states import RaceResult, load_district_results, load_state_totals
from racedesk.model import ModelParams, Snapshot, estimate
from racedesk.model.estimate import RaceEstimate
from racedesk.model.features import UnitFeatures, build_features
from racedesk.store import columns as col
from racedesk.store.base import Store
from racedesk.store.ledger import Ledger

StrArray = npt.NDArray[np.str_]
IntArray = npt.NDArray[np.int64]

# The desk's model settings. No feed flag marks a unit complete, so every unit keeps a little
# doubt (``overshoot``); the feed's expected vote is trusted to 2% (``expected_vote_sd``) — the
# replay's estimates are that good once half a unit is in, and AP's are revised as counting goes.
# A partly counted unit's remaining vote may lean far from what it has counted (mail last in
# 2020 leaned 60+ points from election day): ``partial_bias_sd`` 0.35, not the model's 0.2,
# which called PA, WI and MI for the Republican at 32-41% counted with every mail batch last.
# Measured on replays of 2016, 2020 and 2024, every reporting order of the backtest: no wrong
# call, and races outside their recount band all called by the end.
DESK_MODEL_PARAMS = ModelParams(overshoot=0.005, expected_vote_sd=0.02, partial_bias_sd=0.35)
SETTLED = np.timedelta64(24, "h")  # a count unchanged this long, at its expected vote, is final


@dataclass(frozen=True, slots=True, kw_only=True)
class DeskSetup:
    """Everything about a night that is known before the first vote is counted."""

    year: int
    baseline_year: int
    units: StrArray  # every reporting unit
    races: StrArray  # the race of each unit ("PA", or "NE-02" for a district's own unit)
    features: UnitFeatures
    prior_margins: dict[str, float]  # race → the baseline election's margin
    poll_closes: dict[str, datetime]  # race → last poll close (UTC)
    electors: dict[str, int]  # race → electors
    rules: CallRules
    params: ModelParams

    @property
    def race_keys(self) -> tuple[str, ...]:
        return tuple(sorted(self.electors))


def _baseline(year: int, data_dir: Path) -> tuple[int, CountyResults]:
    """The previous presidential election by county (MEDSL's for 2012/2016: more complete)."""
    previous = year - 4
    if previous in (2012, 2016):
        return previous, prior_results(load_covariates(data_dir), previous)
    return previous, load_county_results(previous, data_dir)


def _optional(loader: Any, year: int, data_dir: Path) -> dict[str, RaceResult]:
    try:
        result: dict[str, RaceResult] = loader(year, data_dir)
    except DataNotFound:
        return {}
    return result


def reporting_units(year: int, data_dir: Path) -> tuple[StrArray, StrArray]:
    """The night's reporting units and their races: every county-level unit, and one unit per
    Maine/Nebraska district (the district itself)."""
    counties = load_county_results(year, data_dir)
    districts = sorted(race for race in race_electors(year) if "-" in race)
    units = np.concatenate([counties.units, np.asarray(districts, dtype=np.str_)])
    races = np.concatenate([counties.states, np.asarray(districts, dtype=np.str_)])
    return units, races


def prepare(
    year: int,
    data_dir: Path,
    *,
    units: tuple[StrArray, StrArray] | None = None,
    rules: CallRules | None = None,
    params: ModelParams | None = None,
) -> DeskSetup:
    """Load the baseline, covariates and rules for ``year``'s night."""
    unit_ids, races = units if units is not None else reporting_units(year, data_dir)
    baseline_year, previous = _baseline(year, data_dir)
    previous_states = _optional(load_state_totals, baseline_year, data_dir)
    previous_districts = _optional(load_district_results, baseline_year, data_dir)
    features = build_features(
        unit_ids,
        races,
        previous=previous,
        covariates=load_covariates(data_dir),
        previous_districts=previous_districts,
        previous_states=previous_states,
    )
    electors = race_electors(year)
    prior = {**previous_states, **previous_districts}
    return DeskSetup(
        year=year,
        baseline_year=baseline_year,
        units=unit_ids,
        races=races,
        features=features,
        prior_margins={race: prior[race].margin for race in electors if race in prior},
        poll_closes={race: poll_close(year, race) for race in electors},
        electors=electors,
        rules=rules or rules_for(year),
        params=params or DESK_MODEL_PARAMS,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle:
    """What one desk cycle saw and decided."""

    number: int
    at: datetime
    estimates: dict[str, RaceEstimate]
    statuses: dict[str, RaceStatus]
    changes: tuple[RaceStatus, ...]  # calls and retractions made in this cycle
    projection: Projection
    college: CollegeStatus
    counted_votes: int
    expected_votes: float
    unmapped_units: int  # units in the store that are not in the reporting-unit list
    seconds: float

    @property
    def share_counted(self) -> float:
        return min(1.0, self.counted_votes / self.expected_votes) if self.expected_votes else 0.0


def snapshot_from_frame(
    frame: pd.DataFrame, setup: DeskSetup, now: datetime | None = None
) -> tuple[Snapshot, int]:
    """The store's latest counts as the model's snapshot; also how many units were unmapped.

    No feed flag says a unit is complete, so a unit is taken as complete only when its count has
    reached the feed's expected vote *and* has not moved for ``SETTLED`` (as of ``now``): a
    count that merely caught up with a low estimate on the night keeps its doubt
    (``params.overshoot``), a count that has stood for a day is final in all but a recount.
    """
    n = len(setup.units)
    dem, gop, other = (np.zeros(n, dtype=np.int64) for _ in range(3))
    expected = np.full(n, np.nan)
    last_update = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    prefix = f"{setup.year}-president-"
    unmapped = 0
    if len(frame):
        # Map the few distinct contests to races once, then join rows to units on (race, unit).
        contests = pd.unique(frame[col.CONTEST])
        race_of = {c: c[len(prefix) :] for c in contests if c.startswith(prefix)}
        races = frame[col.CONTEST].map(race_of)
        keep = races.notna().to_numpy()
        keys = pd.MultiIndex.from_arrays([setup.races, setup.units])
        wanted = pd.MultiIndex.from_arrays(
            [races.to_numpy()[keep], frame[col.UNIT].to_numpy()[keep]]
        )
        rows = keys.get_indexer(wanted)
        unmapped = int(pd.unique(frame[col.UNIT].to_numpy()[keep][rows < 0]).size)
        found = np.flatnonzero(keep)[rows >= 0]
        rows = rows[rows >= 0]
        votes = frame[col.VOTES].to_numpy(dtype=np.int64)[found]
        candidate = frame[col.CANDIDATE].to_numpy()[found]
        for target, mask in (
            (dem, candidate == "dem"),
            (gop, candidate == "gop"),
            (other, (candidate != "dem") & (candidate != "gop")),
        ):
            np.add.at(target, rows[mask], votes[mask])
        # A unit's expected vote is the one its newest update carries: older rows (a mode not
        # updated since early in the night) hold stale estimates.
        given = frame[col.EXPECTED_VOTES].to_numpy(dtype=np.float64, na_value=np.nan)[found]
        stamps = frame[col.AT].to_numpy(dtype="datetime64[us]")[found]
        order = np.argsort(stamps, kind="stable")
        newest = order[~np.isnan(given[order]) & (given[order] >= 0)]
        expected[rows[newest]] = given[newest]  # later rows overwrite earlier ones
        last_update[rows[order]] = stamps[order]
    counted = dem + gop + other
    complete = np.zeros(n, dtype=bool)
    if now is not None:
        settled_before = np.datetime64(now.astimezone(UTC).replace(tzinfo=None), "us") - SETTLED
        complete = (counted > 0) & (counted >= expected) & (last_update <= settled_before)
    snapshot = Snapshot(
        units=setup.units,
        races=setup.races,
        counted_dem=dem,
        counted_gop=gop,
        counted_other=other,
        expected_votes=expected,
        complete=complete,
        features=setup.features,
    )
    return snapshot, unmapped


def _event_payload(status: RaceStatus) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "winner": status.winner.value if status.winner else None,
        "reasons": list(status.reasons),
        "rule": status.rule.value if status.rule else None,
    }
    ev = status.evidence
    if ev is not None:
        payload |= {
            "share_counted": round(ev.share_counted, 4),
            "counted_margin": round(ev.counted_margin, 5),
            "margin": round(ev.margin, 5),
            "interval": [round(ev.interval.lo, 5), round(ev.interval.hi, 5)],
            "confidence": ev.confidence,
            "hurdle": None if ev.hurdle is None else round(ev.hurdle, 4),
        }
    if status.called_at is not None:
        payload["called_at"] = status.called_at.isoformat()
    return payload


class Desk:
    """Runs cycles over a store; keeps the standing statuses between cycles."""

    def __init__(
        self, setup: DeskSetup, store: Store, ledger: Ledger, *, seed: int = 0, draws: int = 10_000
    ) -> None:
        self.setup = setup
        self.store = store
        self.ledger = ledger
        self.draws = draws
        self.rng = np.random.default_rng(seed)
        self.statuses: dict[str, RaceStatus] = {}
        self.cycles = 0
        self.milestones = calendar_for(setup.year).milestones
        self.declared = False

    def cycle(self, now: datetime) -> Cycle:
        """Read the store as of ``now``, estimate, decide every race, project the College."""
        started = time.perf_counter()
        setup = self.setup
        frame = self.store.latest(as_of=now, year=setup.year)
        snapshot, unmapped = snapshot_from_frame(frame, setup, now)
        with threadpool_limits(1):  # BLAS threads fight over two cores: one is faster here
            result = estimate(snapshot, setup.params)
        estimates = result.by_race()
        statuses: dict[str, RaceStatus] = {}
        changes: list[RaceStatus] = []
        for race in setup.race_keys:
            previous = self.statuses.get(race)
            status = decide(
                estimates[race],
                now=now,
                poll_close=setup.poll_closes[race],
                rules=setup.rules,
                previous=previous,
                prior_margin=setup.prior_margins.get(race),
            )
            statuses[race] = status
            changed = previous is None or previous.kind is not status.kind
            if changed and status.kind in (Kind.CALLED, Kind.RETRACTED):
                changes.append(status)
        self.statuses = statuses
        self.cycles += 1
        projection = project(
            statuses, estimates, setup.electors, rng=self.rng, at=now, draws=self.draws
        )
        college = college_status(
            statuses, setup.electors, year=setup.year, at=now, milestones=self.milestones
        )
        expected = float(sum(e.expected_total for r, e in estimates.items() if "-" not in r))
        cycle = Cycle(
            number=self.cycles,
            at=now,
            estimates=estimates,
            statuses=statuses,
            changes=tuple(changes),
            projection=projection,
            college=college,
            counted_votes=int(sum(e.counted_total for r, e in estimates.items() if "-" not in r)),
            expected_votes=expected,
            unmapped_units=unmapped,
            seconds=time.perf_counter() - started,
        )
        self._record(cycle)
        return cycle

    def _record(self, cycle: Cycle) -> None:
        events: list[tuple[str, str | None, str, datetime, dict[str, Any]]] = [
            (status.kind.value, status.race, "racedesk", status.at, _event_payload(status))
            for status in cycle.changes
        ]
        elect = cycle.college.president_elect
        if elect is not None and not self.declared:
            self.declared = True
            payload = {
                "winner": elect.party.value,
                "candidate": elect.candidate,
                "race": elect.race,
                "electors": elect.electors,
            }
            events.append(("president_elect", "president", "racedesk", elect.at, payload))
        projection = cycle.projection
        summary = {
            "cycle": cycle.number,
            "share_counted": round(cycle.share_counted, 4),
            "called": {p.value: n for p, n in projection.called.items()},
            "win_probability": {
                p.value: round(v, 4) for p, v in projection.win_probability.items()
            },
            "tipping_point": projection.tipping_point.race if projection.tipping_point else None,
            "seconds": round(cycle.seconds, 4),
        }
        events.append(("cycle", None, "racedesk", cycle.at, summary))
        self.ledger.append_many(events, year=self.setup.year)
