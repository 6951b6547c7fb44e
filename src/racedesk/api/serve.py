"""Running the app: uvicorn in the foreground (``racedesk serve``) or in a background thread
(tests, benchmarks, and ``serve_night``: a replayed night pushed live to the dashboard).

``serve_night`` is what ``racedesk demo --serve`` calls: it serves the desk's store file while
``run_night`` plays the stream through the desk, publishing every cycle to the app, so browsers
on the dashboard watch the night unfold; then it keeps serving until interrupted.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Self

import uvicorn
from fastapi import FastAPI

from racedesk.api.app import create_app
from racedesk.api.state import ApiState
from racedesk.backtest.night import NightRun, run_night
from racedesk.desk import Cycle, Desk
from racedesk.domain.contests import Party
from racedesk.errors import ConfigError
from racedesk.feeds.batch import CountBatch
from racedesk.settings import Settings

GRACEFUL_SECONDS = 2  # open event streams are closed after this on shutdown


def server_config(app: FastAPI, *, host: str, port: int, log_level: str = "info") -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        lifespan="on",
    )


def serve(app: FastAPI, *, host: str, port: int, log_level: str = "info") -> None:
    """Serve in the foreground until Ctrl-C."""
    # Everything loaded so far (modules, data tables, the app) lives as long as the process:
    # frozen, the collector stops rescanning it, which took 100+ ms pauses under load.
    gc.freeze()
    uvicorn.Server(server_config(app, host=host, port=port, log_level=log_level)).run()


class BackgroundServer:
    """uvicorn in a daemon thread; ``url`` once started. Use as a context manager."""

    def __init__(self, app: FastAPI, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.server = uvicorn.Server(server_config(app, host=host, port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, name="racedesk-http", daemon=True)
        self.host = host
        self.port = port

    def start(self, timeout: float = 20.0) -> Self:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise ConfigError(f"the HTTP server did not start on {self.host}:{self.port}")
            time.sleep(0.02)
        sockets = [s for server in self.server.servers for s in server.sockets]
        self.port = int(sockets[0].getsockname()[1])
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """End open event streams cleanly (after the events still due), then shut down."""
        broadcaster = getattr(self.app.state, "broadcaster", None)
        if broadcaster is not None and self.thread.is_alive():
            broadcaster.finish()
        self.server.should_exit = True
        self.thread.join(timeout=GRACEFUL_SECONDS + 10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def serve_night(
    desk: Desk,
    batches: Iterable[CountBatch],
    *,
    store_path: str | Path,
    final_winners: dict[str, Party],
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    pace: float = 0.5,
    keep_serving: bool = True,
    on_cycle: Callable[[Cycle], None] | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> NightRun:
    """Serve ``store_path`` (the desk's store file) while ``run_night`` plays ``batches``.

    Each cycle is published to the app and takes at least ``pace`` seconds of wall time, so the
    dashboard animates. ``on_ready(url)`` is called once the server listens; with
    ``keep_serving`` the server stays up after the night until Ctrl-C.
    """
    if str(store_path) == ":memory:":
        raise ConfigError("serving a night needs a store file, not :memory:")
    state = ApiState(store_path, year=desk.setup.year, live=True)
    app = create_app(state, settings=settings)
    server = BackgroundServer(app, host=host, port=port).start()
    if on_ready is not None:
        on_ready(server.url)
    last = time.monotonic()

    def publish(cycle: Cycle) -> None:
        nonlocal last
        state.publish(cycle)
        if on_cycle is not None:
            on_cycle(cycle)
        wait = pace - (time.monotonic() - last)
        if wait > 0:
            time.sleep(wait)
        last = time.monotonic()

    try:
        run = run_night(desk, batches, final_winners=final_winners, on_cycle=publish)
        if keep_serving:
            try:
                while server.thread.is_alive():
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass  # Ctrl-C ends the serving, not the night's result
        return run
    finally:
        server.stop()
        state.close()
