"""The Electoral College map: one SVG, one shape per race, laid out as a tile grid.

Every state and DC is a square at its (column, row) in a 12 × 8 grid that keeps neighbours
roughly where they are on a map. Maine's and Nebraska's at-large races are their state's square;
their congressional districts (ME-01, ME-02, NE-01, NE-02, NE-03) are circles in a row beneath
the grid, each its own shape. Each shape carries ``data-race`` (the race key the API uses) and
is focusable, so the map works from the keyboard; the dashboard colours shapes by setting
``data-display`` on their group.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from racedesk.domain.ids import STATE_NAMES

TILE = 48
GAP = 4
STEP = TILE + GAP
COLUMNS = 12
ROWS = 8

GRID: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (11, 0),
    "WI": (6, 1), "VT": (10, 1), "NH": (11, 1),
    "WA": (1, 2), "ID": (2, 2), "MT": (3, 2), "ND": (4, 2), "MN": (5, 2), "IL": (6, 2),
    "MI": (7, 2), "NY": (9, 2), "MA": (10, 2),
    "OR": (1, 3), "NV": (2, 3), "WY": (3, 3), "SD": (4, 3), "IA": (5, 3), "IN": (6, 3),
    "OH": (7, 3), "PA": (8, 3), "NJ": (9, 3), "CT": (10, 3), "RI": (11, 3),
    "CA": (1, 4), "UT": (2, 4), "CO": (3, 4), "NE": (4, 4), "MO": (5, 4), "KY": (6, 4),
    "WV": (7, 4), "VA": (8, 4), "MD": (9, 4), "DE": (10, 4),
    "AZ": (2, 5), "NM": (3, 5), "KS": (4, 5), "AR": (5, 5), "TN": (6, 5), "NC": (7, 5),
    "SC": (8, 5), "DC": (9, 5),
    "OK": (4, 6), "LA": (5, 6), "MS": (6, 6), "AL": (7, 6), "GA": (8, 6),
    "HI": (0, 7), "TX": (4, 7), "FL": (9, 7),
}  # fmt: skip

# District circles, in the row beneath the grid (column positions; row 8.5).
DISTRICTS: dict[str, float] = {
    "NE-01": 2.5,
    "NE-02": 3.5,
    "NE-03": 4.5,
    "ME-01": 9.5,
    "ME-02": 10.5,
}
DISTRICT_ROW = 8.6
HEIGHT = int((DISTRICT_ROW + 1) * STEP)
WIDTH = COLUMNS * STEP


def race_name(race: str) -> str:
    state = STATE_NAMES.get(race[:2], race[:2])
    if "-" in race:
        return f"{state} district {int(race[3:])}"
    if race in ("ME", "NE"):
        return f"{state} at large"
    return state


def short_label(race: str) -> str:
    return f"{race[:2]}{int(race[3:])}" if "-" in race else race


def _tile(race: str, electors: int, shape: str, cx: float, cy: float) -> str:
    label = escape(f"{race_name(race)} ({race}), {electors} electors")
    return (
        f'<g class="tile" data-race="{race}" data-display="not_yet" tabindex="0" '
        f'role="button" data-name="{label}" aria-label="{label}">'
        f"<title>{label}</title>{shape}"
        f'<text class="code" x="{cx:g}" y="{cy - 3:g}">{short_label(race)}</text>'
        f'<text class="ev" x="{cx:g}" y="{cy + 12:g}">{electors}</text></g>'
    )


def map_svg(electors: Mapping[str, int]) -> str:
    """The map for a year's races (``race_electors(year)``): every race drawn exactly once."""
    missing = [race for race in electors if race not in GRID and race not in DISTRICTS]
    if missing:
        raise ValueError(f"map: no place for race(s) {', '.join(sorted(missing))}")
    parts = [
        f'<svg id="college-map" class="map" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        'aria-label="Electoral College map: one shape per state, DC and district" '
        'xmlns="http://www.w3.org/2000/svg">',
        "<defs>",
        _hatch("lean-dem", "var(--dem)"),
        _hatch("lean-gop", "var(--gop)"),
        "</defs>",
    ]
    for race in sorted(electors):
        if race in GRID:
            col, row = GRID[race]
            x, y = col * STEP + GAP / 2, row * STEP + GAP / 2
            shape = (
                f'<rect class="shape" data-race="{race}" x="{x:g}" y="{y:g}" '
                f'width="{TILE}" height="{TILE}" rx="4"/>'
            )
            parts.append(_tile(race, electors[race], shape, x + TILE / 2, y + TILE / 2))
        else:
            cx, cy = DISTRICTS[race] * STEP, DISTRICT_ROW * STEP
            shape = f'<circle class="shape" data-race="{race}" cx="{cx:g}" cy="{cy:g}" r="21"/>'
            parts.append(_tile(race, electors[race], shape, cx, cy))
    caption_y = DISTRICT_ROW * STEP - 28
    parts.append(
        f'<text class="caption" x="{3.5 * STEP:g}" y="{caption_y:g}">Nebraska districts</text>'
        f'<text class="caption" x="{10 * STEP:g}" y="{caption_y:g}">Maine districts</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _hatch(name: str, colour: str) -> str:
    """Diagonal stripes: a leaning race differs from a called one by pattern, not only hue."""
    return (
        f'<pattern id="{name}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)">'
        '<rect width="8" height="8" style="fill:var(--lean-bg)"/>'
        f'<rect width="4" height="8" style="fill:{colour}"/></pattern>'
    )
