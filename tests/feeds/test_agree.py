"""The three hand-made examples describe one contest (Governor of Example State: Alvarez
2,450, Brooks 2,600; North County complete, South County partly): AP, Clarity and NIST (XML
and JSON) must agree on it, by candidate and by county."""

from __future__ import annotations

from racedesk.domain.contests import Party
from racedesk.feeds import registry
from racedesk.feeds.base import FeedPayload, UnitLevel

from ._samples import EXAMPLES

FILES = {
    "ap": "ap_elections_v2_style.json",
    "clarity": "clarity_detail_county_level.xml",
    "nist-xml": "err_cdf_v2_minimal.xml",
    "nist-json": "err_cdf_v2_minimal.json",
}


def governor(fmt: str) -> tuple[FeedPayload, str]:
    data = (EXAMPLES / FILES[fmt]).read_bytes()
    payload = registry.parse(data, source=FILES[fmt])
    assert payload.format == fmt
    (contest,) = [c for c in payload.contests if "governor" in c.id]
    return payload, contest.id


def by_name(payload: FeedPayload, contest: str, **where: object) -> dict[str, int]:
    names = {c.id: c.name.split()[-1] for c in payload.candidates if c.contest == contest}
    totals = payload.totals(contest, **where)  # type: ignore[arg-type]
    return {names[k]: v for k, v in totals.items()}


def test_all_formats_agree_on_the_example_contest() -> None:
    results = {}
    for fmt in FILES:
        payload, contest = governor(fmt)
        assert contest == "2028-11-07-governor"  # same stable id from every format
        counties = {u.name.split()[0]: u.id for u in payload.units if u.level == UnitLevel.COUNTY}
        assert set(counties) == {"North", "South"}
        results[fmt] = {
            "state": by_name(payload, contest, level=UnitLevel.COUNTY),
            "north": by_name(payload, contest, unit=counties["North"]),
            "south": by_name(payload, contest, unit=counties["South"]),
        }
    assert results["ap"]["state"] == {"Alvarez": 2450, "Brooks": 2600}
    for fmt in FILES:
        assert results[fmt] == results["ap"], fmt
    assert results["ap"]["north"] == {"Alvarez": 2000, "Brooks": 1900}


def test_ap_state_level_equals_the_county_sum_and_carries_the_call() -> None:
    payload, contest = governor("ap")
    assert by_name(payload, contest, level=UnitLevel.STATE) == {"Alvarez": 2450, "Brooks": 2600}
    assert all(c.test for c in payload.contests)  # "test": true is flagged, not hidden
    (call,) = payload.calls  # the presidential race's winner flag
    assert call.caller == "AP" and call.winner == "ap-71001"
    parties = {c.name: c.party for c in payload.candidates}
    assert parties["Ada Alvarez"] == Party.DEM and parties["Ben Brooks"] == Party.GOP
    # eevp 81.3 at race level gives the state unit an expected total of 5,050 / 0.813.
    state_counts = [c for c in payload.iter_counts() if c.unit == "ES" and c.contest == contest]
    assert {c.expected_votes for c in state_counts} == {round(5050 / 0.813)}
