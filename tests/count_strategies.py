"""Hypothesis strategies for valid count updates and batches (stream and store tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from racedesk.domain.counts import CountUpdate, VoteMode
from racedesk.domain.ids import STATE_FIPS, CandidateId, ContestId, UnitId
from racedesk.feeds.batch import CountBatch

STATES = sorted(STATE_FIPS)
# Any printable text: feeds carry their own candidate ids and source names.
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@st.composite
def series_keys(draw: st.DrawFn) -> tuple[str, str, str, str]:
    state = draw(st.sampled_from(STATES))
    year = draw(st.sampled_from(range(2000, 2032, 4)))
    unit = draw(
        st.one_of(
            st.integers(1, 999).map(lambda n: f"{STATE_FIPS[state]}{n:03d}"),
            st.from_regex(r"[A-Z0-9]{1,6}", fullmatch=True).map(lambda s: f"{state}-{s}"),
        )
    )
    mode = draw(st.sampled_from(list(VoteMode)))
    return f"{year}-president-{state}", unit, draw(names), mode.value


@st.composite
def updates(draw: st.DrawFn) -> CountUpdate:
    contest, unit, candidate, mode = draw(series_keys())
    return CountUpdate(
        at=draw(instants),
        contest=ContestId(contest),
        unit=UnitId(unit),
        candidate=CandidateId(candidate),
        mode=VoteMode(mode),
        votes=draw(st.integers(0, 10**12)),
        expected_votes=draw(st.none() | st.integers(0, 10**12)),
        source=draw(st.text(max_size=8)),
    )


@st.composite
def streams(draw: st.DrawFn, max_batches: int = 6) -> list[CountBatch]:
    """Batches in time order, each with distinct series."""
    start = draw(instants)
    steps = draw(st.lists(st.integers(1, 10**9), min_size=1, max_size=max_batches))
    batches = []
    at = start
    for step in steps:
        at = at + timedelta(microseconds=step)
        keys = draw(st.lists(series_keys(), min_size=1, max_size=8, unique=True))
        batches.append(
            CountBatch.of(
                at=at,
                contest=[k[0] for k in keys],
                unit=[k[1] for k in keys],
                candidate=[k[2] for k in keys],
                mode=[k[3] for k in keys],
                votes=draw(
                    st.lists(st.integers(0, 10**12), min_size=len(keys), max_size=len(keys))
                ),
                expected_votes=draw(
                    st.lists(st.integers(-1, 10**9), min_size=len(keys), max_size=len(keys))
                ),
                source=draw(st.lists(names, min_size=len(keys), max_size=len(keys))),
            )
        )
    return batches
