"""Benchmark the HTTP API on loopback: wrk on the College endpoint, then 500 SSE clients.

Builds a small real 2024 night (a few states replayed, four desk cycles) in a temporary store,
starts ``racedesk serve`` on it as its own process (127.0.0.1, a free port), then:

1. ``wrk`` (Debian package) against ``GET /api/v1/college`` for ``--seconds`` with
   ``--connections`` connections on one thread: requests/s and latency percentiles.
   Goal: at least 2,000 requests/s with p99 under 50 ms on a 2-core machine.
2. ``--clients`` (500) concurrent SSE clients on ``/api/v1/events``; this process then appends
   ``--updates`` cycle events to the ledger (as a desk in another process would), one every
   ``--interval`` seconds, and each client notes when each event arrives. Goal: every client
   receives every update within one second of its append.

Traffic goes to 127.0.0.1 only; every loop is bounded in count and time. Figures printed, no
assertions. Run: ``python3 -m uv run python bench/bench_api.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from racedesk.backtest.night import open_night
from racedesk.desk import Desk, prepare
from racedesk.night.batches import night_batches
from racedesk.night.generator import generate_night
from racedesk.settings import resolve_data_dir
from racedesk.store.ledger import Ledger

YEAR = 2024
HOST = "127.0.0.1"


def build_store(path: Path) -> None:
    data_dir = resolve_data_dir()
    night = generate_night(YEAR, seed=1, data_dir=data_dir, states=("GA", "PA", "NE", "ME", "VT"))
    batches = list(night_batches(night))
    store, ledger = open_night(path)
    desk = Desk(prepare(YEAR, data_dir), store, ledger, draws=2_000)
    position = 0
    for hours in (0, 1, 2, 5):
        now = batches[0].at + timedelta(hours=hours)
        while position < len(batches) and batches[position].at <= now:
            store.ingest(batches[position])
            position += 1
        desk.cycle(now)
    store.close()
    ledger.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(path: Path, port: int) -> subprocess.Popen[bytes]:
    racedesk = Path(sys.executable).with_name("racedesk")
    command = [str(racedesk), "serve", "--store", str(path), "--port", str(port)]
    process = subprocess.Popen([*command, "--log-level", "warning"], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/v1/status", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("racedesk serve did not start")


def parse_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, seconds: int, connections: int) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk: not installed (apt-get install -y wrk); skipped")
        return
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", output)
    print(f"wrk GET /api/v1/college: {connections} connections, {seconds} s, 1 wrk thread")
    print(f"  {rate:,.0f} requests/s (goal >= 2,000)")
    print(
        "  latency p50 {:.2f} ms, p90 {:.2f} ms, p99 {:.2f} ms (goal p99 < 50 ms)".format(
            *(parse_ms(latency[p]) for p in ("50", "90", "99"))
        )
    )
    print(f"  errors: {errors.group(0) if errors else 'none'}")


async def sse_client(
    port: int, arrivals: dict[int, float], ready: asyncio.Event, stop: asyncio.Event
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(
        f"GET /api/v1/events HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    try:
        while not stop.is_set():
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"retry:"):
                ready.set()
            elif line.startswith(b"id: "):
                arrivals[int(line[4:])] = time.monotonic()
    finally:
        writer.close()


async def run_sse(path: Path, port: int, clients: int, updates: int, interval: float) -> None:
    arrivals: list[dict[int, float]] = [{} for _ in range(clients)]
    readies = [asyncio.Event() for _ in range(clients)]
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(sse_client(port, arrivals[i], readies[i], stop)) for i in range(clients)
    ]
    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    print(f"SSE: {clients} clients connected in {time.monotonic() - started:.2f} s")
    sent: dict[int, float] = {}
    with Ledger(path) as ledger:
        at = datetime(2024, 11, 6, 12, tzinfo=UTC)
        for number in range(updates):
            payload = {"cycle": 1000 + number, "share_counted": 0.5, "called": {}, "seconds": 0}
            event = ledger.append("cycle", year=YEAR, at=at + timedelta(minutes=number),
                                  payload=payload)  # fmt: skip
            sent[event.seq] = time.monotonic()
            await asyncio.sleep(interval)
    await asyncio.sleep(2.0)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    delays = [got[seq] - when for got in arrivals for seq, when in sent.items() if seq in got]
    missing = sum(1 for got in arrivals for seq in sent if seq not in got)
    late = sum(1 for d in delays if d > 1.0)
    delays.sort()
    print(f"  {updates} updates x {clients} clients = {updates * clients} deliveries")
    print(f"  missing {missing}, later than 1 s: {late}")
    if delays:
        p99 = delays[min(len(delays) - 1, int(0.99 * len(delays)))]
        print(
            f"  delay from ledger append to client: median {statistics.median(delays) * 1000:.0f}"
            f" ms, p99 {p99 * 1000:.0f} ms, max {delays[-1] * 1000:.0f} ms (goal: all < 1,000 ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; server: racedesk serve (uvicorn, one process)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "night.sqlite"
        build_store(path)
        port = free_port()
        server = start_server(path, port)
        try:
            run_wrk(f"http://{HOST}:{port}/api/v1/college", args.seconds, args.connections)
            asyncio.run(run_sse(path, port, args.clients, args.updates, args.interval))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
