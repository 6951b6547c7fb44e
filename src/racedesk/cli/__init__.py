"""The ``racedesk`` command line: a click group, one module per command family.

Commands stay thin: parse flags, call into the layers below, print. Data goes to stdout (a table,
``--csv`` or ``--json``); progress and logs go to stderr. A ``RacedeskError`` becomes one line on
stderr and exit code 1; a usage error exits 2; anything else keeps its traceback.
"""

from __future__ import annotations

import click

from racedesk.errors import RacedeskError


class RacedeskGroup(click.Group):
    """Turns expected errors into one stderr line and exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RacedeskError as error:
            click.echo(f"racedesk: error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=RacedeskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="racedesk")
def cli() -> None:
    """racedesk: an open decision desk for US presidential elections.

    Ingest results, model the outstanding vote, call races, roll up the Electoral
    College and follow the calendar to Inauguration Day.

    Example:

        racedesk results --year 2024
    """


def _register() -> None:
    from racedesk.cli import commands

    for command in commands.COMMANDS:
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="racedesk")


if __name__ == "__main__":  # pragma: no cover
    main()
