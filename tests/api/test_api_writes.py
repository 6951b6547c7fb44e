"""The write endpoints: bearer token in constant time, nothing stored without it, size limit,
results in the stream format, outside callers' calls and retractions."""

from __future__ import annotations

import io

import httpx
import pytest

from conftest import TOKEN, client_for
from nightkit import NightFixture
from racedesk.api.state import ApiState
from racedesk.feeds.stream import StreamFormat, write_stream
from racedesk.store.ledger import Ledger
from racedesk.store.sqlite import SQLiteStore

pytestmark = pytest.mark.anyio
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def stream_bytes(night: NightFixture, fmt: StreamFormat, count: int = 20) -> bytes:
    text = io.StringIO()
    write_stream(night.batches[night.ingested : night.ingested + count], text, format=fmt)
    return text.getvalue().encode()


def stored_updates(state: ApiState) -> int:
    with SQLiteStore(state.store_path) as store:
        return store.stats().updates


def ledger_size(state: ApiState) -> int:
    with Ledger(state.store_path) as ledger:
        return ledger.last_seq()


@pytest.mark.parametrize("fmt", [StreamFormat.CSV, StreamFormat.JSONL])
async def test_results_are_ingested_and_counted(
    client: httpx.AsyncClient, state: ApiState, night: NightFixture, fmt: StreamFormat
) -> None:
    before = (await client.get("/api/v1/races")).json()
    updates = stored_updates(state)
    body = stream_bytes(night, fmt)
    kind = "text/csv" if fmt is StreamFormat.CSV else "application/x-ndjson"
    response = await client.post(
        "/api/v1/results", content=body, headers={**AUTH, "Content-Type": kind}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["ok"] is True and result["batches"] == 20
    assert result["updates"] > 0
    assert stored_updates(state) == updates + result["updates"]
    after = (await client.get("/api/v1/races")).json()
    total = lambda body: sum(r["counts"]["total"] for r in body["races"])  # noqa: E731
    assert total(after) > total(before)
    again = await client.post("/api/v1/results", content=body, headers=AUTH)
    assert again.json()["updates"] == 0 and again.json()["duplicates"] > 0


async def test_without_the_token_nothing_is_stored(
    client: httpx.AsyncClient, state: ApiState, night: NightFixture
) -> None:
    updates, seq = stored_updates(state), ledger_size(state)
    body = stream_bytes(night, StreamFormat.CSV)
    call = b'{"race": "PA", "winner": "dem", "caller": "ap"}'
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}):
        for path, content in (("/api/v1/results", body), ("/api/v1/calls", call)):
            response = await client.post(path, content=content, headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == "Bearer"
    assert stored_updates(state) == updates and ledger_size(state) == seq


async def test_no_configured_token_disables_writes(state: ApiState, night: NightFixture) -> None:
    async with client_for(state, token="") as client:
        response = await client.post(
            "/api/v1/calls",
            content=b'{"race": "PA", "winner": "dem", "caller": "ap"}',
            headers={"Authorization": "Bearer "},
        )
        assert response.status_code == 403
        assert (await client.get("/api/v1/status")).json()["writes_enabled"] is False


async def test_bodies_over_the_limit_are_refused(state: ApiState, night: NightFixture) -> None:
    updates = stored_updates(state)
    async with client_for(state, max_body=1000) as client:
        body = stream_bytes(night, StreamFormat.CSV)
        assert len(body) > 1000
        response = await client.post("/api/v1/results", content=body, headers=AUTH)
        assert response.status_code == 413

        async def chunks():  # no Content-Length: counted while reading
            for start in range(0, len(body), 500):
                yield body[start : start + 500]

        response = await client.post("/api/v1/results", content=chunks(), headers=AUTH)
        assert response.status_code == 413
    assert stored_updates(state) == updates


async def test_an_outside_call_colours_the_race_and_can_be_retracted(
    client: httpx.AsyncClient, night: NightFixture
) -> None:
    race = next(r for r, s in night.cycle.statuses.items() if s.kind.value != "called")
    call = {"race": race.lower(), "winner": "dem", "caller": "ap", "reasons": ["AP race call"]}
    response = await client.post("/api/v1/calls", json=call, headers=AUTH)
    assert response.status_code == 201, response.text
    event = response.json()
    assert event["kind"] == "called" and event["actor"] == "ap" and event["race"] == race
    view = (await client.get(f"/api/v1/races/{race}")).json()
    assert view["race"]["display"] == "called_dem"
    assert view["race"]["call"]["caller"] == "ap"
    assert view["race"]["status"]["kind"] != "called"  # the desk itself has not called it
    assert [e["actor"] for e in view["history"]] == ["ap"]
    retract = {**call, "retract": True, "reasons": ["AP withdrew"]}
    response = await client.post("/api/v1/calls", json=retract, headers=AUTH)
    assert response.status_code == 201
    assert response.json()["payload"]["winner"] == "dem"
    view = (await client.get(f"/api/v1/races/{race}")).json()
    assert view["race"]["call"] is None and view["race"]["display"] != "called_dem"
    assert [e["kind"] for e in view["history"]] == ["called", "retracted"]
    again = await client.post("/api/v1/calls", json=retract, headers=AUTH)
    assert again.status_code == 409
    calls = (await client.get("/api/v1/calls?caller=ap")).json()["calls"]
    assert [c["kind"] for c in calls] == ["called", "retracted"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"race": "ZZ", "winner": "dem", "caller": "ap"}, "unknown race"),
        ({"race": "PA", "winner": "green", "caller": "ap"}, "winner"),
        ({"race": "PA", "winner": "dem", "caller": "racedesk"}, "desk"),
        ({"race": "PA", "winner": "dem", "caller": "ap", "at": "2024-11-06T04:00:00"}, "UTC"),
        ({"race": "PA", "winner": "dem"}, "caller"),
    ],
)
async def test_bad_calls_are_refused(client: httpx.AsyncClient, body: dict, word: str) -> None:
    response = await client.post("/api/v1/calls", json=body, headers=AUTH)
    assert response.status_code == 422
    assert word in response.json()["error"]
