"""The list of command families, in the order ``racedesk --help`` shows them."""

from __future__ import annotations

import click

from racedesk.cli.backtest import backtest
from racedesk.cli.calendar import calendar_command
from racedesk.cli.callers import call, callers
from racedesk.cli.certify import certify, electors
from racedesk.cli.count import count
from racedesk.cli.data import data
from racedesk.cli.demo import demo
from racedesk.cli.history import history
from racedesk.cli.ingest import ingest
from racedesk.cli.replay import replay
from racedesk.cli.replay_stream import replay_stream
from racedesk.cli.results import results
from racedesk.cli.serve import serve_command
from racedesk.cli.timeline import timeline_command

COMMANDS: tuple[click.Command, ...] = (
    demo,
    serve_command,
    results,
    calendar_command,
    replay_stream,
    ingest,
    replay,
    history,
    callers,
    call,
    certify,
    electors,
    count,
    timeline_command,
    data,
    backtest,
)
