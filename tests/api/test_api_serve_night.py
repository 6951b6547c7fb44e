"""serve_night (behind ``racedesk demo --serve``): a replayed night is pushed live; a client
on the event stream receives every cycle and every call the desk makes, in order."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import httpx
from ssekit import sse_events

from nightkit import STATES, YEAR
from racedesk.api.serve import serve_night
from racedesk.backtest.night import open_night
from racedesk.desk import Desk, prepare
from racedesk.night.batches import night_batches
from racedesk.night.generator import generate_night
from racedesk.settings import Settings


def test_a_served_night_reaches_the_event_stream(tmp_path: Path, data_dir: Path) -> None:
    night = generate_night(YEAR, seed=2, data_dir=data_dir, states=STATES)
    batches = list(night_batches(night))
    batches = [b for b in batches if b.at <= batches[0].at + timedelta(hours=4)]
    path = tmp_path / "served.sqlite"
    store, ledger = open_night(path)
    desk = Desk(prepare(YEAR, data_dir), store, ledger, draws=500)
    received: list[dict] = []
    connected = threading.Event()
    finished = threading.Event()

    def listen(url: str) -> None:
        def run() -> None:
            with (
                httpx.Client(timeout=30) as client,
                client.stream("GET", f"{url}/api/v1/events?after=0") as stream,
            ):
                connected.set()
                received.extend(sse_events(stream))  # until the server ends the stream
                finished.set()

        threading.Thread(target=run, daemon=True).start()
        assert connected.wait(10)

    seen_cycles: list[int] = []
    run = serve_night(
        desk,
        batches,
        store_path=path,
        final_winners={},
        settings=Settings(),
        port=0,
        pace=0.0,
        keep_serving=False,
        on_ready=listen,
        on_cycle=lambda cycle: seen_cycles.append(cycle.number),
    )
    store.close()
    ledger.close()
    assert finished.wait(10), "the server ends open streams when it stops"
    assert run.cycles == len(seen_cycles) > 10
    cycles = [e["data"]["payload"]["cycle"] for e in received if e["event"] == "cycle"]
    assert cycles == seen_cycles
    called = [e["data"]["race"] for e in received if e["event"] == "called"]
    assert called and set(called) <= {c.race for c in run.calls}
    ids = [e["id"] for e in received]
    assert ids == sorted(ids)
