"""The SQLite store: round trips, duplicates, corrections, as-of queries, atomic batches."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from count_strategies import series_keys, streams, updates
from racedesk.domain.counts import CountUpdate
from racedesk.errors import StoreError
from racedesk.feeds.batch import CountBatch
from racedesk.feeds.stream import read_stream, write_stream
from racedesk.store import columns as col
from racedesk.store.base import IngestResult, Store
from racedesk.store.sqlite import SQLiteStore

T0 = datetime(2024, 11, 6, 1, tzinfo=UTC)
PA = "2024-president-PA"
PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    with SQLiteStore(":memory:") as fresh:
        yield fresh


def batch(at: datetime, votes: list[int], *, unit: str = "42003", source: str = "ap") -> CountBatch:
    return CountBatch.of(
        at=at,
        contest=[PA] * len(votes),
        unit=[unit] * len(votes),
        candidate=["dem", "gop", "other"][: len(votes)],
        mode=["total"] * len(votes),
        votes=votes,
        source=source,
    )


def as_update(row: pd.Series) -> CountUpdate:
    return CountUpdate(
        at=row[col.AT].to_pydatetime(),
        contest=row[col.CONTEST],
        unit=row[col.UNIT],
        candidate=row[col.CANDIDATE],
        mode=row[col.MODE],
        votes=int(row[col.VOTES]),
        expected_votes=None if pd.isna(row[col.EXPECTED_VOTES]) else int(row[col.EXPECTED_VOTES]),
        source=row[col.SOURCE],
    )


def test_sqlite_store_satisfies_the_protocol(store: SQLiteStore) -> None:
    def use(s: Store) -> IngestResult:
        return s.ingest(batch(T0, [1]))

    assert use(store).updates == 1


@PROPERTY
@given(update=updates())
def test_store_round_trips_any_valid_update(update: CountUpdate) -> None:
    with SQLiteStore(":memory:") as store:
        result = store.ingest(CountBatch.from_updates([update]))
        assert result == IngestResult(updates=1, duplicates=0, corrections=0)
        for frame in (
            store.latest(),
            store.latest(update.at),
            store.latest(contest_prefix=update.contest),
            store.history(update.unit, update.contest),
        ):
            assert list(frame.columns) == list(col.FRAME_COLUMNS)
            assert [as_update(row) for _, row in frame.iterrows()] == [update]
        assert store.latest(update.at - timedelta(microseconds=1)).empty


@st.composite
def count_sequences(draw: st.DrawFn) -> list[CountBatch]:
    """A night for a few series: rising and falling counts, repeats of earlier updates."""
    keys = draw(st.lists(series_keys(), min_size=1, max_size=3, unique=True))
    sent: list[CountBatch] = []
    at = T0
    for _ in range(draw(st.integers(1, 8))):
        if sent and draw(st.booleans()):
            sent.append(draw(st.sampled_from(sent)))  # a feed repeating itself
            continue
        at += timedelta(minutes=draw(st.integers(0, 3)))  # 0: a restatement of the instant
        votes = draw(st.lists(st.integers(0, 50), min_size=len(keys), max_size=len(keys)))
        sent.append(
            CountBatch.of(
                at=at,
                contest=[k[0] for k in keys],
                unit=[k[1] for k in keys],
                candidate=[k[2] for k in keys],
                mode=[k[3] for k in keys],
                votes=votes,
            )
        )
    return sent


def key_votes(frame: pd.DataFrame, column: str = col.VOTES) -> dict[tuple[str, ...], int]:
    keys = zip(*(frame[c] for c in col.KEY_COLUMNS), strict=True)
    return dict(zip(keys, frame[column].tolist(), strict=True))


@PROPERTY
@given(sent=count_sequences())
def test_counts_never_decrease_in_latest_except_by_flagged_corrections(
    sent: list[CountBatch],
) -> None:
    with SQLiteStore(":memory:") as store:
        before: dict[tuple[str, ...], int] = {}
        for item in sent:
            result = store.ingest(item)
            latest = store.latest()
            now = key_votes(latest)
            flagged = key_votes(latest, col.CORRECTION)
            went_down = {k for k, v in now.items() if k in before and v < before[k]}
            for key in went_down:
                assert flagged[key], f"{key} went down without a correction flag"
            if result.updates == 0:
                assert now == before  # a duplicate changes nothing
            before = now
        history = pd.concat(store.history(u) for u in {k[1] for k in before})
        lowered = history[col.PREVIOUS].notna() & (history[col.VOTES] < history[col.PREVIOUS])
        assert (history[col.CORRECTION] == lowered).all()
        assert len(store.corrections()) == int(lowered.sum())


@PROPERTY
@given(batches=streams())
def test_ingesting_a_stream_twice_stores_nothing_new(batches: list[CountBatch]) -> None:
    text = io.StringIO()
    write_stream(batches, text)
    data = text.getvalue().encode()
    with SQLiteStore(":memory:") as store:
        first = [store.ingest(b) for b in read_stream(io.BytesIO(data), name="s.csv")]
        stats, latest = store.stats(), store.latest()
        second = [store.ingest(b) for b in read_stream(io.BytesIO(data), name="s.csv")]
        assert sum(r.updates for r in second) == 0
        assert sum(r.duplicates for r in second) == sum(r.updates for r in first)
        assert store.stats() == stats
        pd.testing.assert_frame_equal(store.latest(), latest)


def test_duplicates_corrections_and_history(store: SQLiteStore) -> None:
    assert store.ingest(batch(T0, [10, 20])) == IngestResult(updates=2)
    assert store.ingest(batch(T0, [10, 20])) == IngestResult(duplicates=2)
    later = store.ingest(batch(T0 + timedelta(minutes=5), [15, 18]))
    assert later == IngestResult(updates=2, corrections=1)
    (correction,) = store.corrections().itertuples()
    assert (correction.candidate, correction.votes, correction.previous) == ("gop", 18, 20)
    history = store.history("42003")
    assert history[col.VOTES].tolist() == [10, 20, 15, 18]  # the old 20 stays in history
    assert history[col.CORRECTION].tolist() == [False, False, False, True]
    assert store.stats().updates == 4


def test_as_of_any_instant_and_late_updates(store: SQLiteStore) -> None:
    store.ingest(batch(T0, [10, 20]))
    store.ingest(batch(T0 + timedelta(minutes=10), [30, 40]))
    # A late update for an earlier instant: kept in history, does not replace the latest.
    assert store.ingest(batch(T0 + timedelta(minutes=5), [20, 25])).updates == 2
    assert key_votes(store.latest()) == {
        (PA, "42003", "dem", "total"): 30,
        (PA, "42003", "gop", "total"): 40,
    }
    assert list(key_votes(store.latest(T0 + timedelta(minutes=7))).values()) == [20, 25]
    assert list(key_votes(store.latest(T0 + timedelta(minutes=4))).values()) == [10, 20]
    assert store.latest(T0 - timedelta(seconds=1)).empty
    # The same instant restated with a new count: the later arrival is in effect.
    assert store.ingest(batch(T0 + timedelta(minutes=10), [30, 35])) == IngestResult(
        updates=1, duplicates=1, corrections=1
    )
    assert list(key_votes(store.latest()).values()) == [30, 35]
    assert store.ingest(batch(T0 + timedelta(minutes=10), [30, 40])).duplicates == 2


def test_latest_filters_by_year_and_contest_prefix(store: SQLiteStore) -> None:
    for year, state, unit in [
        (2020, "PA", "42003"),
        (2024, "PA", "42003"),
        (2024, "NE-02", "NE-02"),
    ]:
        store.ingest(
            CountBatch.of(
                at=T0,
                contest=[f"{year}-president-{state}"],
                unit=[unit],
                candidate=["dem"],
                mode=["total"],
                votes=[year],
            )
        )
    assert sorted(store.latest(year=2024)[col.CONTEST]) == [
        "2024-president-NE-02",
        "2024-president-PA",
    ]
    assert store.latest(contest_prefix="2024-president-NE")[col.VOTES].tolist() == [2024]
    assert store.latest(T0, year=2020)[col.VOTES].tolist() == [2020]
    assert store.latest(year=2028).empty


def test_frame_columns_and_types(store: SQLiteStore) -> None:
    store.ingest(
        CountBatch.of(
            at=T0,
            contest=[PA],
            unit=["42003"],
            candidate=["dem"],
            mode=["mail"],
            votes=[5],
            expected_votes=[900],
            source="clarity",
        ),
        received_at=T0 + timedelta(seconds=30),
    )
    frame = store.latest()
    assert list(frame.columns) == list(col.FRAME_COLUMNS)
    row = frame.iloc[0]
    assert row[col.AT] == pd.Timestamp(T0)
    assert row[col.INGESTED_AT] == pd.Timestamp(T0 + timedelta(seconds=30))
    assert (row[col.EXPECTED_VOTES], row[col.SOURCE], row[col.MODE]) == (900, "clarity", "mail")
    assert pd.isna(row[col.PREVIOUS]) and not row[col.CORRECTION]


def test_a_refused_batch_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with SQLiteStore(path) as store:
        store.ingest(batch(T0, [1, 2]))
        before = path.read_bytes()
        repeated = CountBatch.of(
            at=T0 + timedelta(minutes=1),
            contest=[PA, PA, PA],
            unit=["42101", "42101", "42003"],  # a new unit, given twice
            candidate=["newcomer", "newcomer", "dem"],
            mode=["total"] * 3,
            votes=[5, 6, 7],
            source="new source",
        )
        with pytest.raises(StoreError, match="twice"):
            store.ingest(repeated)
        store.ingest(batch(T0 + timedelta(minutes=2), [3, 4]))  # still usable
        assert store.history("42101").empty
        assert store.stats().updates == 4
    with sqlite3.connect(path) as raw:
        names = {
            row[0] for row in raw.execute("SELECT name FROM units UNION SELECT name FROM sources")
        }
        assert names == {"42003", "ap"}
    assert before  # the file existed and was readable before the refused batch


def test_two_connections_see_each_other(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with SQLiteStore(path) as first, SQLiteStore(path) as second:
        first.ingest(batch(T0, [1, 2]))
        assert second.latest()[col.VOTES].tolist() == [1, 2]
        assert second.ingest(batch(T0, [1, 2])).duplicates == 2
        second.ingest(batch(T0 + timedelta(minutes=1), [3, 1], unit="42005"))
        assert len(first.latest()) == 4
        assert first.ingest(batch(T0 + timedelta(minutes=2), [4, 0], unit="42005")).corrections == 1
        assert len(second.corrections()) == 1
        assert second.history("42005")[col.VOTES].tolist() == [3, 1, 4, 0]


def test_reopened_store_continues_where_it_left_off(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with SQLiteStore(path) as store:
        store.ingest(batch(T0, [5, 6]))
    with SQLiteStore(path, create=False) as store:
        assert store.ingest(batch(T0, [5, 6])).duplicates == 2
        assert store.ingest(batch(T0 + timedelta(1), [7, 4])) == IngestResult(
            updates=2, corrections=1
        )
        assert store.stats().batches == 2


def test_missing_store_is_not_created_when_asked_not_to(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        SQLiteStore(tmp_path / "nope.sqlite", create=False)
    assert not (tmp_path / "nope.sqlite").exists()
