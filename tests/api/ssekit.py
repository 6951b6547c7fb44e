"""Reading a Server-Sent Events stream in tests: one dict per event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx


def sse_events(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """Yield {"id", "event", "data"} per event; comments and retry lines are skipped."""
    fields: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if "data" in fields:
                yield {
                    "id": int(fields["id"]),
                    "event": fields.get("event", "message"),
                    "data": json.loads(fields["data"]),
                }
            fields = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")
