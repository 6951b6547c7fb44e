"""Feed parsing speed and memory on big generated payloads.

Generates, into a temporary directory, a precinct-level Clarity detail.xml and an AP national
JSON of about ``--mb`` megabytes each, scaled up from the real samples in the data folder, then
parses each in a fresh process (streaming from the file) and prints MB/s, that process's peak
RSS (ru_maxrss, interpreter and numpy included) and peak traced memory (tracemalloc, in a
second run). Goal: >= 50 MB/s per core, < 300 MB peak.

    python3 -m uv run python bench/bench_feeds.py --mb 200
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from racedesk.feeds import registry
from racedesk.settings import resolve_data_dir

LEAF_INDENT = " " * 16  # as real Clarity files are indented
VOTE_TYPES = ("Election Day", "Early Vote", "Absentee by Mail", "Provisional")


def write_clarity(out: TextIO, target_bytes: int, precincts: int = 2000) -> None:
    """A county file shaped like the Greenup sample, with many more precincts and contests."""
    sample = resolve_data_dir() / "feeds" / "clarity_enr_xml" / "clarify_test_precinct.xml"
    root = ET.parse(sample).getroot()
    names = [p.get("name", "") for p in root.iter("Precinct")][:30]
    choices = [c.get("text", "") for c in root.iter("Choice")]
    precinct_names = [f"{names[i % len(names)]}-{i:05d}" for i in range(precincts)]
    out.write('<?xml version="1.0"?>\n<ElectionResult>\n')
    out.write("    <Timestamp>11/5/2024 11:58:41 PM EST</Timestamp>\n")
    out.write("    <ElectionName>2024 General Election</ElectionName>\n")
    out.write("    <ElectionDate>11/5/2024</ElectionDate>\n    <Region>Greenup</Region>\n")
    contest = 0
    while out.tell() < target_bytes:
        contest += 1
        out.write(f'    <Contest key="{contest}" text="Contest {contest}" voteFor="1">\n')
        for key, text in enumerate(choices, start=1):
            out.write(f'        <Choice key="{key}" text="{text}" totalVotes="0">\n')
            for vote_type in VOTE_TYPES:
                out.write(f'            <VoteType name="{vote_type}" votes="0">\n')
                out.write(
                    "".join(
                        f'{LEAF_INDENT}<Precinct name="{name}" votes="{(i * 37 + key) % 900}" />\n'
                        for i, name in enumerate(precinct_names)
                    )
                )
                out.write("            </VoteType>\n")
            out.write("        </Choice>\n")
        out.write("    </Contest>\n")
    out.write("</ElectionResult>\n")


def write_ap(out: TextIO, target_bytes: int) -> None:
    """A national file: the sample's races (with county units) repeated under new race ids."""
    sample = (
        resolve_data_dir() / "feeds" / "ap_elections_api_json" / "20160305_me_no_townships.json"
    )
    races = json.loads(sample.read_bytes())["races"]
    out.write('{"electionDate":"2016-03-05","timestamp":"2016-03-06T04:00:00.000Z","races":[')
    copy = 0
    while out.tell() < target_bytes:
        for race in races:
            copy += 1
            race = {**race, "raceID": str(100000 + copy), "seatName": f"Seat {copy}", "test": False}
            out.write(("," if copy > 1 else "") + json.dumps(race, separators=(",", ":")))
    out.write("]}")


def measure(path: Path, fmt: str) -> dict[str, float]:
    """Parse once timed (peak RSS of this fresh process), then once under tracemalloc."""
    size = path.stat().st_size / 1e6
    start = time.perf_counter()
    with path.open("rb") as stream:
        payload = registry.get(fmt).parse(stream, source=path.name)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = len(payload)
    del payload
    tracemalloc.start()
    with path.open("rb") as stream:
        kept = registry.get(fmt).parse(stream, source=path.name)  # alive while peak is read
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    assert len(kept) == counts
    return {
        "MB": size,
        "counts": counts,
        "seconds": seconds,
        "MB/s": size / seconds,
        "traced": peak,
        "rss": rss,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of each generated file")
    parser.add_argument("--parse", nargs=2, metavar=("FORMAT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.parse:  # child process: one parse, a clean RSS figure
        print(json.dumps(measure(Path(args.parse[1]), args.parse[0])))
        return 0
    target = int(args.mb * 1e6)
    with tempfile.TemporaryDirectory(prefix="racedesk-bench-") as tmp:
        files = {"clarity": Path(tmp) / "detail.xml", "ap": Path(tmp) / "national.json"}
        with files["clarity"].open("w") as out:
            write_clarity(out, target)
        with files["ap"].open("w") as out:
            write_ap(out, target)
        print(
            f"{'format':8} {'MB':>7} {'counts':>10} {'s':>6} {'MB/s':>6} {'traced MB':>9} "
            f"{'RSS MB':>7}"
        )
        for fmt, path in files.items():
            child = subprocess.run(
                [sys.executable, __file__, "--parse", fmt, str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(child.stdout)
            print(
                f"{fmt:8} {r['MB']:7.1f} {r['counts']:10.0f} {r['seconds']:6.2f} "
                f"{r['MB/s']:6.1f} {r['traced']:9.1f} {r['rss']:7.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
