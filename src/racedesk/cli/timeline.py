"""``racedesk timeline YEAR``: the road from Election Day to Inauguration Day, as a table, JSON,
CSV or a PNG chart (matplotlib, Agg backend)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import click

from racedesk.cli.callers import existing_ledger
from racedesk.cli.output import output_options, print_csv, print_json, print_table, today_option
from racedesk.cli.store_option import store_option, store_path
from racedesk.college.consensus import consensus
from racedesk.college.payloads import timeline_payload
from racedesk.college.timeline import Kind, Timeline, timeline
from racedesk.errors import DataNotFound
from racedesk.history.calls import load_calls
from racedesk.settings import Settings

COLUMNS = ("date", "weekday", "what", "kind", "status", "days_remaining", "detail")


def _days(days: int) -> str:
    return "today" if days == 0 else ("" if days < 0 else str(days))


def render_png(view: Timeline, path: Path) -> None:
    """Draw the timeline: milestones as labelled ticks on a date axis, calls and recorded
    events as dots, past in solid colour, ahead faded, and a line at today."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    start = view.entries[0].on - timedelta(days=4)
    end = view.entries[-1].on + timedelta(days=4)

    def x(day: date) -> float:  # days since the left edge: plain floats for the axis
        return float((day - start).days)

    figure, axes = plt.subplots(figsize=(11, 4.8), dpi=110)
    levels = [1.6, -1.6, 1.0, -1.0, 0.45, -0.45]
    colours = {Kind.MILESTONE: "#1f3b73", Kind.CALL: "#b03a2e", Kind.EVENT: "#2e7d32"}
    for index, entry in enumerate(view.entries):
        level = levels[index % len(levels)]
        faded = entry.days > 0
        colour = colours[entry.kind]
        axes.vlines(x(entry.on), 0, level, color=colour, alpha=0.35 if faded else 0.9, linewidth=1)
        axes.plot(x(entry.on), 0, "o", color=colour, alpha=0.4 if faded else 1.0, markersize=6)
        label = f"{entry.on:%b %d}\n{entry.name}"
        if faded:
            label += f"\n(in {entry.days} d)"
        axes.annotate(
            label,
            (x(entry.on), level),
            ha="center",
            va="bottom" if level > 0 else "top",
            fontsize=7,
            color=colour,
            alpha=0.6 if faded else 1.0,
        )
    axes.axhline(0, color="#555555", linewidth=1)
    if start <= view.today <= end:
        axes.axvline(x(view.today), color="#e67e22", linestyle="--", linewidth=1)
        axes.text(
            x(view.today), 2.1, f"today {view.today}", color="#e67e22", fontsize=8, ha="center"
        )
    mondays = [
        start + timedelta(days=d)
        for d in range((end - start).days + 1)
        if (start + timedelta(days=d)).weekday() == 0
    ]
    axes.set_xticks([x(day) for day in mondays], [f"{day:%b %d}" for day in mondays], fontsize=7)
    axes.set_xlim(0.0, x(end))
    axes.set_ylim(-2.4, 2.4)
    axes.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    axes.set_title(f"{view.year}: the road to January 20 ({view.regime})")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


@click.command(name="timeline")
@click.argument("year", type=int)
@today_option
@click.option(
    "--png",
    "png_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the timeline to this PNG file.",
)
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@store_option
@output_options()
def timeline_command(
    year: int,
    today: datetime | None,
    png_path: Path | None,
    data_flag: str | None,
    store_flag: Path | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The road from Election Day to Inauguration Day of YEAR: the statutory dates, each
    caller's declaration of the president-elect, and what the store records (certificates,
    electors' votes, the joint session); past with dates, ahead with days remaining.

    Example:

        racedesk timeline 2024 --today 2024-12-01 --png road-2024.png
    """
    now = today.date() if today is not None else date.today()
    try:
        calls = load_calls(Settings.from_env().with_flags(data=data_flag).data_dir(), year).calls
    except DataNotFound:
        calls = ()  # the calendar alone still makes a timeline
    ledger = existing_ledger(store_path(store_flag))
    try:
        view = timeline(
            year, now, consensus=consensus(year, ledger=ledger, data_calls=calls), ledger=ledger
        )
    finally:
        if ledger is not None:
            ledger.close()
    if png_path is not None:
        render_png(view, png_path)
        click.echo(f"wrote {png_path}", err=True)
    rows = [
        (
            e.on.isoformat(),
            e.on.strftime("%A"),
            e.name,
            e.kind.value,
            e.status,
            _days(e.days),
            e.detail,
        )
        for e in view.entries
    ]
    if as_json:
        print_json(timeline_payload(view))
    elif as_csv:
        print_csv(COLUMNS, rows)
    else:
        following = view.next
        print_table(
            COLUMNS[:-1],
            [row[:-1] for row in rows],
            title=f"{year}: from Election Day to Inauguration Day ({view.regime})",
            caption=f"next: {following.name} in {following.days} days" if following else None,
        )
