"""The ledger: an append-only log of dated events beside the counts, in the same SQLite file.

Counts live in the store's own tables; everything that *happens* to a race lives here: the
desk's cycles, calls and retractions, other callers' calls, certification steps, the electors'
votes and the joint session. Each event has a sequence number (``seq``, strictly increasing),
which is also the Server-Sent Events id, so a client that reconnects misses nothing.

Events are never updated or deleted: a correction is a new event that says what it corrects.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from racedesk.errors import StoreError
from racedesk.store.base import Closing

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    race TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_events_kind ON ledger_events (year, kind, seq);
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One thing that happened: ``kind`` says what, ``actor`` who (a caller, a state, the desk)."""

    seq: int
    kind: str
    year: int
    race: str | None
    actor: str
    at: datetime  # when it happened (UTC)
    recorded_at: datetime  # when the ledger learnt of it (UTC)
    payload: Mapping[str, Any]


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise StoreError(f"ledger: time {moment} must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


class Ledger(Closing):
    """Append and read events; one SQLite connection, WAL, one transaction per append."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def append(
        self,
        kind: str,
        *,
        year: int,
        at: datetime,
        actor: str = "racedesk",
        race: str | None = None,
        payload: Mapping[str, Any] | None = None,
        recorded_at: datetime | None = None,
    ) -> Event:
        return self.append_many(
            [(kind, race, actor, at, payload or {})], year=year, recorded_at=recorded_at
        )[0]

    def append_many(
        self,
        events: Sequence[tuple[str, str | None, str, datetime, Mapping[str, Any]]],
        *,
        year: int,
        recorded_at: datetime | None = None,
    ) -> list[Event]:
        """Append (kind, race, actor, at, payload) events in one transaction: all or none."""
        recorded = recorded_at or datetime.now(UTC)
        rows = [
            (kind, year, race, actor, _utc(at), _utc(recorded), json.dumps(dict(payload)))
            for kind, race, actor, at, payload in events
        ]
        with self._db:
            first = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM ledger_events").fetchone()
            self._db.executemany(
                "INSERT INTO ledger_events (kind, year, race, actor, at, recorded_at, payload)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return self.events(year=year, after=int(first[0]))[: len(rows)]

    def events(
        self,
        *,
        year: int | None = None,
        kinds: Sequence[str] | None = None,
        race: str | None = None,
        after: int = 0,
        limit: int | None = None,
    ) -> list[Event]:
        """Events in sequence order, optionally filtered; ``after`` is the last seq already seen."""
        sql = "SELECT seq, kind, year, race, actor, at, recorded_at, payload FROM ledger_events"
        where: list[str] = ["seq > ?"]
        params: list[object] = [after]
        if year is not None:
            where.append("year = ?")
            params.append(year)
        if kinds:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})")
            params.extend(kinds)
        if race is not None:
            where.append("race = ?")
            params.append(race)
        sql += " WHERE " + " AND ".join(where) + " ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [
            Event(
                seq=seq,
                kind=kind,
                year=row_year,
                race=row_race,
                actor=actor,
                at=datetime.fromisoformat(at),
                recorded_at=datetime.fromisoformat(recorded_at),
                payload=json.loads(payload),
            )
            for seq, kind, row_year, row_race, actor, at, recorded_at, payload in self._db.execute(
                sql, params
            )
        ]

    def last_seq(self) -> int:
        return int(
            self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM ledger_events").fetchone()[0]
        )

    def close(self) -> None:
        self._db.close()
