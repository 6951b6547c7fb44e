from pathlib import Path

import pytest

from racedesk.errors import DataNotFound
from racedesk.settings import SETTINGS, Settings, resolve_data_dir


def test_data_dir_found_beside_checkout(data_dir: Path) -> None:
    assert (data_dir / "SOURCES.md").exists()


def test_flag_wins_over_environment(tmp_path: Path, data_dir: Path) -> None:
    got = resolve_data_dir(str(data_dir), environ={"RACEDESK_DATA": str(tmp_path)})
    assert got == data_dir


def test_environment_used_when_valid(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    assert resolve_data_dir(None, environ={"RACEDESK_DATA": str(tmp_path)}) == tmp_path.resolve()


def test_missing_data_lists_every_place_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import racedesk.settings as settings

    monkeypatch.setattr(settings, "checkout_data", lambda: tmp_path / "nope")
    monkeypatch.setattr(settings, "user_cache_data", lambda: tmp_path / "cache")
    with pytest.raises(DataNotFound) as info:
        resolve_data_dir(str(tmp_path / "flag"), environ={"RACEDESK_DATA": str(tmp_path / "env")})
    message = str(info.value)
    for place in ("--data flag", "RACEDESK_DATA", "user cache", "beside the checkout"):
        assert place in message
    assert "racedesk data pull" in message
    assert len(info.value.tried) == 4


def test_settings_precedence() -> None:
    settings = Settings.from_env({"RACEDESK_STORE": "env.sqlite"})
    assert settings.store == "env.sqlite"
    assert settings.with_flags(store="flag.sqlite", data=None).store == "flag.sqlite"
    assert {s.name for s in SETTINGS} == {"data", "store", "write_token"}
