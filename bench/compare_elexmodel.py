"""racedesk's model beside the Washington Post's elex-model 2.2.5 on identical snapshots.

Snapshots come from ``racedesk.model.simulate`` (final county results of 2020 and 2024, every
state reporting together, baseline the previous election): at 30/50/70% of counties in (or
``--shares``), in random order and smallest counties first, seeds 1-2. Scored states: PA GA WI NC
MI AZ NV and three large ones (TX FL OH). Per model and order it prints the coverage of the true
final margin by the 90% interval, the median 90% width (points), the mean absolute error
(points), the time per fit, and the ratios racedesk / elex-model; naive uniform swing is the
yardstick.

elex-model is installed by this script into its own virtual environment (``--venv``, default
``.elexmodel-venv``) from PyPI with uv; it is never a racedesk dependency. It runs offline:
the config is passed as ``raw_config``, the baseline as ``preprocessed_data``, and
``save_output=[]``. Its conformal model ("nonparametric") estimates ``dem`` and ``gop``
separately (one state per fit, at least ~20 reporting counties, else no estimate); the margin
interval combines them conservatively: ``[(dem_lo - gop_hi) / T, (dem_hi - gop_lo) / T]`` with
``T`` the predicted total.

    python3 -m uv run python bench/compare_elexmodel.py [--years 2020 2024] [--seeds 2]

The same file is the worker run inside the elex-model environment (``--worker DIR``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SCORED = ("PA", "GA", "WI", "NC", "MI", "AZ", "NV", "TX", "FL", "OH")
ELEX_REQUIREMENTS = ("elex-model==2.2.5", "pandas<2.3", "numpy<2.1")


# -- the worker: runs under the elex-model environment, imports no racedesk ------------------


def worker(folder: Path) -> None:
    import logging

    import pandas as pd
    from elexmodel.client import ModelClient

    logging.disable(logging.CRITICAL)
    jobs = json.loads((folder / "jobs.json").read_text())
    baseline = pd.read_csv(folder / "baseline.csv", dtype={"geographic_unit_fips": str})
    out: list[dict[str, Any]] = []
    for job in jobs:
        state = job["state"]
        current = pd.read_csv(folder / job["current"], dtype={"geographic_unit_fips": str})
        current = current[current["postal_code"] == state]
        pre = baseline[baseline["postal_code"] == state]
        election = f"{job['year']}-11-03_USA_G"
        config = {
            election: [
                {
                    "office": "P",
                    "states": [state],
                    "geographic_unit_types": ["county"],
                    "historical_election": [],
                    "features": [],
                    "aggregates": ["postal_code", "unit"],
                    "fixed_effect": [],
                    "baseline_pointer": {"dem": "dem", "gop": "gop", "turnout": "turnout"},
                }
            ]
        }
        started = time.perf_counter()
        try:
            result = ModelClient().get_estimates(
                current,
                election,
                "P",
                ["dem", "gop"],
                prediction_intervals=[0.9],
                percent_reporting_threshold=100,
                geographic_unit_type="county",
                raw_config=config,
                preprocessed_data=pre.copy(),
                save_output=[],
                pi_method="nonparametric",
                aggregates=["postal_code", "unit"],
            )
        except Exception as error:  # the anchor's own refusals (too few units, ...)
            out.append({**job, "error": f"{type(error).__name__}: {error}"[:200]})
            continue
        row = result["state_data"].iloc[0]
        out.append(
            {
                **job,
                "seconds": time.perf_counter() - started,
                **{
                    name: float(row[name])
                    for name in (
                        "pred_dem",
                        "pred_gop",
                        "lower_0.9_dem",
                        "upper_0.9_dem",
                        "lower_0.9_gop",
                        "upper_0.9_gop",
                    )
                },
            }
        )
    (folder / "elex.json").write_text(json.dumps(out))


# -- the driver: racedesk's environment ---------------------------------------------------------


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [sys.executable, "-m", "uv", "venv", str(venv), "--python", "3.11", "-q"], check=True
        )
    probe = subprocess.run([str(python), "-c", "import elexmodel"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "uv",
                "pip",
                "install",
                "-q",
                "--python",
                str(python),
                *ELEX_REQUIREMENTS,
            ],
            check=True,
        )
    return python


def main() -> None:
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--years", type=int, nargs="+", default=[2020, 2024])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.3, 0.5, 0.7])
    parser.add_argument("--venv", type=Path, default=Path(".elexmodel-venv"))
    parser.add_argument("--work", type=Path, default=Path("elexmodel-compare"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    python = ensure_venv(args.venv)
    args.work.mkdir(parents=True, exist_ok=True)
    ours = build_jobs(args.years, args.seeds, args.shares, SCORED, args.work)
    subprocess.run([str(python), __file__, "--worker", str(args.work)], check=True)
    elex = json.loads((args.work / "elex.json").read_text())
    score(ours, elex)


def _truth_and_features(year: int) -> tuple[Any, Any, dict[str, float]]:
    from racedesk.history.counties import load_county_results
    from racedesk.history.covariates import load_covariates, prior_results
    from racedesk.history.states import load_district_results, load_state_totals
    from racedesk.model.features import build_features
    from racedesk.model.simulate import night_from_results
    from racedesk.settings import resolve_data_dir

    data = resolve_data_dir()
    night = night_from_results(load_county_results(year, data), load_district_results(year, data))
    covariates = load_covariates(data)
    previous = (
        prior_results(covariates, year - 4)
        if year - 4 in (2012, 2016)
        else load_county_results(year - 4, data)
    )
    features = build_features(
        night.units,
        night.races,
        previous=previous,
        covariates=covariates,
        previous_districts=load_district_results(year - 4, data),
        previous_states=load_state_totals(year - 4, data),
    )
    return night, features, night.race_margins()


def uniform_swing(snapshot: Any) -> dict[str, float]:
    """Naive: a state's uncounted vote swings from baseline like its counted units."""
    import numpy as np

    f = snapshot.features
    counted = snapshot.counted_total.astype(float)
    lead = (snapshot.counted_dem - snapshot.counted_gop).astype(float)
    keys, index = np.unique(snapshot.races, return_inverse=True)

    def per(values: Any) -> Any:
        return np.bincount(index, weights=values, minlength=len(keys))

    base = np.where(counted > 0, f.baseline_total, 0.0)
    swing = per(lead) / np.maximum(per(counted), 1) - per(base * f.baseline_margin) / np.maximum(
        per(base), 1
    )
    ratio = per(counted) / np.maximum(per(base), 1)
    expected = np.where(
        np.isfinite(snapshot.expected_votes),
        snapshot.expected_votes,
        f.baseline_total * ratio[index],
    )
    rest = np.where(snapshot.complete, 0.0, np.maximum(expected - counted, 0.0))
    rest_lead = rest * np.clip(f.baseline_margin + swing[index], -1, 1)
    margin = (per(lead) + per(rest_lead)) / np.maximum(per(counted) + per(rest), 1)
    return {str(k): float(margin[r]) for r, k in enumerate(keys)}


