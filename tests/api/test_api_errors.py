"""One JSON error shape for every error: ``{"ok": false, "error": "...", "status": N}``."""

from __future__ import annotations

import httpx
import pytest

from conftest import TOKEN, client_for
from racedesk.api.state import ApiState

pytestmark = pytest.mark.anyio


def assert_error(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    for word in words:
        assert word in body["error"]


async def test_every_kind_of_error_has_the_one_shape(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/v1/nothing-here"), 404, "/api/v1/nothing-here")
    assert_error(await client.get("/api/v1/races/XX"), 404, "unknown race")
    assert_error(await client.get("/api/v1/races/NE-04/units"), 404, "NE-04")
    assert_error(await client.delete("/api/v1/races"), 405, "DELETE")
    assert_error(await client.get("/api/v1/timeline?limit=0"), 422, "limit")
    assert_error(await client.get("/api/v1/timeline?after=x"), 422, "after")
    assert_error(await client.post("/api/v1/calls", content=b"{}"), 401, "Bearer")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert_error(await client.post("/api/v1/calls", content=b"{", headers=auth), 422, "invalid")
    bad_csv = b"at,contest,unit,candidate,mode,votes\nnot-a-time,x,y,dem,total,1\n"
    assert_error(await client.post("/api/v1/results", content=bad_csv, headers=auth), 400)


async def test_an_unexpected_exception_is_a_500_in_the_same_shape(state: ApiState) -> None:
    async with client_for(state) as client:
        app = client._transport.app  # type: ignore[attr-defined]

        @app.get("/boom")
        async def boom() -> None:
            raise RuntimeError("internal detail that must not leak")

        response = await client.get("/boom")
    assert_error(response, 500, "internal error")
    assert "must not leak" not in response.text
