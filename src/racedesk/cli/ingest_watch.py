"""Reading a URL for ``racedesk ingest``: one fetch, or ``--watch`` polling until Ctrl-C.

Without ``--watch`` a URL that hangs, answers an error or an HTML page is one ``FeedUnavailable``
naming the (redacted) URL, and the command exits 1. With ``--watch`` every failure is reported on
stderr and polling goes on, backing off (``feeds.fetch.poll``); a payload that does not parse is
reported and the next one is read. Every new payload is recorded first (``--record``), so the
night can be replayed byte for byte, bad payloads included.

Tests reach the network layer through ``NetworkHooks``, handed to the command as click's context
object (``CliRunner().invoke(cli, args, obj=NetworkHooks(transport=httpx.MockTransport(...)))``):
no global patching of httpx, no network.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from traceback import format_exc
from urllib.parse import urlsplit

import httpx

from racedesk.cli.ingest_run import FetchTally, IngestRun
from racedesk.errors import ConfigError, FeedUnavailable
from racedesk.feeds.fetch import Fetched, Poller, poll
from racedesk.feeds.recorder import Recorder

_RETRY = "; will retry"
AP_KEY_VARIABLE = "AP_API_KEY"


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkHooks:
    """The transport and the sleep the URL readers use (tests swap in fakes)."""

    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep


def request_headers(url: str, header_flags: tuple[str, ...]) -> dict[str, str]:
    """``--header 'Name: value'`` flags, plus the AP key from ``$AP_API_KEY`` for AP hosts
    (sent as the ``x-api-key`` header, never put in the URL)."""
    headers: dict[str, str] = {}
    for flag in header_flags:
        name, colon, value = flag.partition(":")
        if not colon or not name.strip():
            raise ConfigError(f"--header {flag!r}: write it as 'Name: value'")
        headers[name.strip()] = value.strip()
    host = (urlsplit(url).hostname or "").lower()
    key = os.environ.get(AP_KEY_VARIABLE, "")
    if key and (host == "ap.org" or host.endswith(".ap.org")):
        headers.setdefault("x-api-key", key)
    return headers


def _store(run: IngestRun, fetched: Fetched, recorder: Recorder | None) -> None:
    if recorder is not None:
        recorder.record(
            fetched.data,
            source=fetched.url,
            fetched_at=fetched.fetched_at,
            content_type=fetched.content_type,
        )
    run.ingest(io.BytesIO(fetched.data), name=fetched.url, fetched_at=fetched.fetched_at)


def fetch_once(
    run: IngestRun,
    url: str,
    *,
    hooks: NetworkHooks,
    headers: Mapping[str, str],
    timeout: float,
    recorder: Recorder | None,
    fetch: FetchTally,
) -> None:
    """One GET; any failure is one error naming the URL."""
    poller = Poller(url, transport=hooks.transport, timeout=timeout, headers=headers)
    try:
        fetched = poller.fetch()
    except FeedUnavailable as error:
        fetch.errors += 1
        raise FeedUnavailable(error.reason.removesuffix(_RETRY), source=error.source) from None
    finally:
        poller.close()
    if fetched is None:  # only a server that ignores HTTP could answer 304 to a plain GET
        raise FeedUnavailable("answered 304 Not Modified to a first request", source=poller.shown)
    fetch.fetched += 1
    _store(run, fetched, recorder)


def watch(
    run: IngestRun,
    url: str,
    *,
    interval: float,
    max_polls: int | None,
    hooks: NetworkHooks,
    headers: Mapping[str, str],
    timeout: float,
    recorder: Recorder | None,
    fetch: FetchTally,
) -> None:
    """Poll until Ctrl-C (or ``max_polls`` requests); nothing but Ctrl-C stops the loop."""

    def on_error(error: FeedUnavailable) -> None:
        fetch.errors += 1
        run.echo(f"racedesk: unavailable: {error}")

    try:
        for fetched in poll(
            url,
            interval=interval,
            transport=hooks.transport,
            timeout=timeout,
            max_interval=max(300.0, interval),
            headers=headers,
            max_polls=max_polls,
            on_error=on_error,
            sleep=hooks.sleep,
        ):
            fetch.fetched += 1
            try:
                _store(run, fetched, recorder)
            except Exception:  # a bug or a full disk must not end the night: report, go on
                run.tally.rejected_payloads += 1
                run.echo(f"racedesk: failed on a payload of {fetched.url}:\n{format_exc()}")
    except KeyboardInterrupt:
        fetch.interrupted = True
        run.echo("racedesk: stopped (Ctrl-C); every payload stored so far is whole")
