"""The backtest report: Markdown tables and PNG plots from a backtest table.

``write_report(out_dir, frame, snapshot, data_dir)`` writes ``report.md`` with: the headline
(runs, wrong calls, retractions, presidency), interval coverage at 80/90/95/99% by share counted
with the median 90% width and the mean absolute error, coverage by order model, unit-level
coverage, the per-race table (median share counted and hours from poll close at the call, races
left uncalled outside the recount band), racedesk's calls beside the AP's (2020 on the real
statewide series, 2024 on the realistic replays), the real nights, and desk cycle times. Plots:
``coverage.png`` (90% coverage by share, per order), ``width_error.png`` (median 90% width and
mean absolute error by share), ``calls_vs_ap.png`` (hours from poll close to call, racedesk
against the AP).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from racedesk.backtest.ap_calls import EASTERN, load_ap_calls
from racedesk.backtest.runs import SHARES
from racedesk.backtest.summary import REPLAY, coverage, race_rows, summarise
from racedesk.domain.polls import poll_close

SHARE_KEYS = [f"{s:.1f}" for s in SHARES]


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if c is None else str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _pct(value: float | None) -> str:
    return "" if value is None or not np.isfinite(value) else f"{value * 100:.1f}"


def _et(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(EASTERN).strftime("%b %d %H:%M")


def ap_comparison(frame: pd.DataFrame, data_dir: Path) -> pd.DataFrame:
    """Per (year, race) with an AP call on record: the AP's call and racedesk's, in hours
    after the race's last poll close. 2020: the real statewide series; 2024 (and 2020 races the
    series lacks): the median over the realistic replays."""
    races = race_rows(frame)
    ap = load_ap_calls(data_dir)
    rows: list[dict[str, Any]] = []
    for (year, race), call in sorted(ap.items()):
        if race == "president":
            continue
        close = poll_close(year, race)
        real = races[(races["night"] == "2020-states") & (races["race"] == race)]
        real = real[real["calls"] > 0] if year == 2020 else real.iloc[0:0]
        replays = races[
            (races["night"] == REPLAY)
            & (races["year"] == year)
            & (races["order"] == "realistic")
            & (races["race"] == race)
            & (races["calls"] > 0)
        ]
        source, hours = "", None
        if len(real):
            source, hours = "real series", float(real["call_hours_after_close"].iloc[0])
        elif len(replays):
            source = f"replays (median of {len(replays)})"
            hours = float(replays["call_hours_after_close"].median())
        ap_hours = (call.at - close).total_seconds() / 3600 if call.at else None
        rows.append(
            {
                "year": year,
                "race": race,
                "ap_call_et": _et(call.at) if call.at else call.precision,
                "ap_hours": ap_hours,
                "racedesk_call_et": _et(close + timedelta(hours=hours))
                if hours is not None
                else "",
                "racedesk_hours": hours,
                "racedesk_source": source,
            }
        )
    return pd.DataFrame(rows)


def _presidency_rows(frame: pd.DataFrame, data_dir: Path) -> list[list[Any]]:
    runs = race_rows(frame).drop_duplicates("run_id")
    national = runs[(runs["night"] == REPLAY) & runs["states"].fillna("").eq("")]
    ap = load_ap_calls(data_dir)
    rows: list[list[Any]] = []
    for year, part in national.groupby("year"):
        declared = pd.to_datetime(part["declared_at"].replace("", np.nan), utc=True).dropna()
        call = ap.get((int(str(year)), "president"))
        rows.append(
            [
                year,
                len(part),
                int((part["president_elect"] == part["college_winner"]).sum()),
                _et(declared.median().to_pydatetime()) if len(declared) else "never",
                _pct(float(part["declared_share"].astype(float).median())),
                _et(call.at) if call and call.at else "",
            ]
        )
    return rows


def _plot_coverage(replays: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(7, 4.5))
    for order, part in replays.groupby("order"):
        rates = coverage(part, 0.9)
        ax.plot(
            [float(k) * 100 for k in rates],
            [v * 100 for v in rates.values()],
            marker="o",
            label=str(order),
        )
    ax.axhline(90, color="black", linestyle="--", linewidth=1)
    ax.set_xlabel("share of the race's final vote counted (%)")
    ax.set_ylabel("90% intervals holding the final margin (%)")
    ax.set_title("State-margin interval coverage by share counted")
    ax.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _plot_width_error(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width, error = summary["median_width90_points"], summary["mae_points"]
    figure, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot([float(k) * 100 for k in width], list(width.values()), marker="o", label="90% width")
    ax.plot([float(k) * 100 for k in error], list(error.values()), marker="s", label="abs. error")
    ax.set_yscale("log")
    ax.set_xlabel("share of the race's final vote counted (%)")
    ax.set_ylabel("points of margin")
    ax.set_title("Median 90% interval width and mean absolute error (replays)")
    ax.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _plot_ap(table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(6.5, 6))
    both = table.dropna(subset=["ap_hours", "racedesk_hours"])
    for year, part in both.groupby("year"):
        x = np.clip(part["ap_hours"].to_numpy(float), 0.1, None)
        y = np.clip(part["racedesk_hours"].to_numpy(float), 0.1, None)
        ax.scatter(x, y, label=str(year), s=18)
        for xi, yi, race in zip(x, y, part["race"], strict=True):
            ax.annotate(race, (xi, yi), fontsize=6)
    ax.plot([0.1, 500], [0.1, 500], color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("AP: hours from last poll close to call")
    ax.set_ylabel("racedesk: hours from last poll close to call")
    ax.set_title("Call times (0 h drawn at 0.1 h)")
    if len(both):
        ax.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_report(
    out_dir: Path, frame: pd.DataFrame, snapshot: pd.DataFrame | None, data_dir: Path
) -> Path:
    """Write ``report.md`` and its plots into ``out_dir``; returns the Markdown path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = summarise(frame, snapshot)
    replays = frame[frame["night"] == REPLAY]
    lines = ["# racedesk backtest", ""]
    president = summary["presidency"]
    lines += [
        f"Runs: {summary['runs']} (replays: {replays['run_id'].nunique()}). "
        f"Calls: {summary['calls']}. **Wrong calls: {summary['wrong_calls']}.** "
        f"Retractions: {summary['retractions']}. Races left uncalled although their final "
        f"margin is outside the recount band: {summary['not_called_outside_recount_band']} "
        f"({', '.join(f'{k} {v}' for k, v in summary['not_called_by_race'].items()) or 'none'}).",
        "",
        f"Presidency (national replays): declared for the real winner in "
        f"{president['declared_for_real_winner']} of {president['national_runs']}, for another "
        f"candidate in {president['declared_for_other']}, never in {president['not_declared']}.",
        "",
    ]
    if summary["wrong_call_list"]:
        lines += ["## Wrong calls", ""]
        lines += _table(
            ["run", "race", "called", "final", "at", "share counted"],
            [
                [
                    w["run_id"],
                    w["race"],
                    w["call_winner"],
                    w["final_winner"],
                    w["called_at"],
                    _pct(w["share_counted"]),
                ]
                for w in summary["wrong_call_list"]
            ],
        )
    lines += ["## Interval coverage by share counted (replays, % of checkpoints)", ""]
    cov = summary["coverage"]
    rows = [[f"{level}%", *[_pct(cov[level].get(k)) for k in SHARE_KEYS]] for level in cov]
    rows.append(
        [
            "median 90% width (pts)",
            *[f"{summary['median_width90_points'].get(k, float('nan')):.2f}" for k in SHARE_KEYS],
        ]
    )
    rows.append(
        [
            "mean abs. error (pts)",
            *[f"{summary['mae_points'].get(k, float('nan')):.2f}" for k in SHARE_KEYS],
        ]
    )
    lines += _table(["level", *[f"{float(k) * 100:.0f}%" for k in SHARE_KEYS]], rows)
    lines += ["![coverage](coverage.png)", "", "![width and error](width_error.png)", ""]
    lines += ["### 90% coverage by order model", ""]
    lines += _table(
        ["order", *[f"{float(k) * 100:.0f}%" for k in SHARE_KEYS]],
        [
            [order, *[_pct(v["90"].get(k)) for k in SHARE_KEYS]]
            for order, v in summary["coverage_by_order"].items()
        ],
    )
    lines += ["### 90% coverage by year (all orders)", ""]
    lines += _table(
        ["year", *[f"{float(k) * 100:.0f}%" for k in SHARE_KEYS]],
        [
            [year, *[_pct(v["90"].get(k)) for k in SHARE_KEYS]]
            for year, v in summary["coverage_by_year"].items()
        ],
    )
    lines += ["### Unit-level coverage (counties not yet complete, by the nation's share)", ""]
    lines += _table(
        ["level", *[f"{float(k) * 100:.0f}%" for k in SHARE_KEYS]],
        [
            [f"{level}%", *[_pct(v.get(k)) for k in SHARE_KEYS]]
            for level, v in summary["unit_coverage"].items()
        ],
    )
    lines += _race_section(frame)
    ap = ap_comparison(frame, data_dir)
    lines += ["## racedesk's calls beside the AP's", ""]
    lines += [
        "Hours from the race's last poll close; racedesk on the real 2020 statewide "
        "series where it called the race, else the median of the realistic replays.",
        "",
    ]
    lines += _table(
        ["year", "race", "AP (ET)", "AP h", "racedesk (ET)", "racedesk h", "racedesk from"],
        [
            [
                r.year,
                r.race,
                r.ap_call_et,
                _hours(r.ap_hours),
                r.racedesk_call_et,
                _hours(r.racedesk_hours),
                r.racedesk_source,
            ]
            for r in ap.itertuples()
        ],
    )
    lines += ["![calls against the AP](calls_vs_ap.png)", ""]
    lines += ["### The presidency", ""]
    lines += _table(
        [
            "year",
            "national replays",
            "declared for the real winner",
            "median declaration (ET)",
            "median share counted then",
            "AP's call (ET)",
        ],
        _presidency_rows(frame, data_dir),
    )
    lines += ["## Real nights", ""]
    lines += _table(
        [
            "night",
            "races",
            "calls",
            "wrong",
            "retractions",
            "90% coverage",
            "checkpoints",
            "not called",
        ],
        [
            [
                name,
                r["races"],
                r["calls"],
                r["wrong_calls"],
                r["retractions"],
                _pct(r["coverage90"]),
                r["checkpoints"],
                " ".join(r["not_called"]),
            ]
            for name, r in summary["real_nights"].items()
        ],
    )
    cycle = summary["cycle_seconds"]
    lines += [
        f"Desk cycle time: median {cycle['median'] * 1000:.0f} ms over the runs' "
        f"medians; worst run's 95th percentile {cycle['p95_max'] * 1000:.0f} ms.",
        "",
    ]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    _plot_coverage(replays, out_dir / "coverage.png")
    _plot_width_error(summary, out_dir / "width_error.png")
    _plot_ap(ap, out_dir / "calls_vs_ap.png")
    return path


def _hours(value: Any) -> str:
    """Hours with one decimal; blank for None or NaN (table cells arrive untyped)."""
    if value is None or not np.isfinite(float(value)):
        return ""
    return f"{float(value):.1f}"


def _race_section(frame: pd.DataFrame) -> list[str]:
    races = race_rows(frame[frame["night"] == REPLAY])
    lines = ["## Calls by race (replays)", ""]
    rows = []
    for race, part in races.groupby("race"):
        called = part[part["calls"] > 0]
        outside = part[part["inside_band"].astype(str).str.lower() != "true"]
        rows.append(
            [
                race,
                len(part),
                len(called),
                _pct(float(called["true_share_at_call"].median())) if len(called) else "",
                _hours(float(called["call_hours_after_close"].median())) if len(called) else "",
                int((outside["final_status"] != "called").sum()),
                int(part["wrong_call"].astype(str).str.lower().eq("true").sum()),
                int(part["retracted"].sum()),
            ]
        )
    lines += _table(
        [
            "race",
            "runs",
            "called",
            "median % counted at call",
            "median h after close",
            "uncalled outside band",
            "wrong",
            "retracted",
        ],
        rows,
    )
    return lines
