"""The list of command families, in the order ``racedesk --help`` shows them."""

from __future__ import annotations

import click

from racedesk.cli.history import history
from racedesk.cli.ingest import ingest

COMMANDS: tuple[click.Command, ...] = (ingest, history)
