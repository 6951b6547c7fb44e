"""``SQLiteStore.ingest_many``: a feed payload's batches (one per instant) in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from racedesk.errors import StoreError
from racedesk.feeds.batch import CountBatch
from racedesk.store.sqlite import SQLiteStore

T0 = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)


def batch(at: datetime, votes: list[int], units: list[str] | None = None) -> CountBatch:
    units = units or [f"4200{i + 1}" for i in range(len(votes))]
    return CountBatch.of(
        at=at,
        contest=["2024-president-PA"] * len(votes),
        unit=units,
        candidate=["dem"] * len(votes),
        mode=["total"] * len(votes),
        votes=votes,
        source="ap",
    )


def test_all_batches_are_stored_with_corrections_against_earlier_ones_in_the_same_call() -> None:
    with SQLiteStore(":memory:") as store:
        result = store.ingest_many(
            [batch(T0, [10, 20]), batch(T0 + timedelta(minutes=5), [15, 18]), batch(T0, [])]
        )
        assert (result.updates, result.duplicates, result.corrections) == (4, 0, 1)
        assert store.stats().batches == 2
        assert store.corrections()["votes"].tolist() == [18]
        again = store.ingest_many([batch(T0, [10, 20])])
        assert (again.updates, again.duplicates) == (0, 2)


def test_a_failing_batch_rolls_back_the_batches_before_it() -> None:
    with SQLiteStore(":memory:") as store:
        store.ingest(batch(T0, [1]))
        bad = batch(T0 + timedelta(minutes=2), [5, 6], units=["42001", "42001"])
        with pytest.raises(StoreError, match="twice"):
            store.ingest_many([batch(T0 + timedelta(minutes=1), [3, 4]), bad])
        assert store.stats().updates == 1
        assert store.latest()["votes"].tolist() == [1]
        assert store.ingest_many([]).updates == 0
