"""The list of command families, in the order ``racedesk --help`` shows them."""

from __future__ import annotations

import click

from racedesk.cli.backtest import backtest
from racedesk.cli.calendar import calendar_command
from racedesk.cli.data import data
from racedesk.cli.history import history
from racedesk.cli.ingest import ingest
from racedesk.cli.replay_stream import replay_stream
from racedesk.cli.results import results

COMMANDS: tuple[click.Command, ...] = (
    results,
    calendar_command,
    replay_stream,
    ingest,
    history,
    data,
    backtest,
)
