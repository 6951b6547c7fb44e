# Plain `uv run` lines: anyone with uv can type them directly.
# uv is installed with pip when missing, so a machine with only Python 3.11, pip and make works.
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON ?= 3.11

.PHONY: uv env demo test test-browser lint bench clean

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

env: uv
	$(UV) sync --group dev --quiet

demo: env
	$(UV) run racedesk demo --year 2024

test: env
	$(UV) run pytest -n 2 -q

# Needs Debian's chromium (apt-get install chromium); never a downloaded browser.
test-browser: env
	$(UV) run pytest -m browser -q

lint: env
	$(UV) run ruff format --check .
	$(UV) run ruff check .
	$(UV) run mypy
	$(UV) run lint-imports

# The quick speed figures (printed, never asserted). Longer ones: bench/bench_feeds.py,
# bench/bench_api.py (needs wrk), bench/sweep.py, bench/compare_elexmodel.py.
bench: env
	$(UV) run python bench/bench_replay.py
	$(UV) run python bench/bench_store.py
	$(UV) run python bench/bench_college.py
	$(UV) run python bench/bench_desk.py

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache
