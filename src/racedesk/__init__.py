"""racedesk: an open-source decision desk for US elections.

Data flows one way: feeds → store → model → calls → Electoral College / calendar → api / cli / web.
See ``docs/architecture.md`` for the map.
"""

from __future__ import annotations

from racedesk.errors import (
    ConfigError,
    DataError,
    FeedError,
    RacedeskError,
    StoreError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DataError",
    "FeedError",
    "RacedeskError",
    "StoreError",
    "__version__",
]
