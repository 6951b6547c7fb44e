"""The dashboard page: one HTML template with the map's SVG inlined, plus static JS and CSS.

No build step: ``static/app.js`` is plain JavaScript that reads the JSON API and the event
stream; ``static/style.css`` holds the colour-blind-safe palette (Okabe–Ito blue and vermillion,
stripes for a lean, yellow for too close).
"""

from __future__ import annotations

from pathlib import Path
from string import Template

from racedesk.domain.electoral import race_electors
from racedesk.web.tiles import map_svg

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATE = HERE / "templates" / "index.html"


def dashboard_html(year: int) -> str:
    """The page for ``year``: its map drawn, everything else filled in by ``app.js``."""
    template = Template(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(year=year, map=map_svg(race_electors(year)))
