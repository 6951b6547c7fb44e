"""A ``Night`` as the stream's ``CountBatch``es: one batch per instant, built by slicing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np

from racedesk.feeds.batch import NO_EXPECTED, CountBatch
from racedesk.night.night import CANDIDATES, MODES, UNKNOWN, Night

assert UNKNOWN == NO_EXPECTED  # both spell "no expected vote" the same way


def night_batches(night: Night) -> Iterator[CountBatch]:
    """Yield the night's rows grouped by arrival instant, in time order."""
    if len(night) == 0:
        return
    contests = night.unit_contests[night.unit].astype(object)
    units = night.unit_ids[night.unit].astype(object)
    candidates = np.asarray(CANDIDATES, dtype=object)[night.candidate]
    modes = np.asarray([mode.value for mode in MODES], dtype=object)[night.mode]
    sources = np.full(len(night), night.source, dtype=object)
    edges = np.flatnonzero(np.diff(night.at)) + 1
    starts = np.concatenate(([0], edges))
    stops = np.concatenate((edges, [len(night)]))
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        window = slice(start, stop)
        yield CountBatch.of(
            at=datetime.fromtimestamp(int(night.at[start]), UTC),
            contest=contests[window],
            unit=units[window],
            candidate=candidates[window],
            mode=modes[window],
            votes=night.votes[window],
            expected_votes=night.expected[window],
            source=sources[window],
        )
