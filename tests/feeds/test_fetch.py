"""Polling with httpx.MockTransport: conditional requests, back-off, bad answers, no network."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from racedesk.errors import FeedUnavailable
from racedesk.feeds.fetch import Poller, poll, redact

URL = "https://results.example/v2/elections/2024-11-05?apiKey=SECRET&level=ru"
T0 = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)


def test_conditional_requests_and_backoff_never_stop_the_loop() -> None:
    seen: list[dict[str, str]] = []
    answers = iter(["ok-1", "same", "500", "hang", "html", "ok-2", "same"])

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        answer = next(answers)
        if answer == "500":
            return httpx.Response(500, text="Internal Server Error")
        if answer == "hang":
            raise httpx.ReadTimeout("timed out", request=request)
        if answer == "html":
            return httpx.Response(
                200,
                text="<!DOCTYPE html><title>Login</title>",
                headers={"content-type": "text/html"},
            )
        if answer == "same" and request.headers.get("if-none-match"):
            return httpx.Response(304)
        tag = '"v1"' if answer == "ok-1" else '"v2"'
        return httpx.Response(
            200,
            content=b'{"races": []}',
            headers={
                "etag": tag,
                "last-modified": "Wed, 06 Nov 2024 01:00:00 GMT",
                "content-type": "application/json",
            },
        )

    waits: list[float] = []
    errors: list[FeedUnavailable] = []
    got = list(
        poll(
            URL,
            interval=2.0,
            transport=httpx.MockTransport(handler),
            max_polls=7,
            sleep=waits.append,
            on_error=errors.append,
            clock=lambda: T0,
        )
    )
    assert [f.etag for f in got] == ['"v1"', '"v2"']
    assert got[0].data == b'{"races": []}' and got[0].fetched_at == T0
    assert "SECRET" not in got[0].url and "apiKey=***" in got[0].url
    assert seen[1]["if-none-match"] == '"v1"'
    assert seen[1]["if-modified-since"] == "Wed, 06 Nov 2024 01:00:00 GMT"
    assert "if-none-match" not in seen[0]
    assert [str(e).split(": ", 1)[1][:20] for e in errors] == [
        "answered HTTP 500; w",
        "no answer within 10 ",
        "answered an HTML pag",
    ]
    assert all("SECRET" not in str(e) for e in errors)
    # interval, interval (304), then doubling while failing, reset after the success
    assert waits == [2.0, 2.0, 4.0, 8.0, 16.0, 2.0]


def test_backoff_is_capped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    waits: list[float] = []
    errors: list[FeedUnavailable] = []
    assert not list(
        poll(
            URL,
            interval=30,
            max_interval=100,
            max_polls=5,
            sleep=waits.append,
            transport=httpx.MockTransport(handler),
            on_error=errors.append,
        )
    )
    assert waits == [60, 100, 100, 100]
    assert "ConnectError" in str(errors[0])


def test_oversized_and_empty_bodies_are_unavailable() -> None:
    big = httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 5000))
    with pytest.raises(FeedUnavailable, match="over 1000 bytes"):
        Poller(URL, transport=big, max_bytes=1000).fetch()
    empty = httpx.MockTransport(lambda r: httpx.Response(200, content=b" \n"))
    with pytest.raises(FeedUnavailable, match="empty body"):
        Poller(URL, transport=empty).fetch()


def test_redact() -> None:
    assert redact("https://h/p?a=1&api_key=k&token=t") == "https://h/p?a=1&api_key=***&token=***"
    assert redact("https://h/p") == "https://h/p"
