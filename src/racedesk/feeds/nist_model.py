"""The NIST SP 1500-100 v2 results model shared by the XML and JSON readers.

Both readers call ``NistResolver`` as objects arrive. References (a VoteCounts' GpUnitId, a
selection's CandidateIds, the election date) may arrive before what they point at (in XML the
GpUnits follow the Election), so each selection's counts are decided at once (which vote types
to keep) but attached to units, candidates and contest ids only in ``finish()``.

Rules:

* per selection and GpUnit, counts by type map to modes via ``mapping.NIST_COUNT_TYPES``; when
  both parts and a ``total`` are sent, the parts are kept and the total is never added to them
  (a total that disagrees with the parts is noted); when a part's type cannot be mapped
  ("other", "write-in") and a total exists, only the total is kept; otherwise unmappable parts
  are reported as unmapped;
* unit id: the ExternalIdentifier of type ``fips`` (a 5-digit county FIPS; 2 digits for a
  state) → FIPS / state code; an ``ocd-id`` ending ``state:xx`` → state code; otherwise
  ``<IssuerAbbreviation>-<ObjectId>``; level from the ReportingUnit ``Type``; parents from
  ``ComposingGpUnitIds``;
* candidate id: the candidate ObjectIds (``+``-joined for tickets); a PartySelection is
  ``party-<ObjectId>``; a ballot-measure selection its own ObjectId;
* contest id name: the contest Name, plus its district's name when the district is not the
  election scope (two "Representative in Congress" contests differ by district);
* a contest is presidential when its name says so, the election ``Type`` is general and its
  district (or an ancestor, or the election scope) is a known state.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from datetime import date

import numpy as np

from racedesk.domain.contests import Party
from racedesk.domain.counts import VoteMode
from racedesk.domain.ids import FIPS_STATE, CandidateId, IdError, StateCode, UnitId, fips
from racedesk.errors import FeedFormatError
from racedesk.feeds.base import (
    MODE_INDEX,
    MODES,
    FeedCandidate,
    FeedContest,
    FeedPayload,
    FeedUnit,
    UnitLevel,
    UnitReporting,
    Unmapped,
)
from racedesk.feeds.builder import PayloadBuilder
from racedesk.feeds.mapping import (
    NIST_COUNT_TYPES,
    NIST_UNIT_LEVELS,
    is_presidential,
    known_state,
    make_contest_id,
    parse_iso_time,
    party_of,
)

_OCD_STATE = re.compile(r"/state:([a-z]{2})(?:/|$)")


@dataclass(frozen=True, slots=True, kw_only=True)
class NistUnit:
    id: str
    type: str
    name: str
    composing: tuple[str, ...] = ()
    external: tuple[tuple[str, str], ...] = ()  # (type or other type, value)


@dataclass(slots=True, kw_only=True)
class _Contest:
    id: str
    kind: str
    name: str = ""
    district: str = ""
    reported: int | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NistSelection:
    id: str
    kind: str  # CandidateSelection | PartySelection | BallotMeasureSelection
    candidate_ids: tuple[str, ...] = ()
    party_ids: tuple[str, ...] = ()
    text: str = ""
    write_in: bool = False


class NistResolver:
    def __init__(self, *, source: str, format: str) -> None:
        self.source = source
        self.out = PayloadBuilder(source=source, format=format)
        self.header: dict[str, str] = {}
        self.units: dict[str, NistUnit] = {}
        self.parties: dict[str, tuple[str, str]] = {}  # id -> (abbreviation, name)
        self.people: dict[str, tuple[str, str]] = {}  # candidate id -> (ballot name, party id)
        self.contests: list[_Contest] = []
        self.parents: dict[str, list[str]] = {}
        self.ids: dict[str, UnitId] = {}
        self.contest_ids: set[str] = set()
        self.selections: list[tuple[int, NistSelection]] = []
        self.gp_index: dict[str, int] = {}
        self.rows_sel = array("i")
        self.rows_gp = array("i")
        self.rows_mode = array("b")
        self.rows_votes = array("q")

    def fail(
        self, message: str, field: str | None = None, line: int | None = None
    ) -> FeedFormatError:
        return FeedFormatError(message, source=self.source, field=field, line=line)

    # -- objects as they arrive ------------------------------------------------------------
    def unit(self, unit: NistUnit, line: int | None = None) -> None:
        if unit.id in self.units:
            raise self.fail(f"duplicated unit: GpUnit {unit.id!r} defined twice", "GpUnit", line)
        self.units[unit.id] = unit

    def party(self, party_id: str, abbreviation: str, name: str) -> None:
        self.parties[party_id] = (abbreviation, name)

    def candidate(self, candidate_id: str, ballot_name: str, party_id: str) -> None:
        self.people[candidate_id] = (ballot_name, party_id)

    def contest(self, contest_id: str, kind: str, *, line: int | None = None) -> int:
        """Open a contest; its name and district may follow its selections (XML order)."""
        if not contest_id:
            raise self.fail("a Contest without ObjectId/@id", "Contest", line)
        if contest_id in self.contest_ids:
            raise self.fail(f"contest {contest_id!r} defined twice", "Contest", line)
        self.contest_ids.add(contest_id)
        self.contests.append(_Contest(id=contest_id, kind=kind))
        return len(self.contests) - 1

    def describe(
        self, index: int, *, name: str, district: str, reported: int | None, total: int | None
    ) -> None:
        contest = self.contests[index]
        contest.name, contest.district = name, district
        contest.reported, contest.total = reported, total

    def selection(
        self,
        contest: int,
        selection: NistSelection,
        counts: list[tuple[str, str, int]],
        where: str,
        line: int | None = None,
    ) -> None:
        """One selection's VoteCounts: (GpUnitId, Type or OtherType, count)."""
        index = len(self.selections)
        self.selections.append((contest, selection))
        by_unit: dict[str, dict[str, int]] = {}
        for gp, kind, votes in counts:
            types = by_unit.setdefault(gp, {})
            if kind in types:
                raise self.fail(
                    f"{where}: duplicated unit: VoteCounts for GpUnit {gp!r} type {kind!r} twice",
                    "VoteCounts",
                    line,
                )
            types[kind] = votes
        for gp, types in by_unit.items():
            for mode, votes in self.decide(types, f"{where}, GpUnit {gp!r}"):
                gp_i = self.gp_index.setdefault(gp, len(self.gp_index))
                self.rows_sel.append(index)
                self.rows_gp.append(gp_i)
                self.rows_mode.append(MODE_INDEX[mode])
                self.rows_votes.append(votes)

    def decide(self, types: dict[str, int], where: str) -> list[tuple[VoteMode, int]]:
        """Which counts to keep for one selection and unit: parts, or the total, never both."""
        total = types.get("total")
        parts = {k: v for k, v in types.items() if k != "total"}
        if not parts:
            return [(VoteMode.TOTAL, total)] if total is not None else []
        unknown = [k for k in parts if k not in NIST_COUNT_TYPES]
        if unknown and total is not None:
            return [(VoteMode.TOTAL, total)]
        by_mode: dict[VoteMode, int] = {}
        for kind, votes in parts.items():
            mode = NIST_COUNT_TYPES.get(kind)
            if mode is None:
                self.out.unmapped.append(
                    Unmapped(
                        kind="vote_type",
                        feed_id=kind,
                        where=where,
                        reason="CountItemType not mapped",
                        votes=votes,
                    )
                )
            else:
                by_mode[mode] = by_mode.get(mode, 0) + votes
        if total is not None and total != sum(by_mode.values()):
            self.out.notes.append(
                f"{where}: total {total} differs from its parts {sum(by_mode.values())}; parts kept"
            )
        return list(by_mode.items())

    # -- the end ---------------------------------------------------------------------------
    def state_of(self, unit_id: str, seen: frozenset[str] = frozenset()) -> StateCode | None:
        """The state a unit is in: its own identifiers, else a unit that composes it."""
        unit = self.units.get(unit_id)
        if unit is None or unit_id in seen:
            return None
        own = self.own_state(unit)
        if own is not None:
            return own
        for parent in self.parents.get(unit_id, ()):
            found = self.state_of(parent, seen | {unit_id})
            if found is not None:
                return found
        return None

    def own_state(self, unit: NistUnit) -> StateCode | None:
        for kind, value in unit.external:
            if kind == "ocd-id" and (match := _OCD_STATE.search(value.lower())):
                return known_state(match.group(1))
            if kind == "fips" and value.isdigit():
                code = value[:2] if len(value) >= 2 else value.zfill(2)
                if code in FIPS_STATE:
                    return StateCode(FIPS_STATE[code])
        return known_state(unit.name) if unit.type == "state" else None

    def unit_id(self, unit: NistUnit) -> UnitId:
        fallback = UnitId(f"{self.header.get('IssuerAbbreviation') or 'NIST'}-{unit.id}")
        for kind, value in unit.external:
            if kind != "fips":
                continue
            if len(value) <= 2 and unit.type == "state" and value.zfill(2) in FIPS_STATE:
                return UnitId(FIPS_STATE[value.zfill(2)])
            try:
                return UnitId(fips(value))
            except IdError as err:
                self.out.unmapped.append(
                    Unmapped(
                        kind="unit",
                        feed_id=value,
                        where=f"GpUnit {unit.id}",
                        reason=str(err),
                        kept_as=fallback,
                    )
                )
        if unit.type == "state" and (state := self.own_state(unit)) is not None:
            return UnitId(state)
        return fallback

    def finish(self) -> FeedPayload:
        out = self.out
        generated = self.header.get("GeneratedDate", "")
        try:
            at = parse_iso_time(generated)
            start = self.header.get("StartDate", "")
            election_date = date.fromisoformat(start) if start else None
        except ValueError as err:
            raise self.fail(f"bad GeneratedDate/StartDate: {err}", "GeneratedDate") from None
        out.generated_at = at
        at_index = out.time(at)
        for unit in self.units.values():
            for child in unit.composing:
                self.parents.setdefault(child, []).append(unit.id)
        ids = self.ids = {key: self.unit_id(unit) for key, unit in self.units.items()}
        unit_rows = np.full(len(self.gp_index), -1, dtype=np.int64)
        for gp_id, gp_i in self.gp_index.items():
            found = self.units.get(gp_id)
            if found is None:
                continue
            unit_rows[gp_i] = out.unit(
                FeedUnit(
                    id=ids[gp_id],
                    name=found.name,
                    feed_id=found.id,
                    state=self.state_of(gp_id),
                    level=NIST_UNIT_LEVELS.get(found.type, UnitLevel.OTHER),
                    parents=tuple(ids[p] for p in self.parents.get(gp_id, ())),
                )
            )
        contest_rows = self.resolve_contests(election_date)
        cand_rows = np.array(
            [self.resolve_selection(contest_rows[c], s) for c, s in self.selections] or [0],
            dtype=np.int64,
        )
        sel = np.frombuffer(self.rows_sel, dtype=np.int32)
        gp = np.frombuffer(self.rows_gp, dtype=np.int32)
        votes = np.frombuffer(self.rows_votes, dtype=np.int64)
        mode = np.frombuffer(self.rows_mode, dtype=np.int8)
        units = unit_rows[gp] if len(gp) else np.zeros(0, np.int64)
        cands = cand_rows[sel] if len(sel) else np.zeros(0, np.int64)
        keep = (units >= 0) & (cands >= 0)
        self.report_dropped(~keep & (units < 0), gp, votes, "unit", "GpUnitId has no GpUnit")
        self.report_dropped(~keep & (units >= 0), sel, votes, "candidate", "unknown CandidateIds")
        contest_of_sel = np.array([contest_rows[c] for c, _ in self.selections] or [0], np.int64)
        for i in np.flatnonzero(keep).tolist():
            out.add(
                int(contest_of_sel[sel[i]]),
                int(units[i]),
                int(cands[i]),
                MODES[mode[i]],
                int(votes[i]),
                at_index,
            )
        return out.finish()

    def report_dropped(
        self, mask: np.ndarray, keys: np.ndarray, votes: np.ndarray, kind: str, reason: str
    ) -> None:
        if not mask.any():
            return
        names = {v: k for k, v in self.gp_index.items()} if kind == "unit" else None
        for key in np.unique(keys[mask]).tolist():
            lost = int(votes[mask & (keys == key)].sum())
            if names is not None:
                feed_id = names[key]
            else:
                feed_id = (
                    "+".join(self.selections[key][1].candidate_ids) or self.selections[key][1].id
                )
            self.out.unmapped.append(
                Unmapped(kind=kind, feed_id=feed_id, where=self.source, reason=reason, votes=lost)
            )

    def resolve_contests(self, election_date: date | None) -> list[int]:
        rows = []
        general = self.header.get("Type", "") == "general"
        scope_state = self.state_of(self.header.get("ElectionScopeId", ""))
        test = self.header.get("IsTest", "").lower() == "true"
        for contest in self.contests:
            state = self.state_of(contest.district) or scope_state
            name = contest.name or contest.id
            district = self.units.get(contest.district)
            scope = self.header.get("ElectionScopeId", "")
            id_name = name  # the district's name tells apart same-named contests
            if district is not None and district.id != scope and district.name:
                id_name = f"{name} {district.name}"
            presidential = general and contest.kind == "CandidateContest" and is_presidential(name)
            racedesk_id, race = make_contest_id(
                name=id_name,
                election_date=election_date,
                state=state,
                presidential_general=presidential,
            )
            if self.out.has_contest(racedesk_id):
                raise self.fail(f"two contests map to {racedesk_id}", f"Contest {contest.id}")
            rows.append(
                self.out.contest(
                    FeedContest(
                        id=racedesk_id,
                        name=name,
                        feed_id=contest.id,
                        state=state,
                        election_date=election_date,
                        race=race,
                        test=test,
                    )
                )
            )
            unit = self.units.get(contest.district)
            if unit is not None and (contest.reported is not None or contest.total is not None):
                self.out.unit(
                    FeedUnit(
                        id=self.ids[unit.id],
                        name=unit.name,
                        feed_id=unit.id,
                        level=NIST_UNIT_LEVELS.get(unit.type, UnitLevel.OTHER),
                    )
                )
                self.out.reporting.append(
                    UnitReporting(
                        contest=racedesk_id,
                        unit=self.ids[unit.id],
                        precincts_reporting=contest.reported,
                        precincts_total=contest.total,
                    )
                )
        return rows

    def resolve_selection(self, contest: int, selection: NistSelection) -> int:
        contest_id = self.out.contests[contest].id
        party_id = ""
        if selection.kind == "PartySelection":
            ident, party_id = (
                f"party-{'+'.join(selection.party_ids)}",
                next(iter(selection.party_ids), ""),
            )
            name = self.parties.get(party_id, ("", party_id))[1]
        elif selection.kind == "CandidateSelection" and not selection.candidate_ids:
            ident, name = selection.id, "Write-in" if selection.write_in else selection.id
        elif selection.kind == "CandidateSelection":
            if any(c not in self.people for c in selection.candidate_ids):
                return -1
            ident = "+".join(selection.candidate_ids)
            name = " / ".join(self.people[c][0] for c in selection.candidate_ids)
            party_id = self.people[selection.candidate_ids[0]][1]
        else:
            ident, name = selection.id, selection.text or selection.id
        abbreviation, party_name = self.parties.get(party_id, ("", ""))
        party: Party | None = party_of(abbreviation) or party_of(party_name)
        if party == Party.OTHER and party_of(party_name) in (Party.DEM, Party.GOP):
            party = party_of(party_name)
        return self.out.candidate(
            FeedCandidate(
                contest=contest_id,
                id=CandidateId(ident),
                name=name,
                party=party,
                party_label=abbreviation or party_name,
                feed_id=selection.id,
            )
        )
