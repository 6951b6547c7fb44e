"""Settings: one dataclass backed by one table of (name, default, help).

Precedence, lowest first: defaults < ``RACEDESK_*`` environment < command-line flags.
Nothing is read at import time: ``Settings.from_env()`` is called once by the CLI or the app
and the result is passed down.

The data path (``data``) locates the folder described in ``shared/data/SOURCES.md``. It is
looked for, in order, at: the ``--data`` flag, ``$RACEDESK_DATA``, the user's cache directory
(where ``racedesk data pull`` puts it), and a ``shared/data`` folder beside the checkout.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from racedesk.errors import ConfigError, DataNotFound


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return "RACEDESK_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "", "Folder holding the results data (see shared/data/SOURCES.md)."),
    Setting(
        "store", "", "Path of the SQLite store file; default: racedesk.sqlite in the user data dir."
    ),
    Setting(
        "write_token",
        "",
        "Bearer token required by the HTTP write endpoints; empty disables writes.",
    ),
)

_MARKERS = ("SOURCES.md", "results")


def user_cache_data() -> Path:
    """Where ``racedesk data pull`` stores downloaded data."""
    return Path(platformdirs.user_cache_dir("racedesk")) / "data"


def default_store_path() -> Path:
    return Path(platformdirs.user_data_dir("racedesk")) / "racedesk.sqlite"


def checkout_data() -> Path:
    """``shared/data`` beside the checkout this package was installed from (editable installs)."""
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def _looks_like_data(path: Path) -> bool:
    return path.is_dir() and any((path / marker).exists() for marker in _MARKERS)


def resolve_data_dir(
    flag: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Find the data folder, or raise ``DataNotFound`` listing every place tried."""
    env = os.environ if environ is None else environ
    candidates: list[tuple[str, Path]] = []
    if flag:
        candidates.append(("--data flag", Path(flag)))
    if env.get("RACEDESK_DATA"):
        candidates.append(("RACEDESK_DATA", Path(env["RACEDESK_DATA"])))
    candidates.append(("user cache (racedesk data pull)", user_cache_data()))
    candidates.append(("shared/data beside the checkout", checkout_data()))
    for _, path in candidates:
        if _looks_like_data(path):
            return path.resolve()
    tried = tuple(f"{label}: {path}" for label, path in candidates)
    raise DataNotFound(
        "no results data found; tried:\n  "
        + "\n  ".join(tried)
        + "\nfix: pass --data DIR, set RACEDESK_DATA=DIR, or run `racedesk data pull`",
        tried=tried,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    data: str = ""
    store: str = ""
    write_token: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values = {s.name: env.get(s.env, s.default) for s in SETTINGS}
        return cls(**values)

    def with_flags(self, **flags: str | None) -> Settings:
        """Command-line flags win over everything; ``None`` means the flag was not given."""
        given = {k: v for k, v in flags.items() if v is not None}
        unknown = set(given) - {s.name for s in SETTINGS}
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **given)

    def data_dir(self) -> Path:
        return resolve_data_dir(self.data or None, environ={})

    def store_path(self) -> Path:
        return Path(self.store) if self.store else default_store_path()
