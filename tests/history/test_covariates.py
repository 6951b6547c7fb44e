"""The MEDSL covariates loader on the real file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from racedesk.errors import DataError, DataNotFound
from racedesk.history.covariates import COLUMNS, load_covariates, prior_results


def test_loads_counties_keyed_by_padded_fips(data_dir: Path) -> None:
    cov = load_covariates(data_dir)
    assert len(cov) == 3112  # 3,114 rows less Kansas City and Bedford city
    assert cov.values.shape == (len(cov), len(COLUMNS))
    assert all(len(code) == 5 for code in cov.fips)
    assert not np.isin(cov.states, ["AK"]).any()  # no Alaska in the source
    row = cov.rows_for(np.array(["01001", "99999"]))
    assert row[1] == -1
    assert cov.column("cvap")[row[0]] == 40690.0


def test_quirks_renumber_and_merge(data_dir: Path) -> None:
    cov = load_covariates(data_dir)
    assert "46102" in cov.fips and "46113" not in cov.fips
    assert "36000" not in cov.fips and "51515" not in cov.fips
    jackson = cov.rows_for(np.array(["29095"]))[0]
    # Kansas City's 24,654 Trump votes are added to Jackson County's own.
    assert cov.column("trump16")[jackson] > 24654
    assert any("Kansas City" in note for note in cov.notes)
    oglala = cov.rows_for(np.array(["46102"]))[0]
    assert np.isnan(cov.column("white_pct")[oglala])  # no ACS values, kept as NaN


def test_prior_results_2016_matches_medsl_sums(data_dir: Path) -> None:
    results = prior_results(load_covariates(data_dir), 2016)
    assert results.dem.sum() == pytest.approx(65.72e6, rel=0.002)
    assert results.gop.sum() == pytest.approx(62.81e6, rel=0.002)
    with pytest.raises(DataNotFound):
        prior_results(load_covariates(data_dir), 2020)


def test_bad_value_names_line_and_field(tmp_path: Path, data_dir: Path) -> None:
    source = (data_dir / "covariates/county_covariates_acs2012-2016_medsl.csv").read_text()
    lines = source.splitlines()
    lines[2] = lines[2].replace("199510.0", "lots", 1)
    (tmp_path / "covariates").mkdir()
    (tmp_path / "covariates/county_covariates_acs2012-2016_medsl.csv").write_text(
        "\n".join(lines) + "\n"
    )
    with pytest.raises(DataError) as caught:
        load_covariates(tmp_path)
    assert caught.value.line == 3 and caught.value.field == "total_population"