def build_jobs(
    years: list[int], seeds: int, shares: list[float], states: tuple[str, ...], work: Path
) -> list[dict[str, Any]]:
    """Simulate the snapshots, fit racedesk and naive swing, write the elex-model inputs."""
    import numpy as np
    import pandas as pd
    from threadpoolctl import threadpool_limits

    from racedesk.model import ModelParams, estimate
    from racedesk.model.simulate import Order, simulate

    rows: list[dict[str, Any]] = []
    jobs: list[dict[str, Any]] = []
    baselines = []
    for year in years:
        night, features, truth = _truth_and_features(year)
        scored = np.isin(night.races, states)
        other = features.baseline_other
        baselines.append(
            pd.DataFrame(
                {
                    "postal_code": night.races[scored],
                    "geographic_unit_fips": [f"{year}-{u}" for u in night.units[scored]],
                    "baseline_dem": (
                        features.baseline_total * (1 - other + features.baseline_margin) / 2
                    )[scored],
                    "baseline_gop": (
                        features.baseline_total * (1 - other - features.baseline_margin) / 2
                    )[scored],
                    "baseline_turnout": features.baseline_total[scored],
                }
            )
        )
        for order in (Order.RANDOM, Order.SMALLEST_FIRST):
            for share in shares:
                for seed in range(1, seeds + 1):
                    rng = np.random.default_rng([year, seed, int(share * 100), len(order.value)])
                    snap = simulate(night, features, share, order, rng)
                    started = time.perf_counter()
                    with threadpool_limits(1):
                        result = estimate(snap, ModelParams()).by_race()
                    seconds = time.perf_counter() - started
                    naive = uniform_swing(snap)
                    name = f"current-{year}-{order.value}-{share}-{seed}.csv"
                    pev = np.where(
                        snap.complete,
                        100,
                        np.where(
                            np.isfinite(snap.expected_votes),
                            np.floor(99 * snap.counted_total / np.maximum(snap.expected_votes, 1)),
                            0,
                        ),
                    )
                    pd.DataFrame(
                        {
                            "postal_code": night.races[scored],
                            "geographic_unit_fips": [f"{year}-{u}" for u in night.units[scored]],
                            "results_dem": snap.counted_dem[scored],
                            "results_gop": snap.counted_gop[scored],
                            "results_turnout": snap.counted_total[scored],
                            "percent_expected_vote": pev[scored].astype(int),
                        }
                    ).to_csv(work / name, index=False)
                    for state in states:
                        mask = snap.races == state
                        counted = snap.counted_total[mask].sum()
                        other_share = (
                            snap.counted_other[mask].sum() / counted
                            if counted
                            else float(
                                np.average(other[mask], weights=features.baseline_total[mask])
                            )
                        )
                        key = {
                            "year": year,
                            "order": order.value,
                            "share": share,
                            "seed": seed,
                            "state": state,
                        }
                        jobs.append({**key, "current": name, "other_share": other_share})
                        r = result[state]
                        rows.append(
                            {
                                **key,
                                "truth": truth[state],
                                "racedesk": r.margin,
                                "racedesk_lo": r.margin_intervals[0.9].lo,
                                "racedesk_hi": r.margin_intervals[0.9].hi,
                                "racedesk_seconds": seconds,
                                "naive": naive[state],
                            }
                        )
    pd.concat(baselines).to_csv(work / "baseline.csv", index=False)
    (work / "jobs.json").write_text(json.dumps(jobs))
    return rows


