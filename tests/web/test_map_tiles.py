"""The map draws every race of every year exactly once, each shape named by its race key."""

from __future__ import annotations

import re

import pytest

from racedesk.domain.electoral import race_electors
from racedesk.web.page import dashboard_html
from racedesk.web.tiles import DISTRICTS, GRID, map_svg


@pytest.mark.parametrize("year", [1992, 2008, 2020, 2024, 2028])
def test_every_race_has_exactly_one_shape(year: int) -> None:
    svg = map_svg(race_electors(year))
    shapes = re.findall(r'class="shape" data-race="([A-Z]{2}(?:-\d\d)?)"', svg)
    assert sorted(shapes) == sorted(race_electors(year))
    assert len(shapes) == 56  # 50 states, DC, ME-01, ME-02, NE-01, NE-02, NE-03
    groups = re.findall(r'<g class="tile" data-race="([^"]+)"[^>]*tabindex="0"', svg)
    assert sorted(groups) == sorted(shapes)


def test_no_two_tiles_share_a_cell() -> None:
    assert len(set(GRID.values())) == len(GRID) == 51
    assert sorted(DISTRICTS) == ["ME-01", "ME-02", "NE-01", "NE-02", "NE-03"]


def test_an_unplaced_race_is_refused() -> None:
    with pytest.raises(ValueError, match="XX"):
        map_svg({"XX": 3})


def test_the_page_inlines_the_map_for_its_year() -> None:
    page = dashboard_html(2024)
    assert 'data-year="2024"' in page
    assert page.count('class="shape"') == 56
    assert "$" not in page.replace("$ ", "")  # every template field filled
