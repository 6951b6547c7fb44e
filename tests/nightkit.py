"""A small real night for the API tests: 2024, a few states replayed, four desk cycles.

Seven states get counts (VT, NH, GA, NE, ME, DC, WY); the rest are decided by the safe-state
rule or wait. Cycles at poll close +0, +1, +2 and +5 hours leave calls (VT, DC, WY...), a race
too close to call (GA) and races too early to call, which is what the dashboard must show.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from racedesk.backtest.night import open_night
from racedesk.desk import Cycle, Desk, prepare
from racedesk.feeds.batch import CountBatch
from racedesk.night.batches import night_batches
from racedesk.night.generator import generate_night

YEAR = 2024
STATES = ("VT", "NH", "GA", "NE", "ME", "DC", "WY")
HOURS = (0, 1, 2, 5)


@dataclass(frozen=True)
class NightFixture:
    path: Path
    cycle: Cycle  # the last cycle
    batches: tuple[CountBatch, ...]  # every batch of the replay (some not yet ingested)
    ingested: int  # how many of them are in the store


def build_night(path: Path, data_dir: Path) -> NightFixture:
    setup = prepare(YEAR, data_dir)
    night = generate_night(YEAR, seed=1, data_dir=data_dir, states=STATES)
    batches = tuple(night_batches(night))
    store, ledger = open_night(path)
    desk = Desk(setup, store, ledger, draws=2_000)
    start = batches[0].at
    position = 0
    cycle = None
    for hours in HOURS:
        now = start + timedelta(hours=hours)
        while position < len(batches) and batches[position].at <= now:
            store.ingest(batches[position])
            position += 1
        cycle = desk.cycle(now)
    store.close()
    ledger.close()
    assert cycle is not None
    return NightFixture(path=path, cycle=cycle, batches=batches, ingested=position)


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of an SQLite store (WAL included), for tests that write."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
