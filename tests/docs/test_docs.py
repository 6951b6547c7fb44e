"""Every command, setting and public name is documented, and --help teaches by example."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import racedesk
from racedesk.cli import cli
from racedesk.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[tuple[str, ...]]:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found: list[tuple[str, ...]] = module.commands(cli)
    return found


COMMANDS = _commands()


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_cli_reference(path: tuple[str, ...]) -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"## racedesk {' '.join(path)}\n" in reference, "run: python scripts/cli_docs.py"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_ends_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"racedesk {' '.join(path)} --help has no Example"


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in text and f"`{setting.name}`" in text


def test_exported_members() -> None:
    exported = set(racedesk.__all__)
    public = {name for name in dir(racedesk) if not name.startswith("_")}
    assert exported <= public | {"__version__"}
    assert "RacedeskError" in exported


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```") + 1 : lines.index("```", lines.index("```") + 1)]
    assert block[0].startswith("make demo") and block[1].startswith("make test")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo: env\n\t\$\(UV\) run racedesk demo", makefile, re.M)
    assert re.search(r"^test: env\n\t\$\(UV\) run pytest", makefile, re.M)


def test_group_commands_are_click_commands() -> None:
    assert all(isinstance(c, click.Command) for c in cli.commands.values())
