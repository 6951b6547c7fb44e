"""Every route in the OpenAPI spec is documented in docs/api.md."""

from __future__ import annotations

from pathlib import Path

from racedesk.api.app import create_app
from racedesk.api.state import ApiState
from racedesk.settings import Settings

DOC = Path(__file__).parents[2] / "docs" / "api.md"


def test_every_route_is_in_docs_api_md(tmp_path: Path) -> None:
    state = ApiState(tmp_path / "empty.sqlite", year=2024)
    app = create_app(state, settings=Settings())
    text = DOC.read_text(encoding="utf-8")
    routes = [
        f"{method.upper()} {path}"
        for path, item in app.openapi()["paths"].items()
        for method in item
    ]
    assert len(routes) == 12
    for route in routes:
        assert f"`{route}`" in text, f"{route} is not documented in docs/api.md"
    state.close()
