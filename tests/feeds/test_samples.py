"""Every sample feed parses, is detected as its format, and keeps the payload contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from racedesk.domain.counts import VoteMode
from racedesk.feeds import registry
from racedesk.feeds.base import FeedAdapter, FeedPayload

from ._samples import SAMPLES


@pytest.mark.parametrize("path", sorted(SAMPLES), ids=lambda p: p.name)
def test_sample_is_detected_and_parses(path: Path) -> None:
    data = path.read_bytes()
    adapter = registry.detect(data, path.name)
    assert adapter.name == SAMPLES[path]
    payload = adapter.parse(data, source=path.name)
    check_contract(payload)
    with path.open("rb") as stream:  # streaming from a file gives the same payload
        again = registry.parse(stream, source=path.name)
    assert again.counts == payload.counts
    assert again.units == payload.units


def check_contract(payload: FeedPayload) -> None:
    contests = {c.id for c in payload.contests}
    units = {u.id for u in payload.units}
    candidates = {(c.contest, c.id) for c in payload.candidates}
    assert len(units) == len(payload.units), "unit ids are unique"
    assert len(candidates) == len(payload.candidates)
    cells: dict[tuple[str, str, str], set[VoteMode]] = {}
    for count in payload.iter_counts():
        assert count.contest in contests
        assert count.unit in units
        assert (count.contest, count.candidate) in candidates
        assert count.votes >= 0 and count.at.utcoffset() is not None
        assert count.source == payload.source
        modes = cells.setdefault((count.contest, count.unit, count.candidate), set())
        assert count.mode not in modes, "one count per key"
        modes.add(count.mode)
    for modes in cells.values():  # a total never sits beside the parts it sums
        assert modes == {VoteMode.TOTAL} or VoteMode.TOTAL not in modes
    for call in payload.calls:
        assert call.contest in contests and (call.contest, call.winner) in candidates
    for parent in (p for u in payload.units for p in u.parents):
        assert parent  # parents are ids (they may be outside the payload for AP towns)


def test_every_adapter_is_registered() -> None:
    names = set(registry.adapters())
    assert names == {"ap", "nist-xml", "nist-json", "clarity", "csv"}
    assert names == set(SAMPLES.values())
    for adapter in registry.adapters().values():
        assert isinstance(adapter, FeedAdapter)
        assert adapter.description


def test_detect_refuses_what_it_cannot_tell() -> None:
    from racedesk.errors import FeedFormatError

    with pytest.raises(FeedFormatError, match="cannot tell the feed format"):
        registry.detect(b"hello, world\n1,2\n", "notes.txt")
    with pytest.raises(FeedFormatError, match="cannot tell"):
        registry.detect(b"", "empty.json")
    with pytest.raises(Exception, match="unknown feed format 'xls'"):
        registry.get("xls")
