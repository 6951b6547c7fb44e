"""The event stream over a real server on loopback: replay after Last-Event-ID, then live
events; a live desk's cycle event waits until the cycle is published."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from ssekit import sse_events

from conftest import TOKEN
from nightkit import YEAR, NightFixture
from racedesk.api.app import create_app
from racedesk.api.serve import BackgroundServer
from racedesk.api.state import ApiState
from racedesk.backtest.night import open_night
from racedesk.desk import Desk, prepare
from racedesk.settings import Settings
from racedesk.store.ledger import Ledger

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def server(state: ApiState) -> Iterator[BackgroundServer]:
    app = create_app(state, settings=Settings(write_token=TOKEN))
    with BackgroundServer(app) as server:
        yield server


def all_seqs(path: Path) -> list[int]:
    with Ledger(path) as ledger:
        return [e.seq for e in ledger.events(year=YEAR)]


def test_a_reconnecting_client_misses_nothing(server: BackgroundServer, state: ApiState) -> None:
    seqs = all_seqs(state.store_path)
    resume = seqs[len(seqs) // 2]
    got: list[dict] = []
    with (
        httpx.Client(base_url=server.url, timeout=10) as client,
        client.stream("GET", "/api/v1/events", headers={"Last-Event-ID": str(resume)}) as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = sse_events(stream)
        for event in events:
            got.append(event)
            if event["id"] == seqs[-1]:
                break
        assert [e["id"] for e in got] == [s for s in seqs if s > resume]
        posted = client.post(
            "/api/v1/calls", json={"race": "TX", "winner": "gop", "caller": "ap"}, headers=AUTH
        )
        assert posted.status_code == 201
        started = time.monotonic()
        live = next(events)
        assert time.monotonic() - started < 1.0
    assert live["id"] == posted.json()["seq"]
    assert live["event"] == "called"
    assert live["data"]["race"] == "TX" and live["data"]["actor"] == "ap"


def test_after_query_and_a_fresh_client_sees_only_new_events(
    server: BackgroundServer, state: ApiState
) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        with client.stream("GET", "/api/v1/events?after=0") as stream:
            first = next(sse_events(stream))
        assert first["id"] == all_seqs(state.store_path)[0]
        with client.stream("GET", "/api/v1/events") as stream:
            events = sse_events(stream)
            threading.Timer(
                0.3,
                lambda: httpx.post(
                    f"{server.url}/api/v1/calls",
                    json={"race": "CA", "winner": "dem", "caller": "nyt"},
                    headers=AUTH,
                ),
            ).start()
            event = next(events)
    assert event["data"]["actor"] == "nyt"


def test_a_live_desks_cycle_event_waits_for_its_cycle(
    store_copy: Path, night: NightFixture, data_dir: Path
) -> None:
    state = ApiState(store_copy, year=YEAR, live=True)
    state.publish(night.cycle)
    app = create_app(state, settings=Settings())
    store, ledger = open_night(store_copy)
    desk = Desk(prepare(YEAR, data_dir), store, ledger, draws=500)
    desk.cycles = night.cycle.number
    desk.statuses = dict(night.cycle.statuses)
    try:
        with (
            BackgroundServer(app) as server,
            httpx.Client(base_url=server.url, timeout=10) as client,
            client.stream("GET", "/api/v1/events") as stream,
        ):
            events = sse_events(stream)
            cycle = desk.cycle(night.cycle.at + timedelta(hours=3))  # written, not published
            received: list[dict] = []
            waiter = threading.Thread(target=lambda: received.append(next(events)), daemon=True)
            waiter.start()
            if cycle.changes:  # calls are sent at once
                waiter.join(5)
                assert received and received[0]["event"] in ("called", "retracted")
                for _ in cycle.changes[1:]:
                    received.append(next(events))
                received.clear()
                waiter = threading.Thread(target=lambda: received.append(next(events)), daemon=True)
                waiter.start()
            waiter.join(0.8)
            assert not received, "the cycle event must wait for the cycle to be published"
            state.publish(cycle)
            waiter.join(5)
            assert received and received[0]["event"] == "cycle"
            assert received[0]["data"]["payload"]["cycle"] == cycle.number
            races = client.get("/api/v1/races").json()
            assert races["cycle"] == cycle.number
    finally:
        store.close()
        ledger.close()
        state.close()
