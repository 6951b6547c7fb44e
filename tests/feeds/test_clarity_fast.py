"""The Clarity fast path (regex over whole vote-type blocks) gives exactly what expat alone
gives, on the samples, on tricky variants and on mangled bytes; and it is really used."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from racedesk.errors import FeedFormatError
from racedesk.feeds import clarity_stream, xmlsafe
from racedesk.feeds.base import FeedPayload
from racedesk.feeds.clarity import ClarityAdapter, _ClarityParse

from ._samples import EXAMPLES, FEEDS

SAMPLES = [
    (EXAMPLES / "clarity_detail_county_level.xml").read_bytes(),
    (FEEDS / "clarity_enr_xml" / "clarify_test_county.xml").read_bytes(),
    (FEEDS / "clarity_enr_xml" / "clarify_test_precinct.xml").read_bytes(),
]
EXAMPLE = SAMPLES[0]


def slow(data: bytes) -> FeedPayload | str:
    parse = _ClarityParse(ClarityAdapter(), "x")
    try:
        xmlsafe.run(parse.parser, data, source="x", what="Clarity")
        return parse.finish()
    except FeedFormatError as err:
        return str(err)


def fast(data: bytes) -> FeedPayload | str:
    try:
        return ClarityAdapter().parse(data, source="x")
    except FeedFormatError as err:
        return str(err)


def same(a: FeedPayload | str, b: FeedPayload | str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert isinstance(a, str) and isinstance(b, str), (a, b)
        assert a.split(": ")[-1] == b.split(": ")[-1]
        return
    assert a.counts == b.counts
    assert (a.units, a.candidates, a.contests) == (b.units, b.candidates, b.contests)
    assert (a.unmapped, a.notes, a.reporting) == (b.unmapped, b.notes, b.reporting)


VARIANTS = {
    "comment inside a vote type": EXAMPLE.replace(
        b'<County name="South" votes="450" />', b'<!-- <County name="South" votes="9" /> -->'
    ),
    "commented-out vote type": EXAMPLE.replace(
        b'<Choice key="1" text="Ada Alvarez" party="BLU" totalVotes="2450">',
        b'<Choice key="1" text="Ada Alvarez" party="BLU" totalVotes="2450"><!--'
        b'<VoteType name="Early Vote" votes="5"><County name="North" votes="5" /></VoteType>-->',
    ),
    "attributes in another order": EXAMPLE.replace(
        b'<County name="North" votes="1200" />', b'<County votes="1200" name="North" />'
    ),
    "entity in a name": EXAMPLE.replace(b'name="South"', b'name="So&amp;uth"'),
    "vote type outside a choice": EXAMPLE.replace(
        b'<VoteType name="Undervotes"',
        b'<VoteType name="Election Day" votes="0"></VoteType><VoteType name="Undervotes"',
    ),
    "latin-1 declared": EXAMPLE.replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="ISO-8859-1"?>'
    ),
    "duplicated leaf": EXAMPLE.replace(
        b'<County name="North" votes="800" />', b'<County name="North" votes="800" />' * 2
    ),
    "bad leaf count": EXAMPLE.replace(b'votes="450"', b'votes="45x0"'),
}


@pytest.mark.parametrize(
    "data", SAMPLES + list(VARIANTS.values()), ids=["example", "county", "precinct", *VARIANTS]
)
def test_fast_path_equals_expat(data: bytes) -> None:
    same(fast(data), slow(data))


def test_fast_path_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks: list[int] = []
    original = _ClarityParse.fast_vote_type

    def spy(self: _ClarityParse, *args: object) -> bool:
        blocks.append(1)
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_ClarityParse, "fast_vote_type", spy)
    monkeypatch.setattr(clarity_stream.xmlsafe, "CHUNK", 700)  # blocks cross chunk ends
    same(fast(SAMPLES[1]), slow(SAMPLES[1]))
    assert len(blocks) == 4  # every candidate vote type of the AR state file


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SAMPLES),
    edits=st.lists(
        st.tuples(
            st.integers(0, 40000),
            st.sampled_from(
                [
                    b"<!--",
                    b"-->",
                    b"<",
                    b">",
                    b'"',
                    b"\n",
                    b"9",
                    b"-",
                    b"&amp;",
                    b"</VoteType>",
                    b"<VoteType",
                    b"",
                ]
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_fast_path_equals_expat_on_mangled_files(
    seed: bytes, edits: list[tuple[int, bytes]]
) -> None:
    data = bytearray(seed)
    for at, chunk in edits:
        position = at % (len(data) + 1)
        data[position : position + len(chunk)] = chunk
    same(fast(bytes(data)), slow(bytes(data)))
