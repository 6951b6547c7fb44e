"""Hostile and broken payloads: each gives one FeedFormatError naming source and location."""

from __future__ import annotations

import json

import pytest

from racedesk.errors import FeedError, FeedFormatError
from racedesk.feeds import registry

from ._samples import EXAMPLES, FEEDS

CLARITY = (EXAMPLES / "clarity_detail_county_level.xml").read_bytes()
NIST_XML = (EXAMPLES / "err_cdf_v2_minimal.xml").read_bytes()
NIST_JSON = (EXAMPLES / "err_cdf_v2_minimal.json").read_bytes()
AP = (EXAMPLES / "ap_elections_v2_style.json").read_bytes()
AP_REAL = (FEEDS / "ap_elections_api_json" / "20121106_ak_prez.json").read_bytes()


def fails(fmt: str, data: bytes, *, match: str) -> FeedFormatError:
    with pytest.raises(FeedFormatError, match=match) as info:
        registry.get(fmt).parse(data, source="bad-feed")
    assert info.value.source == "bad-feed"
    assert str(info.value).startswith("bad-feed")
    return info.value


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ElectionResult><Timestamp>&lol3;</Timestamp></ElectionResult>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ElectionReport xmlns="http://itl.nist.gov/ns/voting/1500-100/v2"><Issuer>&xxe;</Issuer>
</ElectionReport>"""


@pytest.mark.parametrize("fmt", ["clarity", "nist-xml"])
def test_entity_bomb_and_external_entities_are_refused(fmt: str) -> None:
    error = fails(fmt, BOMB, match="refused a DOCTYPE")
    assert error.line == 2
    fails(fmt, XXE, match="refused a DOCTYPE")


@pytest.mark.parametrize(("fmt", "data"), [("clarity", CLARITY), ("nist-xml", NIST_XML)])
def test_truncated_and_malformed_xml(fmt: str, data: bytes) -> None:
    cut = data[: len(data) * 2 // 3]
    error = fails(fmt, cut, match="malformed .* XML")
    assert error.line is not None and error.line > 10
    fails(fmt, data.replace(b"</Contest>", b"</Contes>", 1), match="mismatched tag")
    fails(fmt, b"", match="malformed")


@pytest.mark.parametrize(("fmt", "data"), [("ap", AP), ("nist-json", NIST_JSON)])
def test_truncated_and_malformed_json(fmt: str, data: bytes) -> None:
    fails(fmt, data[: len(data) // 2], match="malformed .*JSON")
    fails(fmt, data.replace(b":", b";", 3), match="malformed .*JSON")
    fails(fmt, b"[1, 2, 3]", match="not a JSON object")


def test_wrong_encoding() -> None:
    fails("ap", AP.decode().encode("utf-16"), match="UTF-16")
    latin = CLARITY.replace(b"Ada Alvarez", "Adá Álvarez".encode("latin-1"))
    fails("clarity", latin, match="not UTF-8 as declared")
    fails(
        "nist-xml",
        NIST_XML.replace(b'encoding="UTF-8"', b'encoding="UTF-9"'),
        match="declares an encoding that cannot be read",
    )
    fails(
        "csv",
        b"contest,unit,candidate,votes,at\nx,\xff\xfe,y,1,2024-11-05T00:00:00Z\n",
        match="not UTF-8",
    )


@pytest.mark.parametrize(
    ("fmt", "data", "match"),
    [
        ("clarity", CLARITY.replace(b'votes="1200"', b'votes="-1200"'), "negative vote count"),
        ("clarity", CLARITY.replace(b'votes="1200"', b'votes="12.5"'), "not a non-negative"),
        ("clarity", CLARITY.replace(b'votes="1200"', b'votes="1e3"'), "not a non-negative"),
        ("nist-xml", NIST_XML.replace(b"<Count>1200<", b"<Count>-1200<"), "negative vote count"),
        ("nist-xml", NIST_XML.replace(b"<Count>1200<", b"<Count>12.5<"), "not a non-negative"),
        ("nist-json", NIST_JSON.replace(b'"Count": 1200', b'"Count": -1200'), "negative"),
        ("nist-json", NIST_JSON.replace(b'"Count": 1200', b'"Count": 1200.5'), "not an integer"),
        ("nist-json", NIST_JSON.replace(b'"Count": 1200', b'"Count": "1200"'), "not a number"),
        ("ap", AP.replace(b'"voteCount": 2450', b'"voteCount": -2450'), "expected a count"),
        ("ap", AP.replace(b'"voteCount": 2450', b'"voteCount": 24.5'), "expected a count"),
        ("ap", AP.replace(b'"voteCount": 2450', b'"voteCount": true'), "expected a number"),
        ("ap", AP.replace(b'"voteCount": 2450', b'"voteCount": 1e30'), "implausible|expected a"),
    ],
)
def test_bad_counts(fmt: str, data: bytes, match: str) -> None:
    error = fails(fmt, data, match=match)
    assert error.line is not None or error.field  # a location, in lines or a JSON path


def test_bad_count_locations_name_the_place() -> None:
    error = fails("ap", AP.replace(b'"voteCount": 450', b'"voteCount": -450'), match="count")
    assert error.field == "races[0].reportingUnits[2].candidates[0].voteCount"
    error = fails("clarity", CLARITY.replace(b'votes="450"', b'votes="x"', 1), match="x")
    assert "South" in str(error) and "Governor" in str(error) and error.line == 26


def test_duplicated_units_are_errors() -> None:
    leaf = b'<County name="North" votes="1200" />'
    fails("clarity", CLARITY.replace(leaf, leaf + leaf, 1), match="duplicated unit 'North'")
    doc = json.loads(AP)
    units = doc["races"][0]["reportingUnits"]
    units.append(units[1])
    fails("ap", json.dumps(doc).encode(), match="duplicated unit")
    gp = NIST_XML[NIST_XML.index(b"<GpUnit xsi") : NIST_XML.index(b"</GpUnit>") + 9]
    fails("nist-xml", NIST_XML.replace(gp, gp + gp), match="duplicated unit: GpUnit 'ru-state'")
    vc = (
        b"<VoteCounts><GpUnitId>ru-north</GpUnitId><Type>election-day</Type>"
        b"<Count>1200</Count></VoteCounts>"
    )
    fails("nist-xml", NIST_XML.replace(vc, vc + vc), match="duplicated unit")
    csv = b"contest,unit,candidate,votes,at\nc,42003,a,1,2024-11-05T00:00:00Z\n"
    fails("csv", csv + csv.split(b"\n")[1] + b"\n", match="duplicated unit")


def test_unknown_units_and_candidates_are_reported_not_dropped() -> None:
    # Alvarez's two South counts (election-day and total) point at a unit that does not exist.
    data = NIST_XML.replace(b"<GpUnitId>ru-south</GpUnitId>", b"<GpUnitId>ru-nowhere</GpUnitId>", 2)
    data = data.replace(
        b"<CandidateIds>cand-brooks</CandidateIds>", b"<CandidateIds>cand-ghost</CandidateIds>"
    )
    payload = registry.get("nist-xml").parse(data, source="x")
    lost = {(u.kind, u.feed_id): u.votes for u in payload.unmapped if not u.kept_as}
    assert lost == {("unit", "ru-nowhere"): 450, ("candidate", "cand-ghost"): 1900 + 700}
    kept = sum(c.votes for c in payload.iter_counts())
    assert kept + sum(lost.values()) == 2450 + 2600  # every vote accounted for
    odd = CLARITY.replace(b'name="Absentee by Mail"', b'name="Drive-through"')
    payload = registry.get("clarity").parse(odd, source="x")
    assert {(u.kind, u.feed_id) for u in payload.unmapped} == {("vote_type", "Drive-through")}
    assert sum(u.votes for u in payload.unmapped) == 800 + 1000


def test_ap_test_races_can_be_skipped() -> None:
    from racedesk.feeds.ap import ApAdapter

    payload = ApAdapter(test_races="skip").parse(AP, source="x")
    assert payload.contests == () and len(payload) == 0
    assert any("test data, skipped" in note for note in payload.notes)
    assert len(ApAdapter().parse(AP_REAL, source="x")) == 8  # "test": false is kept


def test_errors_are_feed_errors() -> None:
    assert issubclass(FeedFormatError, FeedError)


def test_clarity_zip_as_served_and_zip_bombs(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import zipfile

    from racedesk.feeds import clarity_stream

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("detail.xml", CLARITY)
    zipped = buffer.getvalue()
    assert registry.detect(zipped, "detailxml.zip").name == "clarity"
    payload = registry.parse(zipped, source="detailxml.zip")
    assert payload.totals("2028-11-07-governor") == {"ada-alvarez": 2450, "ben-brooks": 2600}
    fails("clarity", zipped[:-30], match="unreadable zip")
    monkeypatch.setattr(clarity_stream, "MAX_UNZIPPED", 1000)
    fails("clarity", zipped, match="would unzip to")
