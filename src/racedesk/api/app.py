"""``create_app``: the ASGI app, JSON API under ``/api/v1`` and the dashboard at ``/``.

No module-level app and no global store: the caller builds an ``ApiState`` (a store file, a
year, ``live=True`` when a desk in the same process publishes its cycles) and owns it::

    state = ApiState("night.sqlite", year=2024)
    app = create_app(state, settings=Settings.from_env())
    ...                       # serve app with uvicorn; desk.on_cycle = state.publish
    state.close()

The lifespan starts the event-stream broadcaster and stops it (closing every open stream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from racedesk.api import routes, writes
from racedesk.api.errors import install_error_handlers
from racedesk.api.live import Broadcaster
from racedesk.api.state import ApiState
from racedesk.settings import Settings
from racedesk.web.page import STATIC_DIR, dashboard_html


def _version() -> str:
    try:
        return version("racedesk")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def create_app(
    state: ApiState, *, settings: Settings, max_body: int = writes.DEFAULT_MAX_BODY
) -> FastAPI:
    """The app serving ``state``; writes need ``settings.write_token`` (empty: disabled)."""
    broadcaster = Broadcaster(state)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await broadcaster.start()
        try:
            yield
        finally:
            await broadcaster.stop()

    app = FastAPI(
        title="racedesk",
        version=_version(),
        summary="Election-night decision desk: races, calls, the Electoral College, live.",
        docs_url=None,  # the interactive docs load scripts from a CDN; docs/api.md instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.racedesk = state
    app.state.settings = settings
    app.state.broadcaster = broadcaster
    app.state.max_body = max_body
    install_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(writes.router)
    page = dashboard_html(state.year)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard() -> HTMLResponse:
        return HTMLResponse(page)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
