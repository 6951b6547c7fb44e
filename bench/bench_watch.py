"""Watched-feed latency: from the server sending a new payload to its counts committed in the store.

Starts an HTTP server on 127.0.0.1 that answers each request with a new national AP payload
(every 2020 county in the data folder, five candidates, the state units; counts grow and the
``lastUpdated`` moves on each version), runs the real command
``racedesk ingest URL --watch INTERVAL --max-polls N`` in a subprocess, then reads the store:
for each version, ``ingested_at`` of its counts (stamped when the store's write begins) minus
the moment the server began sending it; and the command's own ``latency_max_seconds``, from the
body fully fetched to the transaction committed. Goal: under one second.

    python3 -m uv run python bench/bench_watch.py --polls 10 --interval 1
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from racedesk.domain.ids import FIPS_STATE
from racedesk.settings import resolve_data_dir
from racedesk.store import columns as col
from racedesk.store.sqlite import SQLiteStore

T0 = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)
CANDIDATES = (
    ("Harris", "Dem", "64984"),
    ("Trump", "GOP", "8639"),
    ("Stein", "Grn", "895"),
    ("Oliver", "Lib", "31708"),
    ("West", "Ind", "1000"),
)


def counties() -> dict[str, list[str]]:
    """County FIPS codes by state postal code, from the 2020 county results."""
    path = resolve_data_dir() / "results" / "2020_US_County_Level_Presidential_Results.csv"
    by_state: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fips = row["county_fips"].zfill(5)
            if fips[:2] in FIPS_STATE and fips[:2] != "02":  # Alaska's codes are districts
                by_state.setdefault(FIPS_STATE[fips[:2]], []).append(fips)
    return by_state


def payload(version: int, by_state: dict[str, list[str]]) -> bytes:
    at = (T0 + timedelta(minutes=version)).isoformat().replace("+00:00", "Z")
    races = []
    for number, (state, fips_codes) in enumerate(sorted(by_state.items())):
        units = [{"statePostal": state, "level": "state", "lastUpdated": at, "candidates": []}]
        for i, fips in enumerate(fips_codes):
            units.append(
                {
                    "statePostal": state,
                    "reportingunitID": str(10000 + i),
                    "level": "subunit",
                    "reportingunitName": fips,
                    "fipsCode": fips,
                    "lastUpdated": at,
                    "candidates": [
                        {
                            "last": last,
                            "party": party,
                            "polID": pol,
                            "candidateID": pol,
                            "voteCount": (version + 1) * (100 + 7 * i + 13 * k),
                        }
                        for k, (last, party, pol) in enumerate(CANDIDATES)
                    ],
                }
            )
        state_totals = [
            sum(u["candidates"][k]["voteCount"] for u in units[1:])  # type: ignore[index]
            for k in range(len(CANDIDATES))
        ]
        units[0]["candidates"] = [
            {"last": last, "party": party, "polID": pol, "candidateID": pol, "voteCount": votes}
            for (last, party, pol), votes in zip(CANDIDATES, state_totals, strict=True)
        ]
        races.append(
            {
                "test": False,
                "raceID": str(number),
                "raceType": "General",
                "raceTypeID": "G",
                "officeID": "P",
                "officeName": "President",
                "national": True,
                "reportingUnits": units,
            }
        )
    return json.dumps({"electionDate": "2024-11-05", "timestamp": at, "races": races}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=10)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    by_state = counties()
    bodies = [payload(v, by_state) for v in range(args.polls)]
    sent: dict[int, datetime] = {}
    counter = iter(range(args.polls))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            version = next(counter)
            body = bodies[version]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", f'"{version}"')
            self.end_headers()
            sent[version] = datetime.now(UTC)
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v2/elections/2024-11-05"
    with tempfile.TemporaryDirectory() as folder:
        store_path = Path(folder) / "watch.sqlite"
        command = [
            sys.executable,
            "-c",
            "from racedesk.cli import main; main()",
            "ingest",
            url,
            "--store",
            str(store_path),
            "--watch",
            str(args.interval),
            "--max-polls",
            str(args.polls),
            "--json",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        server.shutdown()
        server.server_close()
        summary = json.loads(done.stdout)
        with SQLiteStore(store_path) as store:
            frame = store.history("06037")  # Los Angeles
        arrived = dict(zip(frame[col.AT], frame[col.INGESTED_AT], strict=True))
    latencies = []
    for version, moment in sorted(sent.items()):
        stored = arrived[T0 + timedelta(minutes=version)].to_pydatetime()
        latencies.append((stored - moment).total_seconds())
    size = len(bodies[0]) / 1e6
    counts = summary["updates"] // max(summary["payloads"], 1)
    print(
        f"payload: {size:.1f} MB, {counts:,} counts, {len(by_state)} states; "
        f"{summary['payloads']} payloads, every {args.interval:g} s"
    )
    print(
        "server sent -> store write (ingested_at), s: " + ", ".join(f"{s:.3f}" for s in latencies)
    )
    print(
        f"median {statistics.median(latencies):.3f} s, max {max(latencies):.3f} s "
        f"(goal < 1 s); fetched -> committed, max "
        f"{summary['latency_max_seconds']:.3f} s"
    )


if __name__ == "__main__":
    main()
