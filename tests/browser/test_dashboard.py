"""The dashboard in a real headless chromium: the map draws every state and district, colours
follow the API, a call pushed through the API recolours its state live (SSE, no reload), the
table sorts, the map works from the keyboard, and the page fits a phone."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from conftest import TOKEN, Served
from racedesk.domain.electoral import race_electors

pytestmark = pytest.mark.browser
DEM_BLUE = "rgb(0, 114, 178)"


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("RACEDESK_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fill_of(page, race: str) -> str:  # type: ignore[no-untyped-def]
    return page.eval_on_selector(f'.shape[data-race="{race}"]', "el => getComputedStyle(el).fill")


def test_map_draws_every_race_and_a_pushed_call_recolours_it(
    browser, served: Served, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served.url + "/")
    page.wait_for_selector("#races-table tbody tr")
    page.wait_for_function("document.querySelector('#connection').dataset.state === 'live'")

    races = race_electors(2024)
    drawn = page.eval_on_selector_all(
        "svg#college-map .shape",
        "els => els.map(e => [e.dataset.race, e.getBBox().width, e.getBBox().height])",
    )
    assert sorted(r for r, _, _ in drawn) == sorted(races)
    assert all(w > 10 and h > 10 for _, w, h in drawn)
    assert page.locator("#races-table tbody tr").count() == len(races)

    api = httpx.get(served.url + "/api/v1/races").json()["races"]
    shown = dict(
        page.eval_on_selector_all(
            "g.tile", "els => els.map(e => [e.dataset.race, e.dataset.display])"
        )
    )
    assert shown == {r["race"]: r["display"] for r in api}
    assert page.inner_text("#called-dem") == str(
        httpx.get(served.url + "/api/v1/college").json()["called"]["dem"]
    )

    target = next(r["race"] for r in api if r["display"] in ("too_early", "not_yet", "too_close"))
    before = fill_of(page, target)
    assert before != DEM_BLUE
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard-before.png"), full_page=True)
    posted = httpx.post(
        served.url + "/api/v1/calls",
        json={"race": target, "winner": "dem", "caller": "browser-test"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert posted.status_code == 201
    page.wait_for_selector(f'g.tile[data-race="{target}"][data-display="called_dem"]', timeout=5000)
    page.wait_for_timeout(2600)  # let the flash animation finish before reading the colour
    assert fill_of(page, target) == DEM_BLUE
    assert f"{target} called for the Democrat" in page.inner_text("#calls-feed")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard-after.png"), full_page=True)
    assert not errors


def test_table_sorts_and_the_map_works_from_the_keyboard(browser, served: Served) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served.url + "/")
    page.wait_for_selector("#races-table tbody tr")
    first = lambda: page.inner_text("#races-table tbody tr:first-child th")  # noqa: E731
    assert first() == "CA"  # by electors, most first
    page.click("button[data-key=race]")
    assert first() == "AK"
    assert page.get_attribute("th:has(button[data-key=race])", "aria-sort") == "ascending"
    page.click("button[data-key=race]")
    assert first() == "WY"

    page.focus("#races-table thead button[data-key=call]")
    page.keyboard.press("Enter")  # a sort header is a real button
    assert page.get_attribute("th:has(button[data-key=call])", "aria-sort") == "descending"

    page.focus('g.tile[data-race="GA"]')
    page.keyboard.press("Enter")
    assert "Georgia" in page.inner_text("#detail")
    page.keyboard.press("Tab")  # the next tile takes focus
    focused = page.evaluate("document.activeElement.dataset.race")
    assert focused and focused != "GA"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").count(":") >= 1


def test_the_page_fits_a_phone(browser, served: Served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(served.url + "/")
    page.wait_for_selector("#races-table tbody tr")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    box = page.locator("svg#college-map").bounding_box()
    assert box is not None and 300 < box["width"] <= 390
    page.screenshot(path=str(screenshot_dir(tmp_path) / "dashboard-phone.png"), full_page=False)


def test_the_callers_panel_shows_who_declared_the_presidency(browser, served: Served) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(served.url + "/")
    page.wait_for_selector('#callers-list li[data-caller="AP"]', timeout=10000)
    assert "declared for the Republican" in page.inner_text("#callers-president")
    listed = page.eval_on_selector_all("#callers-list li", "els => els.map(e => e.dataset.caller)")
    assert {"AP", "Fox News"} <= set(listed)
