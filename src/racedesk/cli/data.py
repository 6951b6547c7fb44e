"""``racedesk data``: where the data folder is, and pulling it into the user cache."""

from __future__ import annotations

from pathlib import Path

import click

from racedesk.cli.output import print_json
from racedesk.history.pull import pull
from racedesk.settings import Settings, user_cache_data


@click.group()
def data() -> None:
    """Locate or download the results data.

    Example:

        racedesk data where
    """


@data.command()
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
def where(data_flag: str | None) -> None:
    """Print the data folder racedesk will use (or every place it looked).

    Example:

        racedesk data where --data ../shared/data
    """
    click.echo(Settings.from_env().with_flags(data=data_flag).data_dir())


@data.command("pull")
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to fill (default: the user cache, searched after RACEDESK_DATA).",
)
@click.option("--mirror", help="Base URL of a mirror of the whole data folder.")
@click.option("--force", is_flag=True, help="Download files that are already present.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def pull_command(target: Path | None, mirror: str | None, force: bool, as_json: bool) -> None:
    """Download the public data files into the user cache.

    Files copied unchanged from public repositories come from their published
    addresses; files the team reshaped need --mirror.

    Example:

        racedesk data pull --mirror https://example.org/racedesk-data
    """
    folder = target or user_cache_data()
    report = pull(folder, mirror=mirror, force=force, progress=lambda p: click.echo(p, err=True))
    if as_json:
        print_json(
            {
                "folder": str(folder),
                "fetched": report.fetched,
                "skipped": report.skipped,
                "unavailable": report.unavailable,
            }
        )
        return
    click.echo(f"{folder}: {len(report.fetched)} fetched, {len(report.skipped)} already present")
    for path in report.unavailable:
        click.echo(f"  not fetched (reshaped; needs --mirror): {path}")
