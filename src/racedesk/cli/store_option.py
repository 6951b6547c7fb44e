"""``--store PATH``, shared by every command that reads or writes the results store.

Precedence: the flag, then ``$RACEDESK_STORE``, then ``racedesk.sqlite`` in the user data dir.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from racedesk.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def store_option(func: F) -> F:
    return click.option(
        "--store",
        "store_flag",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Store file. Default: $RACEDESK_STORE, else racedesk.sqlite in the user data dir.",
    )(func)


def store_path(flag: Path | None) -> Path:
    """The store file the flag, the environment or the default names."""
    return Settings.from_env().with_flags(store=None if flag is None else str(flag)).store_path()
