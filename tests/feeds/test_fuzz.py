"""Short CI run of each atheris fuzz target (a few seconds per parser) when atheris is here."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from racedesk.feeds import registry

from ._samples import EXAMPLES, FIXTURES

TARGET = Path(__file__).resolve().parents[2] / "fuzz" / "fuzz_feeds.py"
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None, reason="atheris is not installed"
)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [*sorted(registry.adapters()), "auto"])
def test_fuzz_target_runs_clean(fmt: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in [*EXAMPLES.iterdir(), *(FIXTURES / "csv").iterdir()]:
        shutil.copy(seed, corpus / seed.name)
    result = subprocess.run(
        [
            sys.executable,
            str(TARGET),
            fmt,
            str(corpus),
            "-max_total_time=2",
            "-seed=20241105",
            "-rss_limit_mb=1024",
            f"-artifact_prefix={tmp_path}/",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done" in result.stderr and "ERROR" not in result.stderr
