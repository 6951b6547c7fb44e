"""Clarity / Scytl ENR ``detail.xml``: contests, choices, vote types, county or precinct rows.

A state file has ``<County>`` leaves, a county file ``<Precinct>`` leaves. Mapping:

* contest id: presidential general in a state file (``Region`` a state) → ``2024-president-AR``;
  otherwise ``<ElectionDate>-<slug of Contest text>``;
* unit id: ``unit_map[name]`` when the adapter is given one (e.g. county name → FIPS; names not
  in the map are reported as unmapped and left out), else ``<Region>-<slug of name>``
  (``AR-pulaski``, ``greenup-a101``); the Region itself is a state (state file) or county unit;
* candidate id: slug of the choice text (``tom-cotton``), party from its ``party`` attribute;
* vote type → ``VoteMode`` through ``mapping.VOTE_TYPES`` plus per-source additions
  (``ClarityAdapter(vote_types={"Mail-In": VoteMode.MAIL})``); a vote type in neither is
  reported as unmapped with its votes. ``Undervotes``/``Overvotes`` are not candidates.
  Two vote types landing on one mode are added.

The parse streams with a hardened expat parser; only the counts and names are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import BinaryIO, ClassVar

from racedesk.domain.counts import VoteMode
from racedesk.domain.ids import CandidateId, StateCode, UnitId
from racedesk.errors import FeedFormatError
from racedesk.feeds import clarity_stream, xmlsafe
from racedesk.feeds.base import (
    FeedCandidate,
    FeedContest,
    FeedPayload,
    FeedUnit,
    UnitLevel,
    UnitReporting,
    Unmapped,
)
from racedesk.feeds.builder import PayloadBuilder, count_from_text
from racedesk.feeds.clarity_stream import unzipped
from racedesk.feeds.mapping import (
    VOTE_TYPES,
    is_presidential,
    known_state,
    make_contest_id,
    parse_local_time,
    parse_us_date,
    party_of,
    slug,
)
from racedesk.feeds.registry import register

RESIDUALS = frozenset({"undervotes", "overvotes"})
_HEADER = frozenset({"Timestamp", "ElectionName", "ElectionDate", "Region"})
_LEAVES = {"County": UnitLevel.COUNTY, "Precinct": UnitLevel.PRECINCT}


@register
class ClarityAdapter:
    name: ClassVar[str] = "clarity"
    description: ClassVar[str] = (
        "Clarity/Scytl ENR detail.xml (state file by county, county file by precinct)"
    )

    def __init__(
        self,
        *,
        vote_types: Mapping[str, VoteMode] | None = None,
        unit_map: Mapping[str, str] | None = None,
    ) -> None:
        self.vote_types = dict(VOTE_TYPES)
        for label, mode in (vote_types or {}).items():
            self.vote_types[label.strip().lower()] = mode
        self.unit_map = dict(unit_map) if unit_map is not None else None

    def sniff(self, head: bytes, name: str) -> bool:
        if head.startswith(b"PK\x03\x04"):  # detailxml.zip as Clarity sites serve it
            return b"detail.xml" in head[:200]
        return b"<ElectionResult" in head and b"ElectionReport" not in head

    def parse(self, data: bytes | BinaryIO, *, source: str) -> FeedPayload:
        parse = _ClarityParse(self, source)
        with unzipped(data, source=source) as xml:
            if self.unit_map is None:
                clarity_stream.run_fast(parse, xml)
            else:
                xmlsafe.run(parse.parser, xml, source=source, what="Clarity")
        return parse.finish()


class _ClarityParse:
    """One parse: expat callbacks and the state they share."""

    def __init__(self, adapter: ClarityAdapter, source: str) -> None:
        self.adapter = adapter
        self.source = source
        self.out = PayloadBuilder(source=source, format=adapter.name)
        self.parser = xmlsafe.hardened_parser()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.stack: list[str] = []
        self.header: dict[str, str] = {}
        self.capture: list[str] | None = None
        self.seen_root = False
        # Set once the header has been read (at the first Contest).
        self.at: datetime | None = None
        self.at_index = 0
        self.election_date: date | None = None
        self.region = ""
        self.state: StateCode | None = None
        self.region_level: UnitLevel | None = None
        self.leaf_units: dict[tuple[str, str], int] = {}  # (leaf tag, name) -> unit index
        self.unmapped_units: dict[str, int] = {}
        self.fast_units: dict[str, dict[bytes, int]] = {}  # leaf tag -> name bytes -> unit
        # Current contest / choice / vote type.
        self.contest = -1
        self.contest_where = ""
        self.candidate = -1
        self.candidate_ids: set[str] = set()
        self.vote_type = ""
        self.vote_type_total = 0
        self.in_votes = False
        self.run_units: list[int] = []
        self.run_votes: list[int] = []
        self.choice_runs: dict[VoteMode, list[tuple[list[int], list[int]]]] = {}
        self.choice_total = ""
        self.choice_sum = 0

    def where(self) -> str:
        return f"{self.contest_where}{self.vote_type and f' vote type {self.vote_type!r}'}: "

    def fail(self, message: str, field: str | None = None) -> FeedFormatError:
        return FeedFormatError(
            message, source=self.source, line=self.parser.CurrentLineNumber, field=field
        )

    # -- callbacks -------------------------------------------------------------------------
    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.in_votes and tag in _LEAVES:
            self.leaf(tag, attrs)
            return
        self.stack.append(tag)
        depth = len(self.stack)
        if depth == 1:
            if tag != "ElectionResult":
                raise self.fail(f"root element is <{tag}>, not <ElectionResult>; not Clarity")
            self.seen_root = True
        elif depth == 2 and tag in _HEADER:
            self.capture = []
        elif tag == "Contest" and depth == 2:
            self.start_contest(attrs)
        elif tag == "Choice" and depth == 3 and self.contest >= 0:
            self.start_choice(attrs)
        elif tag == "VoteType" and self.contest >= 0:
            self.start_vote_type(attrs, in_choice=depth == 4)
        elif tag == "County" and depth == 4 and self.stack[2] == "ParticipatingCounties":
            self.participating(attrs)
        elif (
            depth == 4
            and tag in _LEAVES
            and self.stack[1] in ("ElectionVoterTurnout", "VoterTurnout")
        ):
            self.turnout_unit(tag, attrs)

    def end(self, tag: str) -> None:
        if self.in_votes and tag in _LEAVES:
            return
        depth = len(self.stack)
        self.stack.pop()
        if self.capture is not None and depth == 2:
            self.header[tag] = "".join(self.capture).strip()
            self.capture = None
        elif tag == "VoteType" and self.in_votes:
            self.end_vote_type()
        elif tag == "Choice" and self.candidate >= 0:
            self.end_choice()
        elif tag == "Contest" and depth == 2:
            self.contest = -1
            self.contest_where = ""

    def text(self, data: str) -> None:
        if self.capture is not None:
            self.capture.append(data)

    # -- pieces ----------------------------------------------------------------------------
    def read_header(self) -> None:
        if self.at is not None:
            return
        stamp = self.header.get("Timestamp")
        if not stamp:
            raise self.fail("no <Timestamp> before the first <Contest>", "Timestamp")
        try:
            self.at = parse_local_time(stamp)
            raw_date = self.header.get("ElectionDate")
            self.election_date = parse_us_date(raw_date) if raw_date else None
        except ValueError as err:
            raise self.fail(str(err), "Timestamp/ElectionDate") from None
        self.at_index = self.out.time(self.at)
        self.out.generated_at = self.at
        self.region = self.header.get("Region", "")
        self.state = known_state(self.region)

    def region_unit(self) -> int:
        """The file's own area: a state (state file, County leaves) or a county (Precinct)."""
        level = self.region_level or (UnitLevel.STATE if self.state else UnitLevel.COUNTY)
        unit_id = self.state if self.state is not None else slug(self.region)
        return self.out.unit(FeedUnit(id=UnitId(unit_id), name=self.region, level=level))

    def unit_for(self, tag: str, name: str) -> int:
        """The unit index of a leaf, or -1 when the unit map has no entry for it."""
        key = (tag, name)
        index = self.leaf_units.get(key)
        if index is not None:
            return index
        level = _LEAVES[tag]
        if self.region_level is None:
            self.region_level = UnitLevel.STATE if tag == "County" else UnitLevel.COUNTY
        if self.adapter.unit_map is not None:
            mapped = self.adapter.unit_map.get(name)
            if mapped is None:
                self.leaf_units[key] = -1
                return -1
            unit_id = UnitId(mapped)
        else:
            prefix = self.state if self.state is not None else slug(self.region)
            unit_id = UnitId(f"{prefix}-{slug(name)}")
        parent = self.out.units[self.region_unit()].id
        index = self.out.unit(
            FeedUnit(
                id=unit_id,
                name=name,
                level=level,
                feed_id=name,
                state=self.state,
                parents=(parent,),
            )
        )
        self.leaf_units[key] = index
        return index

    def turnout_unit(self, tag: str, attrs: dict[str, str]) -> None:
        self.read_header()
        name = attrs.get("name")
        if name is None:
            raise self.fail(f"<{tag}> without a name", "name")
        self.unit_for(tag, name)

    def start_contest(self, attrs: dict[str, str]) -> None:
        self.read_header()
        key, text = attrs.get("key", ""), attrs.get("text", "")
        if not text:
            raise self.fail(f"<Contest key={key!r}> has no text (contest name)", "text")
        presidential = (
            is_presidential(text)
            and self.election_date is not None
            and self.election_date.month == 11
            and self.election_date.year % 4 == 0
        )
        contest_id, race = make_contest_id(
            name=text,
            election_date=self.election_date,
            state=self.state,
            presidential_general=presidential,
        )
        self.contest_where = f"contest {key} {text!r}"
        if self.out.has_contest(contest_id):
            raise self.fail(f"{self.contest_where}: a second contest maps to {contest_id}", "key")
        self.contest = self.out.contest(
            FeedContest(
                id=contest_id,
                name=text,
                feed_id=key,
                state=self.state,
                election_date=self.election_date,
                race=race,
            )
        )
        self.candidate_ids = set()
        reported, total = attrs.get("precinctsReported"), attrs.get("precinctsParticipating")
        if reported is not None and total is not None and reported.isdigit() and total.isdigit():
            unit = self.region_unit()
            self.out.reporting.append(
                UnitReporting(
                    contest=contest_id,
                    unit=self.out.units[unit].id,
                    precincts_reporting=int(reported),
                    precincts_total=int(total),
                )
            )

    def participating(self, attrs: dict[str, str]) -> None:
        if self.contest < 0:
            return
        unit = self.unit_for("County", attrs.get("name", ""))
        reported, total = (
            attrs.get("precinctsReported", ""),
            attrs.get("precinctsParticipating", ""),
        )
        if unit >= 0 and reported.isdigit() and total.isdigit():
            self.out.reporting.append(
                UnitReporting(
                    contest=self.out.contests[self.contest].id,
                    unit=self.out.units[unit].id,
                    precincts_reporting=int(reported),
                    precincts_total=int(total),
                )
            )

    def start_choice(self, attrs: dict[str, str]) -> None:
        key, text = attrs.get("key", ""), attrs.get("text", "")
        if not text:
            raise self.fail(f"{self.contest_where}: <Choice key={key!r}> has no text", "text")
        candidate_id = CandidateId(slug(text))
        if candidate_id in self.candidate_ids:
            raise self.fail(f"{self.contest_where}: choice {text!r} appears twice", "Choice")
        self.candidate_ids.add(candidate_id)
        label = attrs.get("party", "")
        contest = self.out.contests[self.contest]
        self.candidate = self.out.candidate(
            FeedCandidate(
                contest=contest.id,
                id=candidate_id,
                name=text,
                party=party_of(label),
                party_label=label,
                feed_id=key,
            )
        )
        self.choice_runs = {}
        self.choice_total = attrs.get("totalVotes", "")
        self.choice_sum = 0

    def start_vote_type(self, attrs: dict[str, str], *, in_choice: bool) -> None:
        name = attrs.get("name", "")
        if not in_choice or self.candidate < 0:
            if name.strip().lower() not in RESIDUALS:
                self.out.notes.append(
                    f"{self.contest_where}: contest-level vote type {name!r} ignored"
                )
            return
        self.vote_type = name
        self.vote_type_total = count_from_text(
            attrs.get("votes", "0"),
            source=self.source,
            field="votes",
            line=self.parser.CurrentLineNumber,
            where=self.where(),
        )
        self.in_votes = True
        self.run_units = []
        self.run_votes = []

    def fast_vote_type(
        self, name: str, total: str, tag: str, names: list[bytes], votes: list[int]
    ) -> bool:
        """A whole candidate ``<VoteType>`` read by the fast path; False when out of context
        (the caller then feeds the bytes through expat instead)."""
        if self.candidate < 0 or self.stack != ["ElectionResult", "Contest", "Choice"]:
            return False
        self.start_vote_type({"name": name, "votes": total}, in_choice=True)
        cache = self.fast_units.setdefault(tag, {})
        units = list(map(cache.get, names))
        if None in units:
            for i, raw in enumerate(names):
                if units[i] is None:
                    units[i] = cache[raw] = self.unit_for(tag, raw.decode("utf-8"))
        self.run_units = units  # type: ignore[assignment]  # no None left
        self.run_votes = votes
        self.end_vote_type()
        return True

    def leaf(self, tag: str, attrs: dict[str, str]) -> None:
        raw = attrs.get("votes")
        name = attrs.get("name")
        if raw is None or name is None:
            raise self.fail(f"{self.where()}<{tag}> needs name and votes", "votes")
        if raw.isascii() and raw.isdigit() and len(raw) < 11:
            votes = int(raw)
        else:
            votes = count_from_text(
                raw,
                source=self.source,
                field="votes",
                line=self.parser.CurrentLineNumber,
                where=f"{self.where()}{tag.lower()} {name!r}: ",
            )
        unit = self.leaf_units.get((tag, name))
        if unit is None:
            unit = self.unit_for(tag, name)
        if unit < 0:
            self.unmapped_units[name] = self.unmapped_units.get(name, 0) + votes
            return
        self.run_units.append(unit)
        self.run_votes.append(votes)

    def end_vote_type(self) -> None:
        units, votes = self.run_units, self.run_votes
        self.in_votes = False
        if len(set(units)) != len(units):
            seen: set[int] = set()
            for unit in units:
                if unit in seen:
                    name = self.out.units[unit].name
                    raise self.fail(f"{self.where()}duplicated unit {name!r}", "name")
                seen.add(unit)
        if self.adapter.unit_map is None and sum(votes) != self.vote_type_total:
            self.out.notes.append(
                f"{self.where()}leaves add up to {sum(votes)}, the vote type says "
                f"{self.vote_type_total}"
            )
        mode = self.adapter.vote_types.get(self.vote_type.strip().lower())
        if mode is None:
            self.out.unmapped.append(
                Unmapped(
                    kind="vote_type",
                    feed_id=self.vote_type,
                    where=self.where().rstrip(": "),
                    reason="vote type not in the mapping table; pass vote_types= to map it",
                    votes=sum(votes),
                )
            )
        else:
            self.choice_runs.setdefault(mode, []).append((units, votes))
        self.choice_sum += self.vote_type_total
        self.vote_type = ""

    def end_choice(self) -> None:
        for mode, runs in self.choice_runs.items():
            if len(runs) == 1:
                units, votes = runs[0]
            else:  # two vendor vote types on one mode: add them unit by unit
                merged: dict[int, int] = {}
                for run_units, run_votes in runs:
                    for unit, vote in zip(run_units, run_votes, strict=True):
                        merged[unit] = merged.get(unit, 0) + vote
                units, votes = list(merged), list(merged.values())
            self.out.add_run(self.contest, self.candidate, mode, self.at_index, units, votes)
        if self.choice_total.isdigit() and int(self.choice_total) != self.choice_sum:
            name = self.out.candidates[self.candidate].name
            self.out.notes.append(
                f"{self.contest_where}: choice {name!r} totalVotes={self.choice_total} but its "
                f"vote types add up to {self.choice_sum}"
            )
        self.candidate = -1

    def finish(self) -> FeedPayload:
        if not self.seen_root:
            raise FeedFormatError("no <ElectionResult> element", source=self.source)
        for name, votes in self.unmapped_units.items():
            self.out.unmapped.append(
                Unmapped(
                    kind="unit",
                    feed_id=name,
                    where=self.region,
                    reason="not in the unit map given to the Clarity adapter",
                    votes=votes,
                )
            )
        return self.out.finish()
