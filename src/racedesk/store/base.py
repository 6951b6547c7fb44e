"""The ``Store`` interface: what the desk, replays and backtests need from any store.

SQLite (``racedesk.store.sqlite``) is the default; a PostgreSQL store can implement the same
protocol. Every store is append-only: an update, once stored, is never changed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

import pandas as pd

from racedesk.feeds.batch import CountBatch


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestResult:
    """What one ingest did: updates stored, duplicates skipped, and how many stored updates
    were corrections (a count lower than the one in effect before it)."""

    updates: int = 0
    duplicates: int = 0
    corrections: int = 0

    def __add__(self, other: IngestResult) -> IngestResult:
        return IngestResult(
            updates=self.updates + other.updates,
            duplicates=self.duplicates + other.duplicates,
            corrections=self.corrections + other.corrections,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreStats:
    updates: int
    corrections: int
    batches: int
    series: int
    schema_version: int


class Closing:
    """``with`` support for anything with a ``close()``: stores, ledgers."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class Store(Protocol):
    """Counts in (one transaction per batch), frames out (columns in ``store.columns``)."""

    def ingest(self, batch: CountBatch, *, received_at: datetime | None = None) -> IngestResult:
        """Store a batch whole or not at all; re-ingesting stored updates is a no-op."""
        ...

    def latest(
        self,
        as_of: datetime | None = None,
        *,
        contest_prefix: str | None = None,
        year: int | None = None,
    ) -> pd.DataFrame:
        """The update in effect per (contest, unit, candidate, mode) at ``as_of`` (feed time;
        None: now), optionally for contests starting with ``contest_prefix`` or of ``year``."""
        ...

    def history(self, unit: str, contest: str | None = None) -> pd.DataFrame:
        """Every update of a unit, oldest first, corrections flagged."""
        ...

    def corrections(self) -> pd.DataFrame:
        """Every update that lowered a count, in arrival order."""
        ...

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...
