"""The real NYT/Edison county snapshot of 8 November 2020 through one desk cycle.

Counts were still partial (Pennsylvania, Georgia, Arizona, Nevada and North Carolina counting),
with NYT's expected vote per county. The desk ingests the snapshot as one update and runs one
cycle at noon Eastern: its 90% state intervals are scored against the certified margins, and any
call it makes against the certified winners. Rows have the run table's columns (``share`` empty).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from racedesk.backtest.night import open_night
from racedesk.backtest.runs import LEVELS
from racedesk.desk import Desk, prepare
from racedesk.feeds.batch import NO_EXPECTED, CountBatch
from racedesk.history.covariates import Covariates, load_covariates, prior_results
from racedesk.history.nyt_snapshot import load_county_snapshot
from racedesk.history.outcome import presidential_outcome
from racedesk.history.states import load_state_totals
from racedesk.model import Snapshot
from racedesk.model.features import build_features

SNAPSHOT_DATE = "2020-11-08"
SNAPSHOT_AT = datetime(2020, 11, 8, 17, 0, tzinfo=UTC)  # noon Eastern; the file gives the day


def model_snapshot(data_dir: Path, covariates: Covariates | None = None) -> Snapshot:
    """The snapshot as the model's input alone (no desk): baseline 2016 (MEDSL), no unit taken
    as complete (NYT's "100%" counties still moved later)."""
    counts = load_county_snapshot(SNAPSHOT_DATE, data_dir)
    covariates = covariates if covariates is not None else load_covariates(data_dir)
    features = build_features(
        counts.units,
        counts.states,
        previous=prior_results(covariates, 2016),
        covariates=covariates,
        previous_states=load_state_totals(2016, data_dir),
    )
    return Snapshot(
        units=counts.units,
        races=counts.states,
        counted_dem=counts.dem,
        counted_gop=counts.gop,
        counted_other=counts.other,
        expected_votes=counts.expected_votes,
        complete=np.zeros(len(counts), dtype=bool),
        features=features,
    )


def snapshot_batch(data_dir: Path) -> CountBatch:
    counts = load_county_snapshot(SNAPSHOT_DATE, data_dir)
    n = len(counts)
    expected = np.where(np.isfinite(counts.expected_votes), counts.expected_votes, NO_EXPECTED)
    contests = np.char.add("2020-president-", counts.states.astype(str))
    return CountBatch.of(
        at=SNAPSHOT_AT,
        contest=np.repeat(contests, 3),
        unit=np.repeat(counts.units, 3),
        candidate=np.tile(["dem", "gop", "other"], n),
        mode=np.full(3 * n, "total"),
        votes=np.stack([counts.dem, counts.gop, counts.other], axis=1).reshape(-1),
        expected_votes=np.repeat(np.rint(expected).astype(np.int64), 3),
        source=f"nyt-edison-{SNAPSHOT_DATE}",
    )


def snapshot_rows(data_dir: Path) -> list[dict[str, Any]]:
    """One row per state: the estimate, intervals and call against the certified result."""
    counts = load_county_snapshot(SNAPSHOT_DATE, data_dir)
    setup = prepare(2020, data_dir, units=(counts.units, counts.states))
    present = {str(s) for s in np.unique(counts.states)}
    setup = replace(
        setup,
        electors={r: v for r, v in setup.electors.items() if r in present},
        poll_closes={r: t for r, t in setup.poll_closes.items() if r in present},
        prior_margins={r: m for r, m in setup.prior_margins.items() if r in present},
    )
    outcome = {r.race: r for r in presidential_outcome(2020, data_dir).races}
    with tempfile.TemporaryDirectory(prefix="racedesk-snapshot-") as folder:
        store, ledger = open_night(Path(folder) / "snapshot.db")
        try:
            store.ingest(snapshot_batch(data_dir))
            cycle = Desk(setup, store, ledger, seed=1, draws=1000).cycle(SNAPSHOT_AT)
        finally:
            store.close()
            ledger.close()
    rows: list[dict[str, Any]] = []
    for race in sorted(present):
        result = outcome[race].result
        if result is None:
            continue
        est, status = cycle.estimates[race], cycle.statuses[race]
        called = status.called and status.winner is not None
        row: dict[str, Any] = {
            "run_id": f"{SNAPSHOT_DATE}-snapshot",
            "night": f"{SNAPSHOT_DATE}-snapshot",
            "year": 2020,
            "seed": 1,
            "order": "real",
            "race": race,
            "electors": setup.electors[race],
            "final_margin": result.margin,
            "final_total": result.total,
            "final_winner": result.winner.value,
            "recount_band": setup.rules.band(race, result.total),
            "inside_band": abs(result.margin) <= setup.rules.band(race, result.total),
            "calls": int(called),
            "call_winner": status.winner.value if called and status.winner else "",
            "wrong_call": called and status.winner is not result.winner,
            "retracted": 0,
            "final_status": status.kind.value,
            "share_actual": est.counted_total / max(result.total, 1),
            "margin_est": est.margin,
            "margin_sd": est.margin_sd,
        }
        for level in LEVELS:
            row[f"lo{round(level * 100)}"] = est.margin_intervals[level].lo
            row[f"hi{round(level * 100)}"] = est.margin_intervals[level].hi
        rows.append(row)
    return rows


def snapshot_table(data_dir: Path) -> pd.DataFrame:
    return pd.DataFrame(snapshot_rows(data_dir))
