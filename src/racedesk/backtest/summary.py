"""The metrics of a backtest table (``docs/backtest.md`` defines each one).

The table has one row per (run, race, share): ``race_rows`` keeps one per (run, race) for the
call metrics; the coverage metrics use every checkpoint a race reached. Replays (``night ==
"replay"``) give the coverage and timing figures; the real nights and the real snapshot are
reported apart.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from racedesk.backtest.runs import LEVELS, SHARES

REPLAY = "replay"


def race_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, race)."""
    return frame.drop_duplicates(["run_id", "race"]).reset_index(drop=True)


def _flag(series: pd.Series) -> pd.Series:
    """Booleans read back from CSV (``True``/``False`` text) or kept in memory."""
    if series.dtype == bool:
        return series
    return series.astype(str).str.lower().isin(["true", "1"])


def _key(share: float) -> str:
    return f"{share:.1f}"


def coverage(frame: pd.DataFrame, level: float) -> dict[str, float]:
    """Share of checkpoints whose interval at ``level`` holds the final margin, by share."""
    pct = round(level * 100)
    reached = frame[frame["share_actual"].notna()]
    inside = (reached[f"lo{pct}"] <= reached["final_margin"]) & (
        reached["final_margin"] <= reached[f"hi{pct}"]
    )
    rates = inside.groupby(reached["share"]).mean()
    return {_key(s): round(float(rates[s]), 4) for s in SHARES if s in rates.index}


def by_share(frame: pd.DataFrame, values: pd.Series, how: str) -> dict[str, float]:
    reached = frame["share_actual"].notna()
    grouped = values[reached].groupby(frame.loc[reached, "share"])
    result = grouped.median() if how == "median" else grouped.mean()
    return {_key(s): round(float(result[s]), 4) for s in SHARES if s in result.index}


def unit_coverage(frame: pd.DataFrame, level: float) -> dict[str, float]:
    pct = round(level * 100)
    if "units_out" not in frame or frame["units_out"].isna().all():
        return {}
    grouped = frame.groupby("share")
    out = grouped["units_out"].sum().to_dict()
    inside = grouped[f"units_cov{pct}"].sum().to_dict()
    return {_key(s): round(float(inside[s] / out[s]), 4) for s in SHARES if out.get(s, 0) > 0}


def _calls(races: pd.DataFrame) -> dict[str, Any]:
    called = races[races["calls"] > 0]
    wrong = races[_flag(races["wrong_call"])]
    must = races[~_flag(races["inside_band"])]
    missed = must[must["final_status"] != "called"]
    by_race = called.groupby("race")
    return {
        "calls": len(called),
        "wrong_calls": len(wrong),
        "wrong_call_list": [
            {
                "run_id": r.run_id,
                "race": r.race,
                "call_winner": r.call_winner,
                "final_winner": r.final_winner,
                "called_at": r.called_at,
                "share_counted": r.true_share_at_call,
            }
            for r in wrong.itertuples()
        ],
        "retractions": int(races["retracted"].sum()),
        "not_called_outside_recount_band": len(missed),
        "not_called_by_race": {k: int(v) for k, v in missed.groupby("race").size().items()},
        "median_share_counted_at_call": round(float(called["true_share_at_call"].median()), 4)
        if len(called)
        else None,
        "median_share_counted_at_call_by_race": {
            k: round(float(v), 4) for k, v in by_race["true_share_at_call"].median().items()
        },
        "median_hours_to_call_by_race": {
            k: round(float(v), 2) for k, v in by_race["call_hours_after_close"].median().items()
        },
    }


def _presidency(races: pd.DataFrame) -> dict[str, Any]:
    runs = races.drop_duplicates("run_id")
    national = runs[(runs["night"] == REPLAY) & runs["states"].fillna("").eq("")]
    declared = national["president_elect"].fillna("")
    right = declared == national["college_winner"].fillna("")
    share = national["declared_share"].astype(float)
    return {
        "national_runs": len(national),
        "declared_for_real_winner": int((right & (declared != "")).sum()),
        "declared_for_other": int(((declared != "") & ~right).sum()),
        "not_declared": int((declared == "").sum()),
        "not_declared_runs": national.loc[declared == "", "run_id"].tolist(),
        "median_share_counted_at_declaration": round(float(share.median()), 4)
        if share.notna().any()
        else None,
    }


def summarise(frame: pd.DataFrame, snapshot: pd.DataFrame | None = None) -> dict[str, Any]:
    """The ``--json`` summary of a table (plus the real 8 November snapshot when given)."""
    races = race_rows(frame)
    replays = frame[frame["night"] == REPLAY]
    width = (replays["hi90"] - replays["lo90"]) * 100
    error = (replays["margin_est"] - replays["final_margin"]).abs() * 100
    summary: dict[str, Any] = {"runs": int(frame["run_id"].nunique())}
    summary |= _calls(races)
    summary["coverage"] = {str(round(lv * 100)): coverage(replays, lv) for lv in LEVELS}
    summary["coverage_by_order"] = {
        order: {"90": coverage(part, 0.9)} for order, part in replays.groupby("order")
    }
    summary["coverage_by_year"] = {
        str(year): {"90": coverage(part, 0.9)} for year, part in replays.groupby("year")
    }
    summary["median_width90_points"] = by_share(replays, width, "median")
    summary["mae_points"] = by_share(replays, error, "mean")
    summary["unit_coverage"] = {
        str(round(lv * 100)): unit_coverage(replays, lv) for lv in (0.8, 0.9)
    }
    summary["presidency"] = _presidency(races)
    cycle = races.drop_duplicates("run_id")
    summary["cycle_seconds"] = {
        "median": round(float(cycle["cycle_median_s"].median()), 4),
        "p95_max": round(float(cycle["cycle_p95_s"].max()), 4),
    }
    summary["real_nights"] = {
        night: _real(part) for night, part in frame.groupby("night") if night != REPLAY
    }
    if snapshot is not None and len(snapshot):
        summary["real_nights"]["2020-11-08-snapshot"] = _real(snapshot)
    return summary


def _real(rows: pd.DataFrame) -> dict[str, Any]:
    """A real night's calls, and the 90% coverage over every checkpoint it reached."""
    races = race_rows(rows)
    reached = rows[rows["share_actual"].notna()]
    inside = (reached["lo90"] <= reached["final_margin"]) & (
        reached["final_margin"] <= reached["hi90"]
    )
    return {
        "races": len(races),
        "calls": int((races["calls"] > 0).sum()),
        "wrong_calls": int(_flag(races["wrong_call"]).sum()),
        "retractions": int(races["retracted"].fillna(0).sum()),
        "coverage90": round(float(inside.mean()), 4) if len(inside) else None,
        "checkpoints": len(inside),
        "not_called": sorted(races.loc[races["final_status"] != "called", "race"].tolist()),
    }
