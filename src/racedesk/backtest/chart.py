"""A PNG chart of one night: electors called over time, and the win probability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

DEM_COLOUR = "#1f5fbf"  # blue / orange: distinguishable with the common colour-vision deficiencies
GOP_COLOUR = "#d9541e"


@dataclass(frozen=True, slots=True, kw_only=True)
class NightPoint:
    at: datetime
    called_dem: int
    called_gop: int
    win_dem: float
    win_gop: float
    share_counted: float


def plot_night(
    points: Sequence[NightPoint],
    path: Path,
    *,
    title: str,
    majority: int = 270,
    names: tuple[str, str] = ("Democrat", "Republican"),
) -> Path:
    """Two panels sharing the clock: electors called, and P(reaching a majority)."""
    times = [p.at for p in points]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True, dpi=100)
    top.step(times, [p.called_dem for p in points], where="post", color=DEM_COLOUR, label=names[0])
    top.step(times, [p.called_gop for p in points], where="post", color=GOP_COLOUR, label=names[1])
    top.axhline(majority, color="#555555", linestyle="--", linewidth=1)
    top.text(times[0], majority + 6, f"{majority} to win", fontsize=8, color="#555555")
    top.set_ylabel("electors called")
    top.set_ylim(0, 538)
    top.legend(loc="upper left", fontsize=8)
    bottom.plot(times, [p.win_dem for p in points], color=DEM_COLOUR)
    bottom.plot(times, [p.win_gop for p in points], color=GOP_COLOUR)
    bottom.plot(times, [p.share_counted for p in points], color="#777777", linestyle=":")
    bottom.text(times[-1], points[-1].share_counted, " counted", fontsize=8, color="#555555")
    bottom.set_ylabel("probability of a majority")
    bottom.set_ylim(-0.02, 1.02)
    formatter = mdates.DateFormatter("%b %d %H:%M", tz="America/New_York")  # type: ignore[no-untyped-call]
    bottom.xaxis.set_major_formatter(formatter)
    bottom.set_xlabel("Eastern time")
    for axis in (top, bottom):
        axis.grid(alpha=0.3)
    figure.suptitle(title)
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
