"""atheris fuzz target for one feed parser: anything but a FeedError is a bug.

    python3 -m uv run python fuzz/fuzz_feeds.py ap [CORPUS_DIR] [-max_total_time=60]

FORMAT is a registry name (ap, clarity, csv, nist-json, nist-xml) or ``auto`` (detection and
parse). With no corpus directory the seeds are the examples in shared/docs/examples.
tests/feeds/test_fuzz.py runs every target for a few seconds in CI when atheris is installed.
"""

from __future__ import annotations

import sys

import atheris
import ijson  # noqa: F401  (third-party code is imported uninstrumented: faster start)
import numpy  # noqa: F401

with atheris.instrument_imports(include=["racedesk"]):
    from racedesk.errors import FeedError
    from racedesk.feeds import registry

    registry.adapters()  # import every adapter module inside the instrumented block


def make_target(fmt: str):  # type: ignore[no-untyped-def]
    def test_one_input(data: bytes) -> None:
        try:
            if fmt == "auto":
                payload = registry.parse(data, source="fuzz")
            else:
                payload = registry.get(fmt).parse(data, source="fuzz")
        except FeedError:
            return
        for count in payload.iter_counts():  # a payload that parses must be whole
            if count.votes < 0:
                raise AssertionError(f"negative count {count}")

    return test_one_input


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    fmt = sys.argv.pop(1)
    if fmt != "auto":
        registry.get(fmt)  # fail fast on a typo
    atheris.Setup(sys.argv, make_target(fmt))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
