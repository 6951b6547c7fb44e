"""Real partial data: the 8 November 2020 snapshot and the recorded 2020 nights, no wrong call."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from racedesk.backtest.runs import RunSpec, run
from racedesk.backtest.snapshot import snapshot_table
from racedesk.backtest.summary import race_rows


def test_november_8_snapshot_covers_certified_margins_and_calls_nothing_wrongly(
    data_dir: Path,
) -> None:
    table = snapshot_table(data_dir)
    assert len(table) == 50  # no DC in the snapshot
    inside = (table["lo90"] <= table["final_margin"]) & (table["final_margin"] <= table["hi90"])
    assert inside.mean() >= 0.9
    assert not table["wrong_call"].any()
    called = table[table["calls"] > 0]
    assert len(called) >= 35
    assert (called["call_winner"] == called["final_winner"]).all()
    # Still counting on the 8th, and close: not called.
    assert set(table.loc[table["calls"] == 0, "race"]) >= {"GA", "NC", "AZ"}


def test_real_north_carolina_night_has_no_wrong_call(data_dir: Path) -> None:
    races = race_rows(pd.DataFrame(run(RunSpec(year=2020, night="2020-nc-counties"), data_dir)))
    assert list(races["race"]) == ["NC"]
    assert not races["wrong_call"].any()
    assert races["retracted"].sum() == 0
    assert races["call_winner"].isin(["", "gop"]).all()


def test_real_2020_statewide_series_has_no_wrong_call(data_dir: Path) -> None:
    races = race_rows(pd.DataFrame(run(RunSpec(year=2020, night="2020-states"), data_dir)))
    assert len(races) == 50
    assert not races["wrong_call"].any()
    called = races[races["calls"] > 0]
    assert len(called) >= 40
    assert (called["call_winner"] == called["final_winner"]).all()
