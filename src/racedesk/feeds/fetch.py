"""Polling a results URL with httpx: conditional requests, timeouts, back-off, never giving up.

``poll(url, interval=30)`` yields each *new* payload (a ``Fetched``): it sends the last ETag
(``If-None-Match``) and Last-Modified (``If-Modified-Since``) so an unchanged feed costs a 304.
A failure (timeout, connection error, 4xx/5xx, an HTML page instead of data, an oversized body)
becomes a ``FeedUnavailable`` handed to ``on_error`` and the next try waits twice as long, up to
``max_interval``; the first success resets the wait. Parsing is the caller's job, so one bad
payload never stops the loop either.

Tests pass ``transport=httpx.MockTransport(handler)`` and ``sleep=`` a fake: no network, no wait.
Keys belong in headers (AP: ``x-api-key``), and ``redact`` strips key-like query parameters from
any URL that is logged or recorded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from racedesk.errors import FeedUnavailable

log = logging.getLogger(__name__)
MAX_BYTES = 1 << 31  # 2 GiB: larger is not a results feed
_SECRET_PARAMS = frozenset({"apikey", "api_key", "key", "token", "access_token", "x-api-key"})


def redact(url: str) -> str:
    """The URL with key-like query parameters replaced by ``***``."""
    parts = urlsplit(url)
    query = [(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    url: str  # redacted
    data: bytes
    fetched_at: datetime  # UTC, when the body was complete
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


class Poller:
    """One URL, with the validators of its last good answer."""

    def __init__(
        self,
        url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        headers: Mapping[str, str] | None = None,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.url = url
        self.shown = redact(url)
        self.client = httpx.Client(
            transport=transport, timeout=timeout, headers=dict(headers or {}), follow_redirects=True
        )
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.clock = clock
        self.etag: str | None = None
        self.last_modified: str | None = None

    def close(self) -> None:
        self.client.close()

    def fail(self, message: str) -> FeedUnavailable:
        return FeedUnavailable(message, source=self.shown)

    def fetch(self) -> Fetched | None:
        """One conditional GET: the new payload, or None when the server says 304."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        try:
            with self.client.stream("GET", self.url, headers=headers) as response:
                if response.status_code == 304:
                    return None
                if response.status_code >= 400:
                    raise self.fail(f"answered HTTP {response.status_code}; will retry")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise self.fail(f"body over {self.max_bytes} bytes; not a results feed")
                    chunks.append(chunk)
                data = b"".join(chunks)
                content_type = response.headers.get("content-type", "")
                etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
        except httpx.TimeoutException:
            raise self.fail(f"no answer within {self.timeout:g} s; will retry") from None
        except httpx.HTTPError as err:
            raise self.fail(f"request failed ({type(err).__name__}: {err}); will retry") from None
        head = data[:512].lstrip().lower()
        if "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html")):
            raise self.fail("answered an HTML page, not a feed (login, error or maintenance page?)")
        if not data.strip():
            raise self.fail("answered an empty body")
        self.etag, self.last_modified = etag, modified
        return Fetched(
            url=self.shown,
            data=data,
            fetched_at=self.clock(),
            content_type=content_type,
            etag=etag,
            last_modified=modified,
        )


def _log_error(error: FeedUnavailable) -> None:
    log.warning("%s", error)


def poll(
    url: str,
    *,
    interval: float,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 10.0,
    max_interval: float = 300.0,
    headers: Mapping[str, str] | None = None,
    max_polls: int | None = None,
    on_error: Callable[[FeedUnavailable], None] = _log_error,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Iterator[Fetched]:
    """Yield each new payload of ``url``, polling every ``interval`` seconds, forever (or for
    ``max_polls`` requests). Errors go to ``on_error``; the wait doubles after each, up to
    ``max_interval``, and resets after a success."""
    if interval <= 0:
        raise ValueError("interval must be positive")
    poller = Poller(url, transport=transport, timeout=timeout, headers=headers, clock=clock)
    failures = 0
    polls = 0
    try:
        while max_polls is None or polls < max_polls:
            polls += 1
            try:
                fetched = poller.fetch()
            except FeedUnavailable as error:
                failures += 1
                on_error(error)
            else:
                failures = 0
                if fetched is not None:
                    yield fetched
            if max_polls is not None and polls >= max_polls:
                break
            sleep(min(max_interval, interval * 2**failures) if failures else interval)
    finally:
        poller.close()
