"""Fit each state's ``time_scale`` so 2020 replays reach 50% of the vote when the real night did.

Prints the ``TIME_SCALE`` table for ``racedesk.night.reporting`` (two multiplicative rounds, mean
over three seeds, clipped to [0.3, 3]). Run: ``uv run python bench/fit_replay.py``.
"""

from __future__ import annotations

import math

from racedesk.night import reporting
from racedesk.night.report import compare_states
from racedesk.settings import resolve_data_dir


def main() -> None:
    data_dir = resolve_data_dir()
    scale: dict[str, float] = dict(reporting.TIME_SCALE)
    for round_ in range(2):
        reporting.TIME_SCALE.clear()
        reporting.TIME_SCALE.update(scale)
        for row in compare_states(data_dir):
            if math.isnan(row.real_t50) or math.isnan(row.replay_t50) or row.replay_t50 <= 0:
                continue
            ratio = max(row.real_t50, 0.05) / row.replay_t50
            current = scale.get(row.state, 1.0)
            scale[row.state] = round(min(max(current * ratio, 0.3), 3.0), 2)
        print(f"round {round_ + 1}: {len(scale)} states fitted")
    print("TIME_SCALE: dict[str, float] = {")
    items = sorted(scale.items())
    for i in range(0, len(items), 6):
        print("    " + " ".join(f'"{k}": {v},' for k, v in items[i : i + 6]))
    print("}")


if __name__ == "__main__":
    main()
