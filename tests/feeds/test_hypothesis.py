"""Adapters fed arbitrary bytes (and mangled real samples) raise only FeedError."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from racedesk.errors import FeedError
from racedesk.feeds import registry
from racedesk.feeds.base import FeedPayload

from ._samples import EXAMPLES

ADAPTERS = sorted(registry.adapters())
SEEDS = [
    (EXAMPLES / name).read_bytes()
    for name in (
        "ap_elections_v2_style.json",
        "clarity_detail_county_level.xml",
        "err_cdf_v2_minimal.xml",
        "err_cdf_v2_minimal.json",
    )
]
SEEDS.append(b"contest,unit,candidate,votes,at\nc,42003,a,1,2024-11-05T00:00:00Z\n")


def parse_or_feed_error(name: str, data: bytes) -> None:
    try:
        payload = registry.get(name).parse(data, source="fuzz")
    except FeedError:
        return
    assert isinstance(payload, FeedPayload)
    for count in payload.iter_counts():
        assert count.votes >= 0


@pytest.mark.parametrize("name", ADAPTERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(name: str, data: bytes) -> None:
    parse_or_feed_error(name, data)


@pytest.mark.parametrize("name", ADAPTERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0, max_value=8000),
    edits=st.lists(st.tuples(st.integers(0, 8000), st.binary(max_size=8)), max_size=4),
)
def test_mangled_samples(name: str, seed: bytes, cut: int, edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(seed[: cut or None])
    for at, chunk in edits:
        position = at % (len(data) + 1)
        data[position : position + len(chunk)] = chunk
    parse_or_feed_error(name, bytes(data))
