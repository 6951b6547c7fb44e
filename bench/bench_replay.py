"""Benchmark: generate whole national replays and convert the real 2020 nights.

Prints, per year, the units, count rows and seconds to generate (best of 3), and the time to
convert each real night. Run: ``uv run python bench/bench_replay.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from racedesk.night.generator import generate_night
from racedesk.night.night import Night
from racedesk.night.precincts import mi_precincts_2020, nc_precincts_2020
from racedesk.night.timeseries import nc_counties_2020, states_2020
from racedesk.settings import resolve_data_dir


def _best(make: Callable[[], Night], repeat: int = 3) -> tuple[Night, float]:
    best = float("inf")
    night = make()
    for _ in range(repeat):
        start = time.perf_counter()
        night = make()
        best = min(best, time.perf_counter() - start)
    return night, best


def main() -> None:
    data_dir = resolve_data_dir()
    print("replay generation (whole nation, every county and district, best of 3)")
    for year in (2016, 2020, 2024):
        night, seconds = _best(lambda year=year: generate_night(year, seed=1, data_dir=data_dir))
        print(
            f"  {year}: {len(night.unit_ids):5d} units {len(night):7d} count rows "
            f"{seconds:6.3f} s  ({len(night) / seconds:,.0f} rows/s)"
        )
    print("real nights converted (one run each)")
    real: dict[str, Callable[[], Night]] = {
        "2020-states": lambda: states_2020(data_dir),
        "2020-nc-counties": lambda: nc_counties_2020(data_dir),
        "2020-nc-precincts": lambda: nc_precincts_2020(data_dir),
        "2020-mi-precincts": lambda: mi_precincts_2020(data_dir),
    }
    for name, make in real.items():
        night, seconds = _best(make, repeat=1)
        print(f"  {name:18s} {len(night.unit_ids):5d} units {len(night):7d} rows {seconds:6.2f} s")


if __name__ == "__main__":
    main()
