"""Shared output options: a table on a terminal, ``--csv`` or ``--json`` for programs."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])


def output_options(*, tabular: bool = True) -> Callable[[F], F]:
    """Add ``--json`` (and ``--csv`` when the output is a table) to a command."""

    def decorate(func: F) -> F:
        func = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)
        if tabular:
            func = click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")(func)
        return func

    return decorate


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(payload: object) -> None:
    click.echo(json.dumps(payload, indent=2, default=_default))


def print_json_line(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, default=_default, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def print_csv(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str | None = None,
    caption: str | None = None,
) -> None:
    table = Table(title=title, caption=caption)
    for name in columns:
        table.add_column(name, justify="left")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    Console(soft_wrap=False).print(table)


def today_option(func: F) -> F:
    """``--today DATE``: count days from this date instead of the real today."""
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Count days from this date (YYYY-MM-DD) instead of the real today.",
    )(func)
