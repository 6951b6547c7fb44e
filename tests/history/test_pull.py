"""``racedesk data pull`` over a local transport: never the network."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from racedesk.cli import cli
from racedesk.errors import FeedUnavailable
from racedesk.history.pull import MANIFEST, pull
from racedesk.settings import resolve_data_dir


def _serve(data_dir: Path, seen: list[str]) -> httpx.MockTransport:
    """Answer each manifest URL with the bytes of the matching file in the real data folder."""
    by_url = {item.url: item.path for item in MANIFEST if item.url}

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        seen.append(url)
        path = by_url.get(url) or url.split("/mirror/", 1)[-1]
        file = data_dir / path
        if not file.exists():
            return httpx.Response(404)
        return httpx.Response(200, content=file.read_bytes())

    return httpx.MockTransport(handler)


def test_pull_fetches_published_files_byte_for_byte(data_dir: Path, tmp_path: Path) -> None:
    seen: list[str] = []
    report = pull(tmp_path, transport=_serve(data_dir, seen))
    published = [item.path for item in MANIFEST if item.url]
    assert sorted(report.fetched) == sorted(published)
    assert all(url.startswith("https://raw.githubusercontent.com/") for url in seen)
    for path in report.fetched:
        assert (tmp_path / path).read_bytes() == (data_dir / path).read_bytes()
    assert "results/state_presidential_totals_2012_2024.csv" in report.unavailable
    # the pulled folder is found through the data path
    assert resolve_data_dir(str(tmp_path), environ={}) == tmp_path.resolve()
    # a second pull keeps what is there
    again = pull(tmp_path, transport=_serve(data_dir, []))
    assert again.fetched == () and len(again.skipped) == len(published)


def test_pull_from_mirror_gets_everything(data_dir: Path, tmp_path: Path) -> None:
    report = pull(tmp_path, mirror="https://example.test/mirror", transport=_serve(data_dir, []))
    assert report.unavailable == ()
    assert len(report.fetched) == len(MANIFEST)


def test_http_error_names_the_url_and_keeps_nothing_partial(tmp_path: Path) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    with pytest.raises(FeedUnavailable, match="HTTP 500") as info:
        pull(tmp_path, transport=transport)
    assert info.value.source.startswith("https://")
    assert not list(tmp_path.rglob("*.part"))


def test_data_where_cli(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["data", "where", "--data", str(data_dir)])
    assert result.exit_code == 0
    assert result.output.strip() == str(data_dir)
