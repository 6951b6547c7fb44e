"""One night through the desk on a simulated clock: the loop behind ``demo`` and ``backtest``.

The stream's batches are ingested in time order; at each tick of the clock the desk runs one
cycle on everything that has arrived. A run is a pure function of its parameters (year, seed,
stream), so runs can go to a process pool or, later, a distributed executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from racedesk.calls.status import Kind, RaceStatus
from racedesk.college.outcome import PresidentElect
from racedesk.desk import Cycle, Desk, DeskSetup
from racedesk.domain.contests import Party
from racedesk.feeds.batch import CountBatch
from racedesk.store.base import IngestResult, Store
from racedesk.store.ledger import Ledger


def clock(start: datetime, end: datetime) -> Iterator[datetime]:
    """Ticks from ``start`` to ``end``: every 15 minutes for the first 16 hours (the night),
    hourly for two days, then every six hours; always a last tick at ``end``."""
    dense_until = start + timedelta(hours=16)
    hourly_until = dense_until + timedelta(days=2)
    now = start
    while now < end:
        yield now
        if now < dense_until:
            now += timedelta(minutes=15)
        elif now < hourly_until:
            now += timedelta(hours=1)
        else:
            now += timedelta(hours=6)
    yield end


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRecord:
    """A call as made on the night, with what was counted then and who won in the end."""

    race: str
    winner: Party
    called_at: datetime
    share_counted: float
    margin_at_call: float
    interval_at_call: tuple[float, float]
    final_winner: Party | None
    retracted_at: datetime | None = None

    @property
    def wrong(self) -> bool:
        return self.final_winner is not None and self.winner is not self.final_winner


@dataclass(frozen=True, slots=True, kw_only=True)
class NightRun:
    """Everything a night produced."""

    year: int
    cycles: int
    calls: tuple[CallRecord, ...]
    retractions: tuple[RaceStatus, ...]
    final_statuses: dict[str, RaceStatus]
    president_elect: PresidentElect | None
    ingested: IngestResult
    seconds_in_desk: float
    last_cycle: Cycle | None


def run_night(
    desk: Desk,
    batches: Iterable[CountBatch],
    *,
    final_winners: dict[str, Party],
    on_cycle: Callable[[Cycle], None] | None = None,
    start: datetime | None = None,
) -> NightRun:
    """Feed ``batches`` (time-ordered) into the desk's store, cycling the desk on the clock."""
    batch_list = list(batches)
    if not batch_list:
        raise ValueError("run_night: the stream is empty")
    setup: DeskSetup = desk.setup
    first_close = min(setup.poll_closes.values())
    begin = start or min(first_close, batch_list[0].at)
    end = max(batch_list[-1].at, begin)
    store: Store = desk.store
    ingested = IngestResult()
    records: dict[str, CallRecord] = {}
    done: list[CallRecord] = []
    retractions: list[RaceStatus] = []
    seconds = 0.0
    cycle: Cycle | None = None
    elect: PresidentElect | None = None
    position = 0
    for tick in clock(begin, end):
        while position < len(batch_list) and batch_list[position].at <= tick:
            ingested += store.ingest(batch_list[position])
            position += 1
        cycle = desk.cycle(tick)
        seconds += cycle.seconds
        for status in cycle.changes:
            if status.kind is Kind.CALLED and status.winner is not None:
                estimate = cycle.estimates[status.race]
                interval = status.evidence.interval if status.evidence else None
                records[status.race] = CallRecord(
                    race=status.race,
                    winner=status.winner,
                    called_at=status.at,
                    share_counted=estimate.share_counted,
                    margin_at_call=estimate.margin,
                    interval_at_call=(interval.lo, interval.hi) if interval else (0.0, 0.0),
                    final_winner=final_winners.get(status.race),
                )
            elif status.kind is Kind.RETRACTED:
                retractions.append(status)
                made = records.pop(status.race, None)
                if made is not None:
                    done.append(_retracted(made, status.at))
        if elect is None and cycle.college.president_elect is not None:
            elect = cycle.college.president_elect
        if on_cycle is not None:
            on_cycle(cycle)
    calls = sorted([*done, *records.values()], key=lambda c: (c.called_at, c.race))
    return NightRun(
        year=setup.year,
        cycles=desk.cycles,
        calls=tuple(calls),
        retractions=tuple(retractions),
        final_statuses=dict(desk.statuses),
        president_elect=elect,
        ingested=ingested,
        seconds_in_desk=seconds,
        last_cycle=cycle,
    )


def _retracted(record: CallRecord, at: datetime) -> CallRecord:
    return replace(record, retracted_at=at)


def open_night(path: str | Path) -> tuple[Store, Ledger]:
    """The store and ledger of one night, in one SQLite file."""
    from racedesk.store.sqlite import SQLiteStore

    return SQLiteStore(path), Ledger(path)
