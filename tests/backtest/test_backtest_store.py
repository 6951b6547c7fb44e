"""The sweep's in-memory night store answers as the SQLite store does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from racedesk.backtest.orders import OrderModel
from racedesk.backtest.runs import RunSpec, run

TIMINGS = ["run_seconds", "cycle_median_s", "cycle_p95_s", "store"]


def test_memory_and_sqlite_stores_give_the_same_night(data_dir: Path) -> None:
    frames = [
        pd.DataFrame(
            run(
                RunSpec(
                    year=2020,
                    seed=2,
                    order=OrderModel.ELECTION_DAY_LAST,
                    states=("NV", "NE", "DE"),
                    store=store,
                ),
                data_dir,
            )
        ).drop(columns=TIMINGS)
        for store in ("sqlite", "memory")
    ]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert frames[0]["calls"].sum() > 0
