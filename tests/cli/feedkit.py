"""Test helpers for feed ingest: a small AP payload and an HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HARRIS, TRUMP = "ap-64984", "ap-8639"


def ap_payload(
    dem: int,
    gop: int,
    *,
    at: str = "2024-11-06T02:00:00Z",
    winner: str | None = None,
    county: tuple[int, int] = (100, 90),
    test: bool = False,
) -> bytes:
    """AP v2 JSON for Pennsylvania's 2024 presidential race: the state and Allegheny (42003)."""

    def candidates(dem_votes: int, gop_votes: int, flag: str | None) -> list[dict[str, object]]:
        return [
            {
                "first": "Kamala",
                "last": "Harris",
                "party": "Dem",
                "candidateID": "1",
                "polID": "64984",
                "voteCount": dem_votes,
                **({"winner": "X"} if flag == "dem" else {}),
            },
            {
                "first": "Donald",
                "last": "Trump",
                "party": "GOP",
                "candidateID": "2",
                "polID": "8639",
                "voteCount": gop_votes,
                **({"winner": "X"} if flag == "gop" else {}),
            },
        ]

    race = {
        "test": test,
        "raceID": "39000",
        "raceType": "General",
        "raceTypeID": "G",
        "officeID": "P",
        "officeName": "President",
        "national": True,
        "reportingUnits": [
            {
                "statePostal": "PA",
                "stateName": "Pennsylvania",
                "level": "state",
                "lastUpdated": at,
                "candidates": candidates(dem, gop, winner),
            },
            {
                "statePostal": "PA",
                "reportingunitName": "Allegheny",
                "reportingunitID": "6020",
                "level": "subunit",
                "fipsCode": "42003",
                "lastUpdated": at,
                "candidates": candidates(*county, None),
            },
        ],
    }
    doc = {"electionDate": "2024-11-05", "timestamp": at, "races": [race]}
    return json.dumps(doc).encode()


@dataclass
class Served:
    """What the local server answered: (version, UTC time just before the body was sent)."""

    times: list[tuple[int, datetime]] = field(default_factory=list)


@contextmanager
def local_server(body_for: Callable[[int], bytes]) -> Iterator[tuple[str, Served]]:
    """An HTTP server on 127.0.0.1: request n (from 0) gets ``body_for(n)`` with ETag ``"n"``;
    a request naming the current ETag gets a 304."""
    served = Served()
    lock = threading.Lock()
    counter = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                version = counter[0]
                counter[0] += 1
            if self.headers.get("If-None-Match") == f'"{version}"':
                self.send_response(304)
                self.end_headers()
                return
            body = body_for(version)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", f'"{version}"')
            self.end_headers()
            served.times.append((version, datetime.now(UTC)))  # before the body can arrive
            self.wfile.write(body)
            self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/results.json", served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
