"""Calibration and speed of the outstanding-vote model on nights simulated from real results.

Truth: year Y's final county results; baseline: year Y-4 (2016/2012, 2020/2016, 2024/2020).
For each order and share of units in (10%..90%), prints coverage of the true state margin by the
90% interval, the median 90% width (points), the mean absolute error of the margin (points) and
the same error for naive uniform swing; then the median fit time on the national 2024 night.

    python3 -m uv run python bench/bench_model.py [--years 2020 2024] [--seeds 3] [--quick]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from racedesk.history.counties import load_county_results
from racedesk.history.covariates import load_covariates, prior_results
from racedesk.history.states import load_district_results, load_state_totals
from racedesk.model import ModelParams, estimate
from racedesk.model.features import UnitFeatures, build_features
from racedesk.model.simulate import Night, Order, night_from_results, simulate
from racedesk.model.snapshot import Snapshot
from racedesk.settings import resolve_data_dir

SHARES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class Year:
    year: int
    night: Night
    features: UnitFeatures
    truth: dict[str, float]


def load_year(year: int, data: Path) -> Year:
    final = load_county_results(year, data)
    night = night_from_results(final, load_district_results(year, data))
    covariates = load_covariates(data)
    # 2016 and 2012: MEDSL's counts (the Townhall 2016 scrape misses late ballots).
    if year - 4 in (2012, 2016):
        previous = prior_results(covariates, year - 4)
    else:
        previous = load_county_results(year - 4, data)
    features = build_features(
        night.units,
        night.races,
        previous=previous,
        covariates=covariates,
        previous_districts=load_district_results(year - 4, data),
        previous_states=load_state_totals(year - 4, data),
    )
    return Year(year, night, features, night.race_margins())


def uniform_swing(snapshot: Snapshot) -> dict[str, float]:
    """Naive: each state's unreported votes swing like its counted units (nation if none)."""
    f = snapshot.features
    counted = snapshot.counted_total.astype(float)
    lead = (snapshot.counted_dem - snapshot.counted_gop).astype(float)
    reporting = counted > 0
    keys, index = np.unique(snapshot.races, return_inverse=True)

    def per(values: np.ndarray) -> np.ndarray:
        return np.bincount(index, weights=values, minlength=len(keys))

    base_votes = np.where(reporting, f.baseline_total, 0.0)
    base_lead = base_votes * f.baseline_margin
    national_swing = lead.sum() / max(counted.sum(), 1) - base_lead.sum() / max(base_votes.sum(), 1)
    national_ratio = counted.sum() / max(base_votes.sum(), 1)
    has = per(base_votes) > 0
    swing = np.where(
        has,
        per(lead) / np.maximum(per(counted), 1) - per(base_lead) / np.maximum(per(base_votes), 1),
        national_swing,
    )
    ratio = np.where(has, per(counted) / np.maximum(per(base_votes), 1), national_ratio)
    expected = np.where(
        np.isfinite(snapshot.expected_votes),
        snapshot.expected_votes,
        f.baseline_total * ratio[index],
    )
    rest = np.where(snapshot.complete, 0.0, np.maximum(expected - counted, 0.0))
    rest_lead = rest * np.clip(f.baseline_margin + swing[index], -1, 1)
    total = per(counted) + per(rest)
    margin = (per(lead) + per(rest_lead)) / np.maximum(total, 1)
    return {str(k): float(margin[r]) for r, k in enumerate(keys)}


def run(years: list[int], seeds: int, params: ModelParams, data: Path) -> None:
    for year in years:
        y = load_year(year, data)
        states = [k for k in y.truth if "-" not in k]
        print(f"\n== {year} (baseline {year - 4}); {len(states)} states scored, {seeds} seeds")
        print("order                   share  cover90  width90  mae   naive_mae  cover80 cover99")
        for order in Order:
            for share in SHARES:
                covered, covered80, covered99, widths, errors, naive = [], [], [], [], [], []
                for seed in range(seeds):
                    rng = np.random.default_rng(1000 * year + 17 * seed + int(share * 100))
                    snap = simulate(y.night, y.features, share, order, rng)
                    result = estimate(snap, params).by_race()
                    swing = uniform_swing(snap)
                    for state in states:
                        r = result[state]
                        truth = y.truth[state]
                        covered.append(r.margin_intervals[0.9].contains(truth))
                        covered80.append(r.margin_intervals[0.8].contains(truth))
                        covered99.append(r.margin_intervals[0.99].contains(truth))
                        widths.append(r.margin_intervals[0.9].width * 100)
                        errors.append(abs(r.margin - truth) * 100)
                        naive.append(abs(swing[state] - truth) * 100)
                print(
                    f"{order.value:22s}  {share:4.1f}  {np.mean(covered):7.3f}  "
                    f"{np.median(widths):7.2f}  {np.mean(errors):5.2f}  {np.mean(naive):9.2f}"
                    f"  {np.mean(covered80):7.3f} {np.mean(covered99):7.3f}"
                )


def timing(data: Path, params: ModelParams) -> None:
    y = load_year(2024, data)
    snap = simulate(y.night, y.features, 0.5, Order.RANDOM, np.random.default_rng(1))
    times = []
    for _ in range(30):
        start = time.perf_counter()
        estimate(snap, params)
        times.append(time.perf_counter() - start)
    print(
        f"\nnational fit, 2024 at 50% ({len(snap)} units): median {np.median(times) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, nargs="*", default=[2016, 2020, 2024])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    data = resolve_data_dir()
    params = ModelParams()
    timing(data, params)
    run(args.years, args.seeds, params, data)


if __name__ == "__main__":
    main()
