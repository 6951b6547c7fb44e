"""The list of command families, in the order ``racedesk --help`` shows them."""

from __future__ import annotations

import click

from racedesk.cli.calendar import calendar_command

COMMANDS: tuple[click.Command, ...] = (calendar_command,)
