"""What one app serves: a store file and its ledger, one year, and the desk's latest cycle.

SQLite connections belong to the thread that opened them, so every read and write goes through
one database thread (``ApiState.call``) that owns its own store and ledger connections; the
event loop never blocks on SQLite. The desk, when it runs in this process, has its own
connections and hands each cycle over with ``publish`` (thread-safe).

The board (races and College, already encoded as JSON) is rebuilt only when something changed:
a new ledger event, a write by another connection (``PRAGMA data_version``), a write through
this app, or a published cycle. Changes are looked for at most every ``CHECK_SECONDS``, so a
burst of requests costs one look.
"""

from __future__ import annotations

import asyncio
import bisect
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pandas as pd

from racedesk.api import schemas as s
from racedesk.api.board import RaceInputs, Standing, counts_by_race, race_out
from racedesk.api.college_view import college_from_cycle, college_from_ledger
from racedesk.desk import Cycle
from racedesk.domain.electoral import race_electors
from racedesk.domain.polls import poll_close
from racedesk.store.ledger import Event, Ledger
from racedesk.store.sqlite import SQLiteStore

T = TypeVar("T")
CHECK_SECONDS = 0.1


@dataclass(frozen=True, slots=True, kw_only=True)
class Board:
    key: tuple[int, int, int, int]
    races: s.RacesOut
    college: s.CollegeOut
    races_json: bytes
    college_json: bytes


class Reader:
    """The database thread's connections, and the year's ledger events read so far."""

    def __init__(self, path: Path, year: int) -> None:
        self.store = SQLiteStore(path)
        self.ledger = Ledger(path)
        self.year = year
        self.events: list[Event] = []
        self.seqs: list[int] = []
        self.calls = Standing()
        self.electors = race_electors(year)
        self.closes = {race: poll_close(year, race) for race in self.electors}
        self._frame: pd.DataFrame | None = None
        self._frame_version = (-1, -1)

    def sync(self) -> int:
        """Read new ledger events; return the last seq of the year's events."""
        after = self.seqs[-1] if self.seqs else 0
        for event in self.ledger.events(year=self.year, after=after):
            self.events.append(event)
            self.seqs.append(event.seq)
            self.calls.add(event)
        return self.seqs[-1] if self.seqs else 0

    def events_after(self, seq: int, limit: int | None = None) -> list[Event]:
        self.sync()
        start = bisect.bisect_right(self.seqs, seq)
        stop = None if limit is None else start + limit
        return self.events[start:stop]

    def data_version(self) -> int:
        return int(self.store.connection.execute("PRAGMA data_version").fetchone()[0])

    def latest(self, writes: int) -> pd.DataFrame:
        """The year's latest counts; re-read after another connection's or this app's writes."""
        version = (self.data_version(), writes)
        if self._frame is None or version != self._frame_version:
            self._frame = self.store.latest(year=self.year)
            self._frame_version = version
        return self._frame

    def build(self, key: tuple[int, int, int, int], cycle: Cycle | None) -> Board:
        seq = key[0]
        calls = self.calls
        counts = counts_by_race(self.latest(key[3]), self.year) if cycle is None else {}
        now: datetime | None = cycle.at if cycle is not None else None
        if now is None and calls.last_cycle is not None:
            now = calls.last_cycle.at
        races = s.RacesOut(
            year=self.year,
            seq=seq,
            cycle=cycle.number if cycle is not None else _cycle_number(calls),
            at=now,
            races=[
                race_out(
                    RaceInputs(
                        race=race,
                        electors=electors,
                        poll_close=self.closes[race],
                        calls=calls,
                        cycle=cycle,
                        counts=counts.get(race),
                        now=now,
                    )
                )
                for race, electors in sorted(self.electors.items())
            ],
        )
        if cycle is not None:
            college = college_from_cycle(cycle, year=self.year, seq=seq)
        else:
            college = college_from_ledger(calls, self.electors, year=self.year, seq=seq)
        return Board(
            key=key,
            races=races,
            college=college,
            races_json=races.model_dump_json().encode(),
            college_json=college.model_dump_json().encode(),
        )

    def close(self) -> None:
        self.store.close()
        self.ledger.close()


def _cycle_number(calls: Standing) -> int | None:
    if calls.last_cycle is None:
        return None
    number = calls.last_cycle.payload.get("cycle")
    return int(number) if isinstance(number, int) else None


class ApiState:
    """The app's view of one night: ``live`` when a desk in this process publishes cycles."""

    def __init__(self, store_path: str | Path, *, year: int, live: bool = False) -> None:
        self.store_path = Path(store_path)
        self.year = year
        self.live = live
        self.electors = race_electors(year)
        self.cycle: Cycle | None = None
        self.writes = 0  # writes through this app: the board must be rebuilt
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="racedesk-db")
        self._reader: Reader | None = None
        self._board: Board | None = None
        self._checked = 0.0
        self._dirty = False
        self._refreshing: asyncio.Task[None] | None = None
        self._lock: asyncio.Lock | None = None
        self._listeners: list[Callable[[], None]] = []
        self._guard = threading.Lock()

    # -- the database thread -------------------------------------------------------------------

    def _run(self, func: Callable[[Reader], T]) -> T:
        if self._reader is None:
            self._reader = Reader(self.store_path, self.year)
        return func(self._reader)

    async def call(self, func: Callable[[Reader], T]) -> T:
        """Run ``func(reader)`` on the database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, func)

    def close(self) -> None:
        def shut(reader: Reader) -> None:
            reader.close()

        if self._reader is not None:
            self._executor.submit(self._run, shut).result()
        self._executor.shutdown(wait=True)

    # -- changes -------------------------------------------------------------------------------

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (from any thread) when a cycle is published or the app writes."""
        with self._guard:
            self._listeners.append(listener)

    def _changed(self) -> None:
        self._dirty = True
        with self._guard:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    def publish(self, cycle: Cycle) -> None:
        """Hand over the desk's latest cycle (from the desk's thread): usable as ``on_cycle``."""
        self.cycle = cycle
        self._changed()

    def wrote(self) -> None:
        self.writes += 1
        self._changed()

    # -- the board -----------------------------------------------------------------------------

    async def board(self) -> Board:
        """The current board; rebuilt on the database thread only when something changed.

        After this app's own change (a write, a published cycle) the caller waits for the new
        board. Otherwise a board older than ``CHECK_SECONDS`` is served as it is while one
        background task looks for others' changes: no request waits on the database.
        """
        board = self._board
        if board is not None and not self._dirty:
            if time.monotonic() - self._checked >= CHECK_SECONDS and self._refreshing is None:
                self._refreshing = asyncio.create_task(self._refresh_in_background())
            return board
        return await self._refresh()

    async def _refresh_in_background(self) -> None:
        try:
            await self._refresh()
        finally:
            self._refreshing = None

    async def _refresh(self) -> Board:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            board = self._board
            fresh = time.monotonic() - self._checked < CHECK_SECONDS
            if board is not None and fresh and not self._dirty:
                return board
            self._dirty = False
            cycle, writes = self.cycle, self.writes

            def refresh(reader: Reader) -> Board:
                seq = reader.sync()
                number = cycle.number if cycle is not None else -1
                key = (seq, number, reader.data_version(), writes)
                if board is not None and board.key == key:
                    return board
                return reader.build(key, cycle)

            self._board = await self.call(refresh)
            self._checked = time.monotonic()
            return self._board
