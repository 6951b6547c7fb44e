"""Builders of race estimates for the calling tests: any shape, including broken ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from statistics import NormalDist

from racedesk.model.estimate import LEVELS, Interval, RaceEstimate

CLOSE = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)  # 8 pm ET: PA's last polls close
LATER = CLOSE + timedelta(hours=3)


def make_estimate(
    race: str = "PA",
    *,
    dem: int,
    gop: int,
    other: int = 0,
    expected_total: float | None = None,
    margin: float | None = None,
    sd: float = 0.01,
    total_sd: float = 0.0,
    skew: float = 1.0,
) -> RaceEstimate:
    """An estimate with normal intervals at every level (``skew`` stretches the upper side)."""
    counted = dem + gop + other
    total = float(counted) if expected_total is None else expected_total
    point = (dem - gop) / counted if margin is None and counted else (margin or 0.0)
    margins, totals = {}, {}
    for level in LEVELS:
        z = NormalDist().inv_cdf(0.5 + level / 2)
        margins[level] = Interval(lo=point - z * sd, hi=point + z * sd * skew)
        totals[level] = Interval(lo=max(counted, total - z * total_sd), hi=total + z * total_sd)
    return RaceEstimate(
        race=race,
        counted_dem=dem,
        counted_gop=gop,
        counted_other=other,
        expected_total=total,
        margin=point,
        margin_sd=sd,
        margin_intervals=margins,
        total_intervals=totals,
        units_total=67,
        units_reporting=67,
    )
