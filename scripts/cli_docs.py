"""Write docs/cli.md from the commands' own --help (run: python scripts/cli_docs.py)."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from racedesk.cli import cli

HEADER = """# Command-line reference

Generated from each command's `--help` by `python scripts/cli_docs.py`; a test checks that
every command is here. Data goes to stdout (a table, `--csv` or `--json`); progress and logs go
to stderr. Exit codes: 0 success; 1 a racedesk error (one line on stderr: bad input, missing
data, a refused store); 2 a usage error (unknown flag, missing argument).
"""


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(commands(command, (*prefix, name)))
    return found


def render() -> str:
    runner = CliRunner()
    parts = [HEADER]
    for path in commands(cli):
        text = runner.invoke(cli, [*path, "--help"], prog_name="racedesk", terminal_width=100)
        parts.append(f"\n## racedesk {' '.join(path)}\n\n```\n{text.output.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
