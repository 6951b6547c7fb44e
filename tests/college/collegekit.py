"""Builders for the College tests: called statuses, estimates, and the real electors per race."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from racedesk.calls.status import Evidence, Kind, RaceStatus, Rule
from racedesk.domain.contests import Party
from racedesk.domain.electoral import race_electors
from racedesk.history.states import district_winners, load_state_totals
from racedesk.model.estimate import Interval, RaceEstimate

NIGHT = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)


def called(race: str, party: Party, at: datetime = NIGHT) -> RaceStatus:
    sign = 1.0 if party is Party.DEM else -1.0
    evidence = Evidence(
        counted_margin=0.1 * sign,
        margin=0.1 * sign,
        interval=Interval(lo=min(0.05 * sign, 0.15 * sign), hi=max(0.05 * sign, 0.15 * sign)),
        confidence=0.995,
        recount_band=0.005,
        recount_rule="test",
        share_counted=0.9,
        counted_total=900,
        expected_total=1000.0,
        remaining_high=100.0,
        hurdle=0.9,
        prior_margin=None,
    )
    return RaceStatus(
        race=race,
        kind=Kind.CALLED,
        at=at,
        reasons=("test call",),
        evidence=evidence,
        winner=party,
        rule=Rule.COUNT,
    )


def normal(race: str, margin: float, sd: float) -> RaceEstimate:
    """An estimate carrying only a point and a standard deviation (no intervals)."""
    return RaceEstimate(
        race=race,
        counted_dem=0,
        counted_gop=0,
        counted_other=0,
        expected_total=1e6,
        margin=margin,
        margin_sd=sd,
    )


def real_results(year: int, data_dir: Path) -> tuple[dict[str, int], dict[str, Party]]:
    """Electors (``race_electors``) and the certified winner of every race of ``year``."""
    totals = load_state_totals(year, data_dir)
    districts, _ = district_winners(year, data_dir)
    winners = {state: result.winner for state, result in totals.items()} | districts
    return race_electors(year), winners
