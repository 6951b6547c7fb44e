"""API fixtures: one small real night built once, apps over it, an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from nightkit import YEAR, NightFixture, build_night, copy_store
from racedesk.api.app import create_app
from racedesk.api.state import ApiState
from racedesk.settings import Settings

TOKEN = "s3cret-token"


@pytest.fixture(scope="session")
def night(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> NightFixture:
    return build_night(tmp_path_factory.mktemp("night") / "night.sqlite", data_dir)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store_copy(night: NightFixture, tmp_path: Path) -> Path:
    return copy_store(night.path, tmp_path / "copy.sqlite")


@pytest.fixture
def state(store_copy: Path) -> Iterator[ApiState]:
    state = ApiState(store_copy, year=YEAR)
    yield state
    state.close()


def client_for(state: ApiState, token: str = TOKEN, **kwargs: object) -> httpx.AsyncClient:
    app = create_app(state, settings=Settings(write_token=token), **kwargs)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://racedesk.test")


@pytest.fixture
async def client(state: ApiState) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(state) as client:
        yield client
