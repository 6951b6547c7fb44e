"""Benchmark: one Electoral College projection, 10,000 draws over all 56 races uncalled.

Run: ``python3 -m uv run python bench/bench_college.py [--draws N] [--repeat R]``. Prints the
median and the fastest of repeated projections, with and without some races called.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

import numpy as np

from racedesk.calls.status import Evidence, Kind, RaceStatus, Rule
from racedesk.college.projection import project
from racedesk.domain.contests import RACES, Party
from racedesk.model.estimate import LEVELS, Interval, RaceEstimate

NOW = datetime(2024, 11, 6, 3, 0, tzinfo=UTC)


def _estimate(race: str, margin: float, sd: float) -> RaceEstimate:
    z = {0.8: 1.2816, 0.9: 1.6449, 0.95: 1.96, 0.99: 2.5758, 0.995: 2.807}
    return RaceEstimate(
        race=race,
        counted_dem=0,
        counted_gop=0,
        counted_other=0,
        expected_total=1e6,
        margin=margin,
        margin_sd=sd,
        margin_intervals={
            level: Interval(lo=margin - z[level] * sd, hi=margin + z[level] * sd * 1.2)
            for level in LEVELS
        },
    )


def _called(race: str, party: Party) -> RaceStatus:
    interval = Interval(lo=0.1, hi=0.3)
    evidence = Evidence(
        counted_margin=0.2,
        margin=0.2,
        interval=interval,
        confidence=0.995,
        recount_band=0.005,
        recount_rule="bench",
        share_counted=1.0,
        counted_total=1,
        expected_total=1.0,
        remaining_high=0.0,
        hurdle=None,
        prior_margin=None,
    )
    return RaceStatus(
        race=race,
        kind=Kind.CALLED,
        at=NOW,
        reasons=("bench",),
        evidence=evidence,
        winner=party,
        rule=Rule.COUNT,
    )


def _time(repeat: int, run: object) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    electors = dict.fromkeys(RACES, 10)
    margins = rng.normal(0.0, 0.15, len(RACES))
    estimates = {r: _estimate(r, float(m), 0.03) for r, m in zip(RACES, margins, strict=True)}
    half = {
        r: _called(r, Party.DEM if m > 0 else Party.GOP)
        for r, m in zip(RACES, margins, strict=True)
        if abs(m) > 0.1
    }
    for label, statuses in (("all 56 races uncalled", {}), (f"{len(half)} races called", half)):
        project(statuses, estimates, electors, rng=rng, at=NOW, draws=args.draws)  # warm up
        times = _time(
            args.repeat,
            lambda s=statuses: project(s, estimates, electors, rng=rng, at=NOW, draws=args.draws),
        )
        median, fastest = statistics.median(times) * 1e3, min(times) * 1e3
        print(
            f"project, {args.draws:,} draws, {label}: median {median:.2f} ms,"
            f" fastest {fastest:.2f} ms ({args.repeat} runs)"
        )


if __name__ == "__main__":
    main()