def score(ours: list[dict[str, Any]], elex: list[dict[str, Any]]) -> None:
    import numpy as np
    import pandas as pd

    key = ["year", "order", "share", "seed", "state"]
    frame = pd.DataFrame(ours).merge(pd.DataFrame(elex), on=key, how="left")
    two = frame["pred_dem"] + frame["pred_gop"]
    total = two / (1 - frame["other_share"])
    frame["elex"] = (frame["pred_dem"] - frame["pred_gop"]) / total
    frame["elex_lo"] = (frame["lower_0.9_dem"] - frame["upper_0.9_gop"]) / total
    frame["elex_hi"] = (frame["upper_0.9_dem"] - frame["lower_0.9_gop"]) / total
    failed = frame["pred_dem"].isna()
    racedesk_all = frame.groupby("order").apply(
        lambda p: float(
            ((p["racedesk_lo"] <= p["truth"]) & (p["truth"] <= p["racedesk_hi"])).mean()
        )
    )
    frame = frame[~failed]  # identical snapshots *and* states: where both models gave one
    print(
        "racedesk 90% coverage over every scored state (elex failures included): "
        + ", ".join(f"{order} {value:.2f}" for order, value in racedesk_all.items())
    )
    print(
        f"{len(frame) + int(failed.sum())} state estimates per model; elex-model failed on "
        f"{int(failed.sum())} (too few units, or an error); scored below: the other {len(frame)}"
    )
    print(
        "order           model      cov90  width90  mae   sec/fit   (pts; fits: national for "
        "racedesk, per state for elex-model)"
    )
    for order, part in frame.groupby("order"):
        stats = {}
        for model in ("racedesk", "elex"):
            ok = part[part[model].notna()]
            inside = (ok[f"{model}_lo"] <= ok["truth"]) & (ok["truth"] <= ok[f"{model}_hi"])
            inverted = int((ok[f"{model}_lo"] > ok[f"{model}_hi"]).sum())
            seconds = (
                ok["racedesk_seconds"].drop_duplicates() if model == "racedesk" else ok["seconds"]
            )
            stats[model] = (
                float(inside.mean()),
                float(np.median((ok[f"{model}_hi"] - ok[f"{model}_lo"]) * 100)),
                float(np.mean(np.abs(ok[model] - ok["truth"]) * 100)),
                float(seconds.median()),
            )
            c, w, e, s = stats[model]
            print(
                f"{order:15s} {model:9s} {c:6.2f} {w:8.2f} {e:5.2f} {s:8.3f}"
                + (f"   inverted intervals: {inverted}" if inverted else "")
            )
        naive = float(np.mean(np.abs(part["naive"] - part["truth"]) * 100))
        print(f"{order:15s} {'naive':9s} {'':6s} {'':8s} {naive:5.2f}")
        r, x = stats["racedesk"], stats["elex"]
        print(
            f"{order:15s} ratio      {r[0] / x[0]:6.2f} {r[1] / x[1]:8.2f} {r[2] / x[2]:5.2f} "
            f"{r[3] / x[3]:8.2f}   (racedesk / elex-model)"
        )
    by_share = frame.groupby(["order", "share"])
    print("\nby share (cov90 racedesk / elex, mae racedesk / elex / naive):")
    for (order, share), part in by_share:

        def cov(m: str, part: Any = part) -> float:
            lo, hi = part[f"{m}_lo"], part[f"{m}_hi"]
            return float(((lo <= part["truth"]) & (part["truth"] <= hi)).mean())

        def mae(m: str, part: Any = part) -> float:
            return float(np.nanmean(np.abs(part[m] - part["truth"]) * 100))

        print(
            f"  {order:15s} {share:.1f}  {cov('racedesk'):.2f} / {cov('elex'):.2f}   "
            f"{mae('racedesk'):.2f} / {mae('elex'):.2f} / {mae('naive'):.2f}"
        )


if __name__ == "__main__":
    main()
