"""Streaming: parsing a big payload never holds the document, only the compact counts.

A document tree costs several hundred bytes per count (an element or dict per value); these
parses must stay near the compact column cost (~35 bytes a count, ~120 with the parse's own
temporaries) plus a constant, whatever the format. bench/bench_feeds.py runs the 200 MB case."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import pytest

from racedesk.feeds import registry

TARGET = 8_000_000  # bytes per generated file


def clarity(out: TextIO) -> None:
    out.write(
        "<?xml version='1.0'?>\n<ElectionResult><Timestamp>11/5/2024 11:58:41 PM EST"
        "</Timestamp><ElectionDate>11/5/2024</ElectionDate><Region>Big</Region>\n"
    )
    contest = 0
    while out.tell() < TARGET:
        contest += 1
        out.write(f'<Contest key="{contest}" text="Contest {contest}">\n')
        for choice in range(4):
            out.write(f'  <Choice key="{choice}" text="Candidate {choice}" party="DEM">\n')
            for vote_type in ("Election Day", "Early Vote", "Absentee"):
                out.write(f'    <VoteType name="{vote_type}" votes="0">\n')
                out.writelines(
                    f'      <Precinct name="P{p:04d}" votes="{p % 700}" />\n' for p in range(3000)
                )
                out.write("    </VoteType>\n")
            out.write("  </Choice>\n")
        out.write("</Contest>\n")
    out.write("</ElectionResult>\n")


def ap(out: TextIO) -> None:
    out.write('{"electionDate":"2024-11-05","timestamp":"2024-11-06T04:00:00Z","races":[')
    race = 0
    while out.tell() < TARGET:
        race += 1
        units = [
            {
                "statePostal": "PA",
                "reportingunitID": str(u),
                "level": "subunit",
                "fipsCode": f"42{u:03d}",
                "lastUpdated": "2024-11-06T03:00:00Z",
                "candidates": [
                    {"candidateID": str(c), "polID": str(c), "party": "Dem", "voteCount": u * c}
                    for c in range(8)
                ],
            }
            for u in range(1, 134, 2)
        ]
        body = {
            "raceID": str(race),
            "officeID": "H",
            "officeName": "House",
            "seatName": str(race),
            "raceTypeID": "G",
            "reportingUnits": units,
        }
        out.write(("," if race > 1 else "") + json.dumps(body))
    out.write("]}")


def nist_xml(out: TextIO) -> None:
    ns = "http://itl.nist.gov/ns/voting/1500-100/v2"
    out.write(
        f'<ElectionReport xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<Election>\n"
    )
    contest = 0
    while out.tell() < TARGET:
        contest += 1
        out.write(f'<Contest xsi:type="CandidateContest" ObjectId="c{contest}">\n')
        for sel in range(3):
            out.write(
                f'<ContestSelection xsi:type="CandidateSelection" ObjectId="s{contest}-{sel}">'
            )
            out.writelines(
                f"<VoteCounts><GpUnitId>p{p}</GpUnitId><Type>total</Type><Count>{p}"
                "</Count></VoteCounts>\n"
                for p in range(2000)
            )
            out.write(f"<CandidateIds>k{sel}</CandidateIds></ContestSelection>\n")
        out.write(f"<Name>Contest {contest}</Name></Contest>\n")
    out.writelines(
        f'<Candidate ObjectId="k{k}"><BallotName><Text Language="en">K{k}</Text>'
        "</BallotName></Candidate>"
        for k in range(3)
    )
    out.write(
        "<StartDate>2024-11-05</StartDate><Type>general</Type></Election>"
        "<GeneratedDate>2024-11-06T04:00:00Z</GeneratedDate>\n"
    )
    out.writelines(
        f'<GpUnit xsi:type="ReportingUnit" ObjectId="p{p}"><Type>precinct</Type></GpUnit>\n'
        for p in range(2000)
    )
    out.write("</ElectionReport>\n")


def nist_json(out: TextIO) -> None:
    out.write(
        '{"@type":"ElectionResults.ElectionReport","GeneratedDate":"2024-11-06T04:00:00Z",'
        '"Election":[{"StartDate":"2024-11-05","Type":"general","Contest":['
    )
    contest = 0
    while out.tell() < TARGET // 3:
        contest += 1
        selections = [
            {
                "@type": "ElectionResults.CandidateSelection",
                "@id": f"s{contest}-{s}",
                "CandidateIds": [f"k{s}"],
                "VoteCounts": [
                    {"GpUnitId": f"p{p}", "Type": "total", "Count": p} for p in range(2000)
                ],
            }
            for s in range(3)
        ]
        body = {
            "@type": "ElectionResults.CandidateContest",
            "@id": f"c{contest}",
            "Name": f"Contest {contest}",
            "ContestSelection": selections,
        }
        out.write(("," if contest > 1 else "") + json.dumps(body))
    out.write('],"Candidate":[' + ",".join(f'{{"@id":"k{k}"}}' for k in range(3)) + "]}],")
    out.write('"GpUnit":[' + ",".join(f'{{"@id":"p{p}","Type":"precinct"}}' for p in range(2000)))
    out.write("]}")


GENERATORS: dict[str, Callable[[TextIO], None]] = {
    "clarity": clarity,
    "ap": ap,
    "nist-xml": nist_xml,
    "nist-json": nist_json,
}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(GENERATORS))
def test_big_payload_memory_is_bounded(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "big"
    with path.open("w") as out:
        GENERATORS[fmt](out)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            payload = registry.get(fmt).parse(stream, source=path.name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    counts = len(payload)
    assert counts > size / 200  # the file is mostly counts
    assert peak < 120 * counts + 8_000_000, f"{peak / 1e6:.0f} MB for {counts} counts"
