"""Round trips: every count a sample holds, found by an independent walk of the raw file
(json / ElementTree / csv, not the adapters' streaming code), is in the payload, and nothing
else is. Keys are the feed's own ids: (contest, unit, candidate, mode, votes)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from racedesk.feeds import registry
from racedesk.feeds.base import FeedPayload
from racedesk.feeds.mapping import NIST_COUNT_TYPES, VOTE_TYPES

from ._samples import SAMPLES

Key = tuple[str, str, str, str, int]


def payload_keys(payload: FeedPayload) -> Counter[Key]:
    contests = {c.id: c.feed_id for c in payload.contests}
    units = {u.id: u.feed_id for u in payload.units}
    candidates = {(c.contest, c.id): c.feed_id for c in payload.candidates}
    return Counter(
        (
            contests[c.contest],
            units[c.unit],
            candidates[(c.contest, c.candidate)],
            c.mode.value,
            c.votes,
        )
        for c in payload.iter_counts()
    )


def ap_expected(path: Path) -> Counter[Key]:
    doc = json.loads(path.read_bytes())
    out: Counter[Key] = Counter()
    for race in doc.get("races", []):
        for ru in race.get("reportingUnits", []):
            unit = ru.get("reportingunitID") or ru["statePostal"]
            for cand in ru["candidates"]:
                if "voteCount" in cand:
                    out[
                        (race["raceID"], unit, cand["candidateID"], "total", cand["voteCount"])
                    ] += 1
    return out


def clarity_expected(path: Path) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for contest in ET.parse(path).getroot().iter("Contest"):
        for choice in contest.findall("Choice"):
            by_mode: Counter[tuple[str, str]] = Counter()
            for vote_type in choice.findall("VoteType"):
                mode = VOTE_TYPES[vote_type.get("name", "").lower()]
                for leaf in vote_type:
                    by_mode[(leaf.get("name", ""), mode.value)] += int(leaf.get("votes", ""))
            for (unit, mode_name), votes in by_mode.items():
                out[(contest.get("key", ""), unit, choice.get("key", ""), mode_name, votes)] += 1
    return out


def nist_cells(cells: dict[tuple[str, str, str], dict[str, int]]) -> Counter[Key]:
    out: Counter[Key] = Counter()
    for (contest, selection, unit), types in cells.items():
        parts = {k: v for k, v in types.items() if k != "total"}
        if not parts:
            out[(contest, unit, selection, "total", types["total"])] += 1
            continue
        by_mode: Counter[str] = Counter()
        for kind, votes in parts.items():
            by_mode[NIST_COUNT_TYPES[kind].value] += votes
        for mode_name, votes in by_mode.items():
            out[(contest, unit, selection, mode_name, votes)] += 1
    return out


def nist_xml_expected(path: Path) -> Counter[Key]:
    ns = {"n": "http://itl.nist.gov/ns/voting/1500-100/v2"}
    cells: dict[tuple[str, str, str], dict[str, int]] = {}
    for contest in ET.parse(path).getroot().iterfind("n:Election/n:Contest", ns):
        for selection in contest.iterfind("n:ContestSelection", ns):
            for vc in selection.iterfind("n:VoteCounts", ns):
                key = (
                    contest.get("ObjectId", "").strip(),
                    selection.get("ObjectId", "").strip(),
                    vc.findtext("n:GpUnitId", "", ns).strip(),
                )
                cells.setdefault(key, {})[vc.findtext("n:Type", "", ns)] = int(
                    float(vc.findtext("n:Count", "", ns))
                )
    return nist_cells(cells)


def nist_json_expected(path: Path) -> Counter[Key]:
    doc: dict[str, Any] = json.loads(path.read_bytes())
    cells: dict[tuple[str, str, str], dict[str, int]] = {}
    for election in doc["Election"]:
        for contest in election.get("Contest", []):
            for selection in contest.get("ContestSelection", []):
                for vc in selection.get("VoteCounts", []):
                    key = (contest["@id"], selection["@id"], vc["GpUnitId"])
                    cells.setdefault(key, {})[vc["Type"]] = int(vc["Count"])
    return nist_cells(cells)


def csv_expected(path: Path) -> Counter[Key]:
    out: Counter[Key] = Counter()
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            mode = VOTE_TYPES.get(row["mode"].lower())
            mode_name = mode.value if mode else row["mode"]
            out[(row["contest"], row["unit"], row["candidate"], mode_name, int(row["votes"]))] += 1
    return out


EXPECTED = {
    "ap": ap_expected,
    "clarity": clarity_expected,
    "nist-xml": nist_xml_expected,
    "nist-json": nist_json_expected,
    "csv": csv_expected,
}


@pytest.mark.parametrize("path", sorted(SAMPLES), ids=lambda p: p.name)
def test_every_count_round_trips(path: Path) -> None:
    expected = EXPECTED[SAMPLES[path]](path)
    payload = registry.get(SAMPLES[path]).parse(path.read_bytes(), source=path.name)
    assert payload_keys(payload) == expected
    assert not [u for u in payload.unmapped if not u.kept_as]  # nothing left out of the samples


def test_formats_are_all_covered_with_counts() -> None:
    with_counts = {SAMPLES[p] for p in SAMPLES if EXPECTED[SAMPLES[p]](p)}
    assert with_counts == set(EXPECTED)
