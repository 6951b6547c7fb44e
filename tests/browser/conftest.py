"""Browser fixtures: Debian's chromium (never a downloaded browser), driven by Playwright, and
``racedesk serve`` started as a real process on a free loopback port over a small real night."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from nightkit import NightFixture, build_night

CHROMIUM = os.environ.get("RACEDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "browser-test-token"


@dataclass(frozen=True)
class Served:
    url: str
    night: NightFixture


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Iterator[Served]:
    night = build_night(tmp_path_factory.mktemp("browser") / "night.sqlite", data_dir)
    port = free_port()
    env = {**os.environ, "RACEDESK_WRITE_TOKEN": TOKEN}
    racedesk = Path(sys.executable).with_name("racedesk")  # the console script of this venv
    command = [str(racedesk), "serve", "--store", str(night.path)]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v1/status", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"racedesk serve did not start: {error}")
            time.sleep(0.1)
        yield Served(url=url, night=night)
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"no chromium at {CHROMIUM}: `apt-get install -y chromium` (or set RACEDESK_CHROMIUM)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
