"""The comparison report and the calibration it rests on."""

from __future__ import annotations

from pathlib import Path

import pytest

from racedesk.domain.counts import VoteMode
from racedesk.domain.polls import poll_close
from racedesk.night.calibrate import fit_size_exponent, fit_vote_types, unit_release_hours
from racedesk.night.report import write_report
from racedesk.night.reporting import Pool, state_model
from racedesk.night.timeseries import nc_counties_2020


def test_report_writes_markdown_and_small_plots(tmp_path: Path, data_dir: Path) -> None:
    path = write_report(tmp_path / "out", data_dir, seeds=(1, 2))
    text = path.read_text()
    assert "| PA |" in text and "election_day" in text
    for name in ("replay-progress.png", "replay-early-lean.png"):
        png = tmp_path / "out" / name
        assert png.read_bytes()[:4] == b"\x89PNG"
        assert png.stat().st_size < 200_000
        assert name in text


def test_2020_model_matches_the_north_carolina_fit(data_dir: Path) -> None:
    """The documented fit: NC 2020 leans and election-day timing behind reporting.py."""
    night = nc_counties_2020(data_dir)
    fit = fit_vote_types(night)
    assert fit.lean[VoteMode.MAIL] == pytest.approx(1.02, abs=0.01)
    assert fit.lean[VoteMode.EARLY] == pytest.approx(-0.06, abs=0.01)
    assert fit.lean[VoteMode.ELECTION_DAY] == pytest.approx(-0.55, abs=0.01)
    model = state_model(2020, "NC")
    assert model.pools[Pool.MAIL].lean_sd == pytest.approx(fit.lean_sd[VoteMode.MAIL], abs=0.03)
    close = int(poll_close(2020, "NC").timestamp())
    sizes, hours = unit_release_hours(night, close, VoteMode.ELECTION_DAY)
    assert fit_size_exponent(sizes, hours) == pytest.approx(model.size_exponent, abs=0.01)
