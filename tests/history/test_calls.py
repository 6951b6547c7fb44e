"""The real race calls of 2016–2024 from calls/, and refusals of bad rows."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from racedesk.domain.contests import Party
from racedesk.errors import CallRuleError, DataError, DataNotFound
from racedesk.history.calls import (
    OVERALL_CALLS_FILE,
    PRESIDENCY,
    RACE_CALLS_FILE,
    Precision,
    call_race,
    load_calls,
    winner_party,
)


def test_2020_calls_load_with_ap_and_nyt(data_dir: Path) -> None:
    data = load_calls(data_dir, 2020)
    assert data.callers == ("AP", "NYT")
    ap = {c.race: c for c in data.calls if c.caller == "AP" and c.race != PRESIDENCY}
    assert len(ap) == 53  # one AP row per state or district call in the file
    # 7:00 pm EST on Nov 3 2020 is midnight UTC (zoneinfo, not a fixed offset)
    assert ap["KY"].at == datetime(2020, 11, 4, 0, 0, tzinfo=UTC)
    assert ap["KY"].winner is Party.GOP and ap["KY"].precision is Precision.MINUTE
    assert ap["WI"].precision is Precision.APPROX
    assert ap["NC"].precision is Precision.DATE
    assert ap["NC"].at == datetime(2020, 11, 13, 5, 0, tzinfo=UTC)  # start of the ET day
    assert ap["AK"].at is None and ap["AK"].precision is Precision.UNKNOWN
    nyt_az = data.of("NYT", "AZ")[0]
    assert nyt_az.at == datetime(2020, 11, 13, 4, 18, 46, tzinfo=UTC)
    assert nyt_az.precision is Precision.EXACT and nyt_az.winner is Party.DEM
    president = data.of("AP", PRESIDENCY)[0]
    assert president.at == datetime(2020, 11, 7, 16, 26, tzinfo=UTC)
    assert "deciding race PA" in president.note
    assert any("AP AK" in note for note in data.notes)


def test_2024_presidency_by_ap_and_fox(data_dir: Path) -> None:
    data = load_calls(data_dir, 2024)
    president = sorted((c for c in data.calls if c.race == PRESIDENCY), key=lambda c: c.caller)
    assert [(c.caller, c.winner, c.at, c.precision) for c in president] == [
        ("AP", Party.GOP, datetime(2024, 11, 6, 10, 34, tzinfo=UTC), Precision.MINUTE),
        ("Fox News", Party.GOP, datetime(2024, 11, 6, 6, 47, tzinfo=UTC), Precision.APPROX),
    ]
    races = [c for c in data.calls if c.race != PRESIDENCY]
    assert len(races) == 23 and {c.caller for c in races} == {"AP"}
    assert data.of("AP", "NE-02")[0].winner is Party.DEM


def test_every_year_and_the_2016_presidency(data_dir: Path) -> None:
    assert len(load_calls(data_dir).calls) == 128
    only = load_calls(data_dir, 2016).calls
    assert [(c.caller, c.race, c.winner) for c in only] == [("AP", PRESIDENCY, Party.GOP)]
    assert load_calls(data_dir, 2028).notes[0].startswith("no real calls for 2028")


def _copy(data_dir: Path, tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    (tmp_path / "calls").mkdir()
    for name in (RACE_CALLS_FILE, OVERALL_CALLS_FILE):
        shutil.copy(data_dir / name, tmp_path / name)
    if replace:
        path = tmp_path / RACE_CALLS_FILE
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(replace[0], replace[1], 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("2020,KY,Trump", "2020,KX,Trump", "unit", "unknown race 'KX'"),
        ("2020,KY,Trump", "2020,KY,Nixon", "winner", "unknown candidate 'Nixon'"),
        ("2020-11-03 19:00,minute", "2020-11-03 7pm,minute", "ap_call_et", "not a time"),
        (",minute,https", ",sometime,https", "time_precision", "unknown time precision"),
    ],
)
def test_bad_rows_name_file_line_and_field(
    data_dir: Path, tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    folder = _copy(data_dir, tmp_path, (old, new))
    with pytest.raises(DataError, match=message) as caught:
        load_calls(folder, 2020)
    assert caught.value.line == 2 and caught.value.field == field
    assert caught.value.source == "race_calls_president_2020_2024.csv"


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(DataNotFound, match="racedesk data pull"):
        load_calls(tmp_path, 2024)


def test_winner_and_race_parsing() -> None:
    assert winner_party(2024, "Harris") is Party.DEM
    assert winner_party(2024, "donald trump") is Party.GOP
    assert winner_party(2020, "Republican") is Party.GOP
    assert call_race(2024, "ne-2") == "NE-02" and call_race(2024, "Presidency") == PRESIDENCY
    with pytest.raises(CallRuleError, match="unknown candidate 'Biden' for 2024"):
        winner_party(2024, "Biden")
    with pytest.raises(CallRuleError, match="unknown race 'NE-04'"):
        call_race(2024, "NE-04")
