"""``racedesk data pull``: fetch the public data files into the user cache.

Files copied unchanged from public repositories are fetched from their published addresses at
the commits named in ``shared/data/SOURCES.md``. Files the racedesk team reshaped have no public
address of their own; they come from a mirror of the whole data folder (``--mirror URL``), or are
reported as not fetched. Tests use an ``httpx.MockTransport``; nothing here runs at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from racedesk.errors import FeedUnavailable

_GITHUB = "https://raw.githubusercontent.com"
_TONMCG = f"{_GITHUB}/tonmcg/US_County_Level_Election_Results_08-24/faf9ef4"
_ELEX = f"{_GITHUB}/newsdev/elex/cf512d9/tests/data"
_CLARIFY = f"{_GITHUB}/openelections/clarify/386c883/tests/data"
_NIST = f"{_GITHUB}/usnistgov/cdf-test-method/5078adb/test_data"
_ERIC = f"{_GITHUB}/ericleigh007/election2020-timeseries-data"


@dataclass(frozen=True, slots=True, kw_only=True)
class DataFile:
    path: str  # relative to the data folder
    url: str | None  # published address; None for files the team reshaped


def _file(path: str, url: str | None = None) -> DataFile:
    return DataFile(path=path, url=url)


MANIFEST: tuple[DataFile, ...] = (
    *(
        _file(f"results/{name}", f"{_TONMCG}/{name}")
        for name in (
            "2024_US_County_Level_Presidential_Results.csv",
            "2020_US_County_Level_Presidential_Results.csv",
            "2016_US_County_Level_Presidential_Results.csv",
            "US_County_Level_Presidential_Results_08-16.csv",
            "US_County_Level_Presidential_Results_12-16.csv",
        )
    ),
    _file("results/state_presidential_totals_2012_2024.csv"),
    _file("results/me_ne_congressional_district_presidential_2016_2024.csv"),
    _file("covariates/county_covariates_acs2012-2016_medsl.csv"),
    _file("timeseries/2020_nyt_edison_state_timeseries.csv"),
    _file("timeseries/2020_NC_county_vote_type_timeseries_nyt.csv"),
    _file(
        "timeseries/2020_nyt_all_state_changes_alex_scraper.csv",
        f"{_GITHUB}/alex/nyt-2020-election-scraper/ba249bc/all-state-changes.csv",
    ),
    _file(
        "timeseries/precinct/2020_NC_precincts_timeseries_nyt.csv.gz",
        f"{_ERIC}/c3d886c/precinct-level-president/NC_precincts_timeseries_2020.csv.gz",
    ),
    _file("timeseries/precinct/2020_MI_precincts_timeseries_nyt.csv.gz"),
    _file("snapshots/2020-11-08_nyt_edison_county_snapshot.csv"),
    _file("snapshots/2020-11-13_nyt_edison_county_snapshot.csv"),
    _file("snapshots/2020-11-13_nyt_edison_new_england_town_snapshot.csv"),
    _file("calls/race_calls_president_2020_2024.csv"),
    _file("calls/overall_race_calls.csv"),
    _file("calls/poll_closing_times_2020_nyt.csv"),
    *(
        _file(f"feeds/ap_elections_api_json/{name}", f"{_ELEX}/{name}")
        for name in (
            "00000000_elections.json",
            "20121106_ak_prez.json",
            "20151103_national.json",
            "20151103_national_initialization.json",
            "20160201_district_results.json",
            "20160305_me_no_townships.json",
            "20161100_national_pre_results.json",
        )
    ),
    _file("feeds/clarity_enr_xml/clarify_test_county.xml", f"{_CLARIFY}/county.xml"),
    _file("feeds/clarity_enr_xml/clarify_test_precinct.xml", f"{_CLARIFY}/precinct.xml"),
    *(
        _file(
            f"feeds/nist_sp1500-100_err_v2/{stem}.{ext}",
            f"{_NIST}/{folder}/{stem}.{ext}",
        )
        for stem, folder in (
            (
                "err-2022-11-08-Massachusetts-Cambridge",
                "real_world/ma/cambridge/2022/general/err_v2",
            ),
            ("err-gen-01", "synthetic/gen-01/err_v2"),
            ("pe-err-gen-01", "synthetic/gen-01/err_v2"),
        )
        for ext in ("xml", "json")
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PullReport:
    fetched: tuple[str, ...]
    skipped: tuple[str, ...]  # already present
    unavailable: tuple[str, ...]  # reshaped files with no public address and no mirror


def pull(
    target: Path,
    *,
    mirror: str | None = None,
    force: bool = False,
    transport: httpx.BaseTransport | None = None,
    progress: Callable[[str], None] | None = None,
) -> PullReport:
    """Download every file of the manifest into ``target``; existing files are kept."""
    fetched: list[str] = []
    skipped: list[str] = []
    unavailable: list[str] = []
    with httpx.Client(transport=transport, timeout=60.0, follow_redirects=True) as client:
        for item in MANIFEST:
            destination = target / item.path
            if destination.exists() and not force:
                skipped.append(item.path)
                continue
            url = f"{mirror.rstrip('/')}/{item.path}" if mirror else item.url
            if url is None:
                unavailable.append(item.path)
                continue
            if progress:
                progress(item.path)
            try:
                response = client.get(url)
            except httpx.HTTPError as error:
                raise FeedUnavailable(f"could not fetch: {error}", source=url) from error
            if response.status_code != 200:
                raise FeedUnavailable(f"HTTP {response.status_code}", source=url)
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_suffix(destination.suffix + ".part")
            partial.write_bytes(response.content)
            partial.replace(destination)  # atomic: never a half-written data file
            fetched.append(item.path)
    return PullReport(
        fetched=tuple(fetched), skipped=tuple(skipped), unavailable=tuple(unavailable)
    )
