"""The replay model against the real 2020 nights: a short Markdown report with two plots.

For every state of the 2020 statewide series, and for replays of 2020 with a few seeds: hours
after poll close until 50% and 90% of the certified vote was counted, and the *early shift* —
the Democratic margin when 40% was counted minus the final margin (negative: a red mirage, the
count started Republican and moved Democratic). For North Carolina, the vote types' leans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from racedesk.domain.counts import VoteMode
from racedesk.domain.polls import poll_close
from racedesk.history.counties import load_county_results
from racedesk.night.calibrate import contest_curve, fit_vote_types, hours_to, margin_at
from racedesk.night.generator import generate_night
from racedesk.night.night import Night
from racedesk.night.timeseries import nc_counties_2020, states_2020

EARLY_SHARE = 0.4
PLOT_STATES = ("PA", "WI", "MI", "GA", "AZ", "FL", "NC", "CA")


@dataclass(frozen=True, slots=True, kw_only=True)
class StateComparison:
    state: str
    real_t50: float
    real_t90: float
    real_shift: float
    replay_t50: float
    replay_t90: float
    replay_shift: float


def _measure(night: Night, state: str, close: int, final: tuple[int, int, int]) -> list[float]:
    total = sum(final)
    curve = contest_curve(night, f"2020-president-{state}")
    final_margin = (final[0] - final[1]) / total
    return [
        hours_to(curve, close, total, 0.5),
        hours_to(curve, close, total, 0.9),
        margin_at(curve, total, EARLY_SHARE) - final_margin,
    ]


def compare_states(data_dir: Path, seeds: Sequence[int] = (1, 2, 3)) -> list[StateComparison]:
    """Real 2020 statewide series against replays of 2020 (mean over ``seeds``)."""
    real = states_2020(data_dir)
    finals = load_county_results(2020, data_dir).state_sums()
    replays = [generate_night(2020, seed=seed, data_dir=data_dir) for seed in seeds]
    states = sorted({str(u) for u in real.unit_ids})
    out: list[StateComparison] = []
    for state in states:
        close = int(poll_close(2020, state).timestamp())
        measured = _measure(real, state, close, finals[state])
        replayed = np.nanmean([_measure(n, state, close, finals[state]) for n in replays], axis=0)
        out.append(
            StateComparison(
                state=state,
                real_t50=measured[0],
                real_t90=measured[1],
                real_shift=measured[2],
                replay_t50=float(replayed[0]),
                replay_t90=float(replayed[1]),
                replay_shift=float(replayed[2]),
            )
        )
    return out


def _plot_progress(data_dir: Path, path: Path, seed: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    real = states_2020(data_dir)
    replay = generate_night(2020, seed=seed, data_dir=data_dir, states=PLOT_STATES)
    finals = load_county_results(2020, data_dir).state_sums()
    figure, axes = plt.subplots(2, 4, figsize=(12, 5.5), sharex=True, sharey=True)
    for ax, state in zip(axes.flat, PLOT_STATES, strict=True):
        close = int(poll_close(2020, state).timestamp())
        total = sum(finals[state])
        for night, label, style in ((real, "real (NYT/Edison)", "-"), (replay, "replay", "--")):
            curve = contest_curve(night, f"2020-president-{state}")
            hours = (curve.at - close) / 3600
            ax.plot(hours, curve.counted(total), style, label=label)
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(-0.5, 250)
        ax.set_title(state)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    figure.supxlabel("hours after final poll close (symlog)")
    figure.supylabel("share of certified vote counted")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def _plot_shift(rows: Sequence[StateComparison], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(6, 5.5))
    x = np.array([r.real_shift for r in rows]) * 100
    y = np.array([r.replay_shift for r in rows]) * 100
    ax.scatter(x, y, s=12)
    for r, xi, yi in zip(rows, x, y, strict=True):
        ax.annotate(r.state, (xi, yi), fontsize=7)
    limit = float(np.nanmax(np.abs(np.r_[x, y]))) + 2
    ax.plot([-limit, limit], [-limit, limit], color="grey", lw=0.8)
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("real: Dem margin at 40% counted − final (points)")
    ax.set_ylabel("replay: same")
    ax.set_title("Early lean vs final lean, 2020")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def _fmt(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.1f}"


def write_report(out_dir: Path, data_dir: Path, seeds: Sequence[int] = (1, 2, 3)) -> Path:
    """Write ``replay-report.md`` and its two PNG plots into ``out_dir``; return the Markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = compare_states(data_dir, seeds)
    _plot_progress(data_dir, out_dir / "replay-progress.png", seeds[0])
    _plot_shift(rows, out_dir / "replay-early-lean.png")
    real_nc = fit_vote_types(nc_counties_2020(data_dir))
    replay_nc = fit_vote_types(
        generate_night(2020, seed=seeds[0], data_dir=data_dir, states=["NC"])
    )

    def corr(a: list[float], b: list[float]) -> float:
        ok = ~(np.isnan(a) | np.isnan(b))
        return float(np.corrcoef(np.array(a)[ok], np.array(b)[ok])[0, 1])

    lines = [
        "# Replay model against the real 2020 nights",
        "",
        f"Replays: 2020, seeds {', '.join(map(str, seeds))} (mean). Real: NYT/Edison statewide "
        "series (to about Nov 13). Shares are of the certified county total; hours are after "
        f"the state's final poll close. Early shift = Dem margin at {EARLY_SHARE:.0%} counted "
        "minus the final margin (points; negative = red mirage).",
        "",
        "![share counted over time](replay-progress.png)",
        "![early lean versus final lean](replay-early-lean.png)",
        "",
        f"Correlation real/replay across states: hours to 50% "
        f"{corr([r.real_t50 for r in rows], [r.replay_t50 for r in rows]):.2f}, "
        f"early shift {corr([r.real_shift for r in rows], [r.replay_shift for r in rows]):.2f}.",
        "",
        "| state | real h→50% | replay h→50% | real h→90% | replay h→90% "
        "| real shift | replay shift |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.state} | {_fmt(r.real_t50)} | {_fmt(r.replay_t50)} | {_fmt(r.real_t90)} "
            f"| {_fmt(r.replay_t90)} | {_fmt(r.real_shift * 100)} | {_fmt(r.replay_shift * 100)} |"
        )
    lines += [
        "",
        "## North Carolina 2020 by vote type (county medians)",
        "",
        "| mode | real share | replay share | real lean | replay lean | real lean sd "
        "| replay lean sd |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode in (VoteMode.EARLY, VoteMode.MAIL, VoteMode.ELECTION_DAY, VoteMode.PROVISIONAL):
        lines.append(
            f"| {mode.value} | {real_nc.share[mode]:.3f} | {replay_nc.share[mode]:.3f} "
            f"| {real_nc.lean[mode]:+.2f} | {replay_nc.lean[mode]:+.2f} "
            f"| {real_nc.lean_sd[mode]:.2f} | {replay_nc.lean_sd[mode]:.2f} |"
        )
    path = out_dir / "replay-report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
