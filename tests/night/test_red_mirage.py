"""The red mirage / blue shift where the documented model puts it, and its absence elsewhere."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from racedesk.night.calibrate import contest_curve, margin_at
from racedesk.night.generator import generate_night

SEEDS = range(8)
EARLY = (0.3, 0.4, 0.5)


def _early_and_final(year: int, state: str, seed: int, data_dir: Path) -> tuple[list[float], float]:
    night = generate_night(year, seed=seed, data_dir=data_dir, states=[state])
    curve = contest_curve(night, f"{year}-president-{state}")
    total = int(curve.total[-1])
    return [margin_at(curve, total, share) for share in EARLY], float(curve.margin()[-1])


def test_pennsylvania_2020_trump_leads_early_biden_wins(data_dir: Path) -> None:
    mirages = 0
    for seed in SEEDS:
        early, final = _early_and_final(2020, "PA", seed, data_dir)
        assert final > 0  # Biden wins: the final count is the certified one
        mirages += all(margin < 0 for margin in early)
    assert mirages >= 7


def test_pennsylvania_2016_no_mirage(data_dir: Path) -> None:
    # 2016: little mail, no partisan split by voting method; the early count is near the final.
    shifts = []
    for seed in SEEDS:
        early, final = _early_and_final(2016, "PA", seed, data_dir)
        shifts.append(early[1] - final)
    assert np.median(np.abs(shifts)) < 0.05


def test_arizona_2020_early_count_leans_democratic(data_dir: Path) -> None:
    # Early ballots first, Republican-leaning "late earlies" days later: the opposite shift.
    for seed in SEEDS:
        early, final = _early_and_final(2020, "AZ", seed, data_dir)
        assert early[1] > final
