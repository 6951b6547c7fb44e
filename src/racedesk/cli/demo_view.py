"""What a person watches during ``racedesk demo``: a live panel, then the final map as a table."""

from __future__ import annotations

from collections import deque
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from racedesk.backtest.night import NightRun
from racedesk.calls.status import Kind, RaceStatus
from racedesk.desk import Cycle
from racedesk.domain.calendar import calendar_for
from racedesk.domain.contests import Party
from racedesk.domain.electoral import race_electors
from racedesk.domain.nominees import nominee

EASTERN = ZoneInfo("America/New_York")
STYLE = {Party.DEM: "bold blue", Party.GOP: "bold dark_orange3", Party.OTHER: "bold"}


def eastern(moment: datetime) -> str:
    return moment.astimezone(EASTERN).strftime("%a %b %d %I:%M %p ET")


def _bar(dem: int, gop: int, width: int = 54) -> Text:
    """The 538 electors as a bar: Democrat from the left, Republican from the right, 270 marked."""
    left = round(dem / 538 * width)
    right = round(gop / 538 * width)
    middle = max(width - left - right, 0)
    bar = Text()
    bar.append("█" * left, style="blue")
    bar.append("·" * middle, style="grey50")
    bar.append("█" * right, style="dark_orange3")
    return bar


class LiveView:
    """A rich panel on stderr, redrawn each cycle: clock, counted, electors, latest calls."""

    def __init__(self, year: int, console: Console) -> None:
        self.year = year
        self.console = console
        self.recent: deque[str] = deque(maxlen=8)
        self.live = Live(console=console, refresh_per_second=8, transient=False)

    def __enter__(self) -> LiveView:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(None, None, None)

    def note(self, status: RaceStatus, cycle: Cycle) -> None:
        estimate = cycle.estimates[status.race]
        winner = status.winner.value if status.winner else "?"
        if status.kind is Kind.CALLED and status.evidence is not None:
            interval = status.evidence.interval
            self.recent.appendleft(
                f"{eastern(status.at)[4:]}  {status.race:<5} {winner:<5} called at "
                f"{estimate.share_counted:4.0%} counted, margin {estimate.margin * 100:+.1f} "
                f"[{interval.lo * 100:+.1f}, {interval.hi * 100:+.1f}]"
            )
        else:
            self.recent.appendleft(f"{eastern(status.at)[4:]}  {status.race:<5} call RETRACTED")

    def update(self, cycle: Cycle) -> None:
        projection = cycle.projection
        dem, gop = projection.called[Party.DEM], projection.called[Party.GOP]
        head = Text(f"{eastern(cycle.at)}   counted {cycle.share_counted:5.1%}   ")
        head.append(f"{nominee(self.year, Party.DEM)} {dem}", style=STYLE[Party.DEM])
        head.append("  –  ")
        head.append(f"{gop} {nominee(self.year, Party.GOP)}", style=STYLE[Party.GOP])
        odds = Text(
            f"P(270): dem {projection.win_probability[Party.DEM]:.1%}  "
            f"gop {projection.win_probability[Party.GOP]:.1%}   "
            f"tipping point: {projection.tipping_point.race if projection.tipping_point else '-'}"
            f"   cycle {cycle.number} ({cycle.seconds * 1000:.0f} ms)"
        )
        elect = cycle.college.president_elect
        lines: list[Text | str] = [head, _bar(dem, gop), odds]
        if elect is not None:
            lines.append(Text(f"PRESIDENT-ELECT: {elect.describe()}", style="bold"))
        lines.extend(self.recent)
        self.live.update(Panel(Group(*lines), title=f"racedesk — election night {self.year}"))


def final_table(run: NightRun, final_margins: dict[str, float | None]) -> Table:
    """Every race: who was called and when, at what share counted, and the complete count."""
    calls = {call.race: call for call in run.calls if call.retracted_at is None}
    electors = race_electors(run.year)
    table = Table(title=f"Final map {run.year}", show_lines=False)
    for name in ("race", "ev", "status", "winner", "called (ET)", "counted", "final margin"):
        table.add_column(name)
    for race in sorted(electors):
        status = run.final_statuses.get(race)
        call = calls.get(race)
        margin = final_margins.get(race)
        table.add_row(
            race,
            str(electors[race]),
            status.kind.label if status else "",
            Text(call.winner.value, style=STYLE[call.winner]) if call else Text("-"),
            eastern(call.called_at)[4:] if call else "",
            f"{call.share_counted:.0%}" if call else "",
            "" if margin is None else f"{margin * 100:+.2f}",
        )
    return table


def calendar_table(year: int, declared: datetime | None) -> Table:
    """From the declaration to Inauguration Day, with the days each step is away."""
    table = Table(title=f"The road to January 20, {year + 1}")
    for name in ("date", "milestone", "days after the declaration"):
        table.add_column(name)
    for milestone in calendar_for(year).milestones:
        days = "" if declared is None else str((milestone.date - declared.date()).days)
        table.add_row(milestone.date.strftime("%a %b %d, %Y"), milestone.name, days)
    return table
