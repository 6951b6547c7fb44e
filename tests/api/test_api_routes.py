"""Every read endpoint, in-process, over a real (small) night: from the store and ledger, and
with the desk's latest cycle published as a live desk would."""

from __future__ import annotations

import httpx
import pytest

from conftest import client_for
from nightkit import YEAR, NightFixture
from racedesk.api.state import ApiState
from racedesk.calls.status import Kind
from racedesk.domain.contests import Party
from racedesk.domain.electoral import race_electors

pytestmark = pytest.mark.anyio
DISPLAYS = {"called_dem", "called_gop", "lean_dem", "lean_gop", "too_close", "too_early", "not_yet"}


async def test_races_from_the_store_match_the_ledger_calls(
    client: httpx.AsyncClient, night: NightFixture
) -> None:
    response = await client.get("/api/v1/races")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == YEAR
    assert body["cycle"] == night.cycle.number
    races = {r["race"]: r for r in body["races"]}
    assert set(races) == set(race_electors(YEAR))
    for race, status in night.cycle.statuses.items():
        view = races[race]
        assert view["display"] in DISPLAYS
        if status.kind is Kind.CALLED:
            assert view["status"]["kind"] == "called"
            assert view["call"]["winner"] == status.winner.value
            assert view["call"]["caller"] == "racedesk"
            assert view["display"] == f"called_{status.winner.value}"
        else:
            assert view["call"] is None
            assert view["display"] in ("too_early", "not_yet", "too_close")
    # Counts come from the store: Georgia's are the desk's own counted totals.
    georgia = night.cycle.estimates["GA"]
    assert races["GA"]["counts"]["dem"] == georgia.counted_dem
    assert races["GA"]["counts"]["total"] == georgia.counted_total
    assert races["GA"]["estimate"] is None  # no desk in this process: no estimate


async def test_races_with_a_live_cycle_carry_estimates(
    state: ApiState, night: NightFixture
) -> None:
    state.publish(night.cycle)
    async with client_for(state) as client:
        body = (await client.get("/api/v1/races")).json()
    races = {r["race"]: r for r in body["races"]}
    for race, status in night.cycle.statuses.items():
        assert races[race]["status"]["kind"] == status.kind.value
    georgia = races["GA"]
    estimate = night.cycle.estimates["GA"]
    assert georgia["estimate"]["margin"] == pytest.approx(estimate.margin, abs=1e-6)
    interval = estimate.margin_intervals[0.9]
    assert georgia["estimate"]["interval"] == {
        "level": 0.9,
        "lo": pytest.approx(interval.lo, abs=1e-6),
        "hi": pytest.approx(interval.hi, abs=1e-6),
    }
    probability = night.cycle.projection.race_probability["GA"]
    assert georgia["estimate"]["dem_probability"] == pytest.approx(probability, abs=1e-4)
    if night.cycle.statuses["GA"].kind is Kind.TOO_CLOSE:
        assert georgia["display"] == "too_close"
    leaning = [r for r in races.values() if r["status"]["kind"] == "too_early" and r["estimate"]]
    assert leaning, "some race should lean by the estimate"
    for view in leaning:
        side = "dem" if view["estimate"]["margin"] > 0 else "gop"
        assert view["display"] == f"lean_{side}"


async def test_college_from_the_ledger_and_from_the_cycle(
    state: ApiState, night: NightFixture
) -> None:
    async with client_for(state) as client:
        stored = (await client.get("/api/v1/college")).json()
        state.publish(night.cycle)
        live = (await client.get("/api/v1/college")).json()
    projection = night.cycle.projection
    for body in (stored, live):
        assert body["majority"] == 270 and body["appointed"] == 538
        assert body["called"] == {
            "dem": projection.called[Party.DEM],
            "gop": projection.called[Party.GOP],
        }
        assert body["uncalled_electors"] == 538 - sum(body["called"].values())
        assert body["outcome"] == "undecided"
    assert live["win_probability"]["dem"] == pytest.approx(
        projection.win_probability[Party.DEM], abs=1e-4
    )
    assert len(live["distribution"]) == 539
    assert sum(live["distribution"]) == pytest.approx(1.0, abs=1e-3)
    assert stored["win_probability"]["dem"] == pytest.approx(
        projection.win_probability[Party.DEM], abs=1e-4
    )
    assert stored["tipping_point"]["race"] == live["tipping_point"]["race"]


async def test_race_detail_and_units(client: httpx.AsyncClient, night: NightFixture) -> None:
    detail = (await client.get("/api/v1/races/vt")).json()
    assert detail["race"]["race"] == "VT"
    assert [e["kind"] for e in detail["history"]] == ["called"]
    units = (await client.get("/api/v1/races/ne-2/units")).json()
    assert units["race"] == "NE-02"
    assert [u["unit"] for u in units["units"]] == ["NE-02"]
    georgia = (await client.get("/api/v1/races/GA/units")).json()["units"]
    assert len(georgia) == night.cycle.estimates["GA"].units_reporting
    assert sum(u["total"] for u in georgia) == night.cycle.estimates["GA"].counted_total
    assert all(u["total"] == u["dem"] + u["gop"] + u["other"] for u in georgia)


async def test_calls_timeline_calendar_status(
    client: httpx.AsyncClient, night: NightFixture
) -> None:
    calls = (await client.get("/api/v1/calls")).json()["calls"]
    called = {r for r, s in night.cycle.statuses.items() if s.kind is Kind.CALLED}
    assert {c["race"] for c in calls} == called
    assert all(c["payload"]["reasons"] for c in calls)
    assert [c["race"] for c in (await client.get("/api/v1/calls?race=DC")).json()["calls"]] == [
        "DC"
    ]
    timeline = (await client.get("/api/v1/timeline")).json()["events"]
    seqs = [e["seq"] for e in timeline]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    cycles = (await client.get("/api/v1/timeline?kind=cycle")).json()["events"]
    assert [e["payload"]["cycle"] for e in cycles] == [1, 2, 3, 4]
    page = (await client.get(f"/api/v1/timeline?after={seqs[1]}&limit=2")).json()["events"]
    assert [e["seq"] for e in page] == seqs[2:4]
    calendar = (await client.get("/api/v1/calendar")).json()
    assert calendar["milestones"][0] == {
        "key": "election_day",
        "name": "Election Day",
        "date": "2024-11-05",
        "law": "3 U.S.C. §1",
    }
    status = (await client.get("/api/v1/status")).json()
    assert status == {
        "year": 2024,
        "mode": "store",
        "seq": seqs[-1],
        "cycle": 4,
        "writes_enabled": True,
    }


async def test_dashboard_page_and_static_files(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for race in race_electors(YEAR):
        assert page.text.count(f'class="shape" data-race="{race}"') == 1
    assert (await client.get("/static/app.js")).status_code == 200
    assert (await client.get("/static/style.css")).status_code == 200
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/college" in spec["paths"]


async def test_callers_consensus_beside_racedesk(client: httpx.AsyncClient) -> None:
    """The real 2024 calls in the data folder, with the night's own calls beside them."""
    response = await client.get("/api/v1/callers")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == YEAR
    president = body["president"]
    assert president["agreement"] == "unanimous" and president["winner"] == "gop"
    assert {"AP", "Fox News"} <= {call["caller"] for call in president["calls"]}
    pa = next(race for race in body["races"] if race["race"] == "PA")
    assert any(call["caller"] == "AP" and call["winner"] == "gop" for call in pa["calls"])
