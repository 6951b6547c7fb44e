"""Feed fixtures: the real sample files (read from the data folder, never copied) and the
three hand-made examples that describe one contest."""

from __future__ import annotations

from pathlib import Path

from racedesk.settings import resolve_data_dir

EXAMPLES = resolve_data_dir().parent / "docs" / "examples"
FEEDS = resolve_data_dir() / "feeds"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Every sample file and the adapter that must detect it.
SAMPLES: dict[Path, str] = {
    **{p: "ap" for p in sorted((FEEDS / "ap_elections_api_json").glob("*.json"))},
    **{p: "nist-xml" for p in sorted((FEEDS / "nist_sp1500-100_err_v2").glob("*.xml"))},
    **{p: "nist-json" for p in sorted((FEEDS / "nist_sp1500-100_err_v2").glob("*.json"))},
    **{p: "clarity" for p in sorted((FEEDS / "clarity_enr_xml").glob("*.xml"))},
    EXAMPLES / "ap_elections_v2_style.json": "ap",
    EXAMPLES / "clarity_detail_county_level.xml": "clarity",
    EXAMPLES / "err_cdf_v2_minimal.xml": "nist-xml",
    EXAMPLES / "err_cdf_v2_minimal.json": "nist-json",
    FIXTURES / "csv" / "2024-11-05_PA_county_modes.csv": "csv",
}
