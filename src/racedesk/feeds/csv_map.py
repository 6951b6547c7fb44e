"""Generic CSV with a column map: one row per contest, unit, candidate (and vote mode).

The default map reads columns ``contest, unit, candidate, votes`` (required) and ``mode, party,
unit_name, candidate_name, state, at`` (used when present); ``CsvAdapter(columns=ColumnMap(
votes="total_votes", ...))`` renames them. Values:

* contest: a racedesk contest id (``2024-president-PA``) is kept; anything else becomes
  ``<date>-<slug>`` with the date of the row's ``at`` (or ``ColumnMap.election_date``);
* unit: a county FIPS (zero-padded) → FIPS at county level; a state code → the state; anything
  else is kept as written, at the level in ``unit_level`` (default other);
* mode: a ``VoteMode`` value or a vendor name from ``mapping.VOTE_TYPES``; no column → total;
  unknown names are reported as unmapped with their votes;
* at: ISO 8601 with zone, required (per row, or ``ColumnMap.at_fixed``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO, ClassVar

from racedesk.domain.contests import parse_contest
from racedesk.domain.counts import VoteMode
from racedesk.domain.ids import CandidateId, ContestId, IdError, UnitId, fips, is_fips
from racedesk.errors import FeedFormatError
from racedesk.feeds.base import (
    FeedCandidate,
    FeedContest,
    FeedPayload,
    FeedUnit,
    UnitLevel,
    Unmapped,
)
from racedesk.feeds.builder import PayloadBuilder, count_from_text
from racedesk.feeds.mapping import (
    VOTE_TYPES,
    known_state,
    make_contest_id,
    parse_iso_time,
    party_of,
)
from racedesk.feeds.registry import register

MAX_FIELD = 4096  # characters: a longer field is not a results CSV


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnMap:
    contest: str = "contest"
    unit: str = "unit"
    candidate: str = "candidate"
    votes: str = "votes"
    mode: str = "mode"
    party: str = "party"
    unit_name: str = "unit_name"
    unit_level: str = "unit_level"
    candidate_name: str = "candidate_name"
    state: str = "state"
    at: str = "at"
    at_fixed: datetime | None = None  # when the file has no time column
    election_date: date | None = None  # for contest ids when the contest column holds names


@register
class CsvAdapter:
    name: ClassVar[str] = "csv"
    description: ClassVar[str] = "CSV with a column map (contest, unit, candidate, votes, ...)"

    def __init__(self, *, columns: ColumnMap | None = None) -> None:
        self.columns = columns or ColumnMap()

    def sniff(self, head: bytes, name: str) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
        header = {c.strip() for c in first.split(",")}
        c = self.columns
        return {c.contest, c.unit, c.candidate, c.votes} <= header

    def parse(self, data: bytes | BinaryIO, *, source: str) -> FeedPayload:
        stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
        try:
            return _CsvParse(self.columns, source, self.name).run(text)
        except UnicodeDecodeError as err:
            raise FeedFormatError(
                f"not UTF-8: {err.reason} at byte {err.start}", source=source
            ) from None
        except csv.Error as err:
            raise FeedFormatError(f"malformed CSV: {err}", source=source) from None
        finally:
            text.detach()


class _CsvParse:
    def __init__(self, columns: ColumnMap, source: str, format: str) -> None:
        self.c = columns
        self.source = source
        self.out = PayloadBuilder(source=source, format=format)
        self.contests: dict[str, int] = {}
        self.units: dict[str, int] = {}

    def fail(self, line: int, field: str, message: str) -> FeedFormatError:
        return FeedFormatError(message, source=self.source, line=line, field=field)

    def run(self, text: io.TextIOWrapper) -> FeedPayload:
        csv.field_size_limit(MAX_FIELD)
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            raise FeedFormatError("empty CSV (no header)", source=self.source, line=1)
        col = {name.strip(): i for i, name in enumerate(header)}
        c = self.c
        for needed in (c.contest, c.unit, c.candidate, c.votes):
            if needed not in col:
                raise self.fail(
                    1, needed, f"no column {needed!r} (header: {', '.join(header)[:200]})"
                )
        if c.at not in col and c.at_fixed is None:
            raise self.fail(1, c.at, f"no column {c.at!r} and no ColumnMap.at_fixed time")
        width = len(header)
        optional = {
            name: col.get(getattr(c, name))
            for name in (
                "mode",
                "party",
                "unit_name",
                "unit_level",
                "candidate_name",
                "state",
                "at",
            )
        }
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != width:
                raise self.fail(line, "", f"{len(row)} fields, the header has {width}")

            def get(name: str, row: list[str] = row) -> str:
                index = optional[name]
                return row[index].strip() if index is not None else ""

            self.row(
                line,
                row[col[c.contest]].strip(),
                row[col[c.unit]].strip(),
                row[col[c.candidate]].strip(),
                row[col[c.votes]].strip(),
                get,
            )
        if self.out.c_votes and len(self.out.times) == 1:
            self.out.generated_at = self.out.times[0]
        return self.out.finish()

    def row(
        self,
        line: int,
        contest: str,
        unit: str,
        candidate: str,
        votes_text: str,
        get: Callable[[str], str],
    ) -> None:
        c = self.c
        for field, value in ((c.contest, contest), (c.unit, unit), (c.candidate, candidate)):
            if not value:
                raise self.fail(line, field, "empty")
        votes = count_from_text(votes_text, source=self.source, field=c.votes, line=line)
        raw_at = get("at")
        try:
            at = parse_iso_time(raw_at) if raw_at else c.at_fixed
        except ValueError as err:
            raise self.fail(line, c.at, str(err)) from None
        if at is None:
            raise self.fail(line, c.at, "no time")
        contest_index = self.contest(line, contest, get("state"), at)
        contest_id = self.out.contests[contest_index].id
        unit_index = self.unit(line, unit, get("unit_name"), get("unit_level"))
        mode_text = get("mode")
        mode = VoteMode.TOTAL if not mode_text else _mode(mode_text)
        if mode is None:
            self.out.unmapped.append(
                Unmapped(
                    kind="vote_type",
                    feed_id=mode_text,
                    where=f"line {line}",
                    reason="unknown vote mode",
                    votes=votes,
                )
            )
            return
        label = get("party")
        cand_index = self.out.candidate(
            FeedCandidate(
                contest=contest_id,
                id=CandidateId(candidate),
                name=get("candidate_name") or candidate,
                party=party_of(label),
                party_label=label,
                feed_id=candidate,
            )
        )
        self.out.add(contest_index, unit_index, cand_index, mode, votes, self.out.time(at))

    def contest(self, line: int, text: str, state_text: str, at: datetime) -> int:
        index = self.contests.get(text)
        if index is not None:
            return index
        try:
            parsed = parse_contest(text)
            contest = FeedContest(
                id=parsed.id,
                name=text,
                feed_id=text,
                state=parsed.state,
                election_date=None,
                race=parsed.race,
            )
        except IdError:
            state = known_state(state_text)
            day = self.c.election_date or at.date()
            contest_id, _ = make_contest_id(
                name=text, election_date=day, state=state, presidential_general=False
            )
            contest = FeedContest(
                id=ContestId(contest_id), name=text, feed_id=text, state=state, election_date=day
            )
        index = self.contests[text] = self.out.contest(contest)
        return index

    def unit(self, line: int, text: str, name: str, level_text: str) -> int:
        index = self.units.get(text)
        if index is not None:
            return index
        state = known_state(text) if len(text) == 2 else None
        if text.isdigit() and len(text) <= 5 and is_fips(text.zfill(5)):
            try:
                unit_id, level = UnitId(fips(text)), UnitLevel.COUNTY
            except IdError as err:
                raise self.fail(line, self.c.unit, str(err)) from None
        elif state is not None:
            unit_id, level = UnitId(state), UnitLevel.STATE
        else:
            unit_id = UnitId(text)
            try:
                level = UnitLevel(level_text.lower()) if level_text else UnitLevel.OTHER
            except ValueError:
                raise self.fail(line, self.c.unit_level, f"unknown level {level_text!r}") from None
        index = self.units[text] = self.out.unit(
            FeedUnit(id=unit_id, name=name or text, level=level, feed_id=text)
        )
        return index


def _mode(text: str) -> VoteMode | None:
    try:
        return VoteMode(text.strip().lower())
    except ValueError:
        return VOTE_TYPES.get(text.strip().lower())
