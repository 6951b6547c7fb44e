"""The metrics on a hand-made table: coverage by share, wrong calls, the presidency."""

from __future__ import annotations

import pandas as pd

from racedesk.backtest.summary import coverage, summarise


def _rows() -> pd.DataFrame:
    base = {
        "night": "replay",
        "year": 2020,
        "seed": 1,
        "order": "realistic",
        "states": "",
        "president_elect": "dem",
        "declared_share": 0.9,
        "college_winner": "dem",
        "cycle_median_s": 0.1,
        "cycle_p95_s": 0.2,
        "retracted": 0,
        "final_status": "called",
        "inside_band": False,
        "call_hours_after_close": 2.0,
        "units_out": 10,
        "units_cov80": 8,
        "units_cov90": 9,
        "units_cov95": 10,
        "units_cov99": 10,
    }
    rows = []
    for run_id, wrong in (("a", False), ("b", True)):
        for share, lo in ((0.1, 0.0), (0.2, 0.06)):
            rows.append(
                base
                | {
                    "run_id": run_id,
                    "race": "PA",
                    "share": share,
                    "share_actual": share,
                    "final_margin": 0.05,
                    "margin_est": 0.04,
                    "calls": 1,
                    "call_winner": "gop" if wrong else "dem",
                    "final_winner": "dem",
                    "wrong_call": wrong,
                    "called_at": "2020-11-04T04:00:00+00:00",
                    "true_share_at_call": 0.5 if wrong else 0.7,
                    **{f"lo{p}": lo for p in (80, 90, 95, 99)},
                    **{f"hi{p}": 0.1 for p in (80, 90, 95, 99)},
                }
            )
    return pd.DataFrame(rows)


def test_coverage_by_share() -> None:
    assert coverage(_rows(), 0.9) == {"0.1": 1.0, "0.2": 0.0}


def test_summary_counts_calls_runs_and_the_presidency() -> None:
    summary = summarise(_rows())
    assert summary["runs"] == 2 and summary["calls"] == 2
    assert summary["wrong_calls"] == 1
    assert summary["wrong_call_list"][0]["run_id"] == "b"
    assert summary["median_share_counted_at_call"] == 0.6
    assert summary["coverage"]["90"] == {"0.1": 1.0, "0.2": 0.0}
    assert summary["unit_coverage"]["90"]["0.1"] == 0.9
    assert summary["presidency"]["declared_for_real_winner"] == 2
    assert summary["mae_points"]["0.1"] == 1.0
