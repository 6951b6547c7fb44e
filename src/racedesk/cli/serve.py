"""``racedesk serve``: the JSON API, the live event stream and the dashboard, over a store."""

from __future__ import annotations

from pathlib import Path

import click

from racedesk.cli.store_option import store_option, store_path
from racedesk.settings import Settings
from racedesk.store.ledger import Ledger
from racedesk.store.sqlite import SQLiteStore

DEFAULT_YEAR = 2024


def _year_in(path: Path) -> int:
    """The year of the store's newest ledger event, else DEFAULT_YEAR."""
    if not path.exists():
        return DEFAULT_YEAR
    with Ledger(path) as ledger:
        last = ledger.events(after=max(0, ledger.last_seq() - 1))
    return last[-1].year if last else DEFAULT_YEAR


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--year", type=int, default=None, help="Election year (default: the store's).")
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
@store_option
def serve_command(
    host: str, port: int, year: int | None, log_level: str, store_flag: Path | None
) -> None:
    """Serve the API (/api/v1), live events (/api/v1/events) and the dashboard (/).

    Reads the store and its ledger, which other processes (racedesk ingest, a desk)
    may be writing. Writes (POST /api/v1/results, /api/v1/calls) need the bearer
    token in RACEDESK_WRITE_TOKEN; without it they are disabled.

    Example:

    \b
        racedesk serve --store night.sqlite --port 8000
        # then open http://127.0.0.1:8000/ in a browser
    """
    from racedesk.api.app import create_app  # the web stack loads only for this command
    from racedesk.api.serve import serve
    from racedesk.api.state import ApiState

    path = store_path(store_flag)
    settings = Settings.from_env().with_flags(store=str(path))
    if path.exists():
        SQLiteStore(path).close()  # refuse a foreign or newer file before serving it
    state = ApiState(path, year=year or _year_in(path))
    app = create_app(state, settings=settings)
    click.echo(f"racedesk: serving {path} ({state.year}) on http://{host}:{port}/", err=True)
    try:
        serve(app, host=host, port=port, log_level=log_level)
    finally:
        state.close()
