"""The AP call times: Eastern time converted with the tz database; partial times kept as None."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from racedesk.backtest.ap_calls import load_ap_calls


def test_ap_calls_in_utc(data_dir: Path) -> None:
    calls = load_ap_calls(data_dir)
    assert calls[(2020, "KY")].at == datetime(2020, 11, 4, 0, 0, tzinfo=UTC)  # 7 pm EST
    assert calls[(2020, "PA")].at == datetime(2020, 11, 7, 16, 25, tzinfo=UTC)
    assert calls[(2024, "WI")].at == datetime(2024, 11, 6, 10, 34, tzinfo=UTC)
    assert calls[(2020, "NC")].at is None and calls[(2020, "NC")].precision == "date only"
    assert calls[(2020, "president")].at == datetime(2020, 11, 7, 16, 26, tzinfo=UTC)
    assert calls[(2016, "president")].winner == "Trump"
