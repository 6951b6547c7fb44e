"""AP Elections API JSON (v2, and v3's fields where they differ): races → reporting units →
candidates.

Mapping:

* contest: a presidential general race (``officeID`` P, ``raceTypeID`` G) in a known state →
  ``2024-president-PA``; its Maine/Nebraska ``district`` units → ``2024-president-NE-02``.
  Any other race → ``<electionDate>-<state>-<officeName seatName party raceType>`` slugged
  (``2016-03-05-ks-president-dem-caucus``); two races landing on one id is an error.
* unit: the state-level unit → the state code (``AK``); a subunit with a ``fipsCode`` → the
  5-digit county FIPS; New England towns (several units of one race sharing a county
  ``fipsCode``, or ``level: township``) → ``AP-<state>-<reportingunitID>`` at township level
  with the county as parent; anything else → ``AP-<state>-<reportingunitID>``. A ``fipsCode``
  that is not a county FIPS is kept under that fallback id and listed in ``unmapped``.
* candidate: ``ap-<polID>`` (stable across states; ``ap-c<candidateID>`` without polID),
  party from ``party`` (Dem → dem, GOP → gop, others → other; none for ballot measures).
* votes: ``voteCount`` as a ``total`` count per unit; the state unit's expected final total is
  ``votes / eevp`` when the race gives ``eevp`` > 0.
* calls: ``winner: "X"`` on the state-level unit (or a ME/NE district unit) → an
  ``ExternalCall`` by "AP" at the unit's ``lastUpdated``. County-level flags are not calls.
* test data: races with ``"test": true`` (v2) or ``resultsType: "test"`` (v3) are kept and
  marked ``FeedContest.test`` with a note (``test_races="flag"``, the default), or left out
  with a note (``ApAdapter(test_races="skip")``, for a live night).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, BinaryIO, ClassVar, Literal

from racedesk.domain.contests import Party
from racedesk.domain.counts import VoteMode
from racedesk.domain.ids import DISTRICTS, CandidateId, ContestId, IdError, StateCode, UnitId, fips
from racedesk.feeds import jsonsafe
from racedesk.feeds.base import (
    ExternalCall,
    FeedCandidate,
    FeedContest,
    FeedPayload,
    FeedUnit,
    UnitLevel,
    UnitReporting,
    Unmapped,
)
from racedesk.feeds.builder import MAX_VOTES, PayloadBuilder
from racedesk.feeds.mapping import (
    district_race,
    known_state,
    make_contest_id,
    parse_iso_time,
    party_of,
)
from racedesk.feeds.registry import register

NEW_ENGLAND = frozenset({"CT", "MA", "ME", "NH", "RI", "VT"})


@register
class ApAdapter:
    name: ClassVar[str] = "ap"
    description: ClassVar[str] = "AP Elections API JSON (races, reporting units, candidates)"

    def __init__(self, *, test_races: Literal["flag", "skip"] = "flag") -> None:
        self.test_races = test_races

    def sniff(self, head: bytes, name: str) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return (
            text.startswith(b"{")
            and b"ElectionResults." not in head
            and any(key in head for key in (b'"races"', b'"electionDate"', b'"elections"'))
        )

    def parse(self, data: bytes | BinaryIO, *, source: str) -> FeedPayload:
        stream = jsonsafe.open_json(data, source=source)
        parse = _ApParse(self, source)
        path = ""
        try:
            header, has_races = jsonsafe.top_level(stream, stop_at="races")
            if has_races and ("electionDate" not in header or "timestamp" not in header):
                header, _ = jsonsafe.top_level(stream, stop_at=None)  # scalars after the races
            parse.read_header(header)
            if has_races:
                for number, race in enumerate(jsonsafe.items(stream, "races.item")):
                    path = f"races[{number}]"
                    parse.race(race, path)
            else:
                parse.out.notes.append("no races in this payload (an AP elections list?)")
        except jsonsafe.PARSE_ERRORS as err:
            raise jsonsafe.json_error(err, source=source, what="AP", path=path) from None
        return parse.out.finish()


class _ApParse:
    def __init__(self, adapter: ApAdapter, source: str) -> None:
        self.adapter = adapter
        self.source = source
        self.read = jsonsafe.Reader(source)
        self.out = PayloadBuilder(source=source, format=adapter.name)
        self.election_date: date | None = None
        self.timestamp: datetime | None = None
        self.race_ids: dict[ContestId, str] = {}
        self.candidate_cache: dict[tuple[int, object, object], int] = {}
        self.unit_cache: dict[tuple[object, ...], int] = {}
        self.time_cache: dict[str, int] = {}

    def time(self, raw: str, path: str) -> datetime:
        try:
            return parse_iso_time(raw)
        except ValueError as err:
            raise self.read.fail(path, str(err)) from None

    def read_header(self, header: dict[str, Any]) -> None:
        raw_date = header.get("electionDate")
        if isinstance(raw_date, str):
            try:
                self.election_date = date.fromisoformat(raw_date)
            except ValueError:
                raise self.read.fail("electionDate", f"not a date: {raw_date!r:.40}") from None
        raw_time = header.get("timestamp")
        if isinstance(raw_time, str):
            self.timestamp = self.time(raw_time, "timestamp")
            self.out.generated_at = self.timestamp

    def race(self, value: object, path: str) -> None:
        read = self.read
        race = read.obj(value, path)
        race_id = read.text(race, "raceID", path, required=True)
        test = read.flag(race, "test", path) or race.get("resultsType") == "test"
        if test and self.adapter.test_races == "skip":
            self.out.notes.append(f"race {race_id}: test data, skipped")
            return
        units = [
            read.obj(u, f"{path}.reportingUnits[{i}]")
            for i, u in enumerate(read.list(race, "reportingUnits", path))
        ]
        state_text = read.text(race, "statePostal", path) or next(
            (read.text(u, "statePostal", path) for u in units if u.get("statePostal")), ""
        )
        state = known_state(state_text) if len(state_text) == 2 else None
        office = read.text(race, "officeID", path)
        presidential = office == "P" and read.text(race, "raceTypeID", path) == "G"
        race_type = read.text(race, "raceType", path)
        name_parts = [
            read.text(race, "officeName", path),
            read.text(race, "seatName", path),
            read.text(race, "party", path),
            "" if race_type == "General" else race_type,
        ]
        name = " ".join(p for p in name_parts if p) or f"race {race_id}"
        contest = self.contest(race_id, name, state, presidential, test, path)
        if test:
            self.out.notes.append(f'race {race_id}: test data ("test": true), kept and flagged')
        eevp = read.number(race, "eevp", path)
        if not units:  # initialization files: candidates only
            for i, cand in enumerate(read.list(race, "candidates", path)):
                self.candidate(
                    contest,
                    read.obj(cand, f"{path}.candidates[{i}]"),
                    f"{path}.candidates[{i}]",
                    office,
                )
            return
        shared = Counter(read.text(u, "fipsCode", path) for u in units if u.get("level") != "state")
        seen: set[tuple[str, str]] = set()
        for i, unit in enumerate(units):
            unit_path = f"{path}.reportingUnits[{i}]"
            level = read.text(unit, "level", unit_path)
            ru_id = read.text(unit, "reportingunitID", unit_path)
            key = (level, ru_id or read.text(unit, "statePostal", unit_path))
            if key in seen:
                raise read.fail(unit_path, f"duplicated unit: race {race_id} lists {key} twice")
            seen.add(key)
            target = contest
            district = district_race(state, read.text(unit, "reportingunitName", unit_path))
            if presidential and level == "district" and district:
                target = self.contest(race_id, name, state, True, test, path, district)
            unit_key = (
                level,
                ru_id,
                unit.get("fipsCode"),
                unit.get("statePostal"),
                unit.get("reportingunitName"),
                shared[unit.get("fipsCode") or ""] > 1,
            )
            unit_index = self.unit_cache.get(unit_key, -1)
            if unit_index < 0:  # the same units recur in every race: build each once
                unit_index = self.unit_cache[unit_key] = self.unit(unit, unit_path, state, shared)
            self.results(
                target, unit_index, unit, unit_path, office, eevp if level == "state" else None
            )

    def contest(
        self,
        race_id: str,
        name: str,
        state: StateCode | None,
        presidential: bool,
        test: bool,
        path: str,
        district: str | None = None,
    ) -> int:
        contest_id, race = make_contest_id(
            name=name,
            election_date=self.election_date,
            state=state,
            presidential_general=presidential,
            race_district=district,
        )
        owner = self.race_ids.setdefault(contest_id, race_id)
        if owner != race_id:
            raise self.read.fail(
                path, f"races {owner} and {race_id} both map to contest {contest_id}"
            )
        return self.out.contest(
            FeedContest(
                id=contest_id,
                name=name if district is None else f"{name} {district}",
                feed_id=race_id,
                state=state,
                election_date=self.election_date,
                race=race,
                test=test,
            )
        )

    def unit(
        self, unit: dict[str, Any], path: str, state: StateCode | None, shared: Counter[str]
    ) -> int:
        read = self.read
        level = read.text(unit, "level", path)
        postal = read.text(unit, "statePostal", path) or (state or "")
        name = read.text(unit, "reportingunitName", path) or read.text(unit, "stateName", path)
        if level == "state":
            return self.out.unit(
                FeedUnit(
                    id=UnitId(postal.upper()),
                    name=name or postal,
                    level=UnitLevel.STATE,
                    feed_id=postal,
                    state=state,
                )
            )
        ru_id = read.text(unit, "reportingunitID", path, required=True)
        fallback = UnitId(f"AP-{postal.upper()}-{ru_id}")
        district = district_race(state, name) if level == "district" else None
        if district is not None:
            return self.out.unit(
                FeedUnit(
                    id=UnitId(district),
                    name=name,
                    level=UnitLevel.DISTRICT,
                    feed_id=ru_id,
                    state=state,
                )
            )
        raw_fips = read.text(unit, "fipsCode", path)
        county: UnitId | None = None
        if raw_fips:
            try:
                county = UnitId(fips(raw_fips))
            except IdError as err:
                self.out.unmapped.append(
                    Unmapped(
                        kind="unit", feed_id=raw_fips, where=path, reason=str(err), kept_as=fallback
                    )
                )
        town = level == "township" or (raw_fips != "" and shared[raw_fips] > 1)
        if town:
            feed_unit = FeedUnit(
                id=fallback,
                name=name,
                level=UnitLevel.TOWNSHIP,
                feed_id=ru_id,
                state=state,
                parents=(county,) if county else (),
            )
        elif raw_fips:  # a county, under its FIPS (or the fallback id when the code is bad)
            feed_unit = FeedUnit(
                id=county or fallback,
                name=name,
                level=UnitLevel.COUNTY,
                feed_id=ru_id,
                state=state,
                parents=(UnitId(postal.upper()),),
            )
        else:
            level_of = {"district": UnitLevel.DISTRICT, "township": UnitLevel.TOWNSHIP}
            feed_unit = FeedUnit(
                id=fallback,
                name=name,
                level=level_of.get(level, UnitLevel.OTHER),
                feed_id=ru_id,
                state=state,
            )
        if feed_unit.level == UnitLevel.COUNTY and postal.upper() in NEW_ENGLAND:
            self.out.notes.append(f"{path}: {postal} unit {name!r} reported at county level")
        return self.out.unit(feed_unit)

    def candidate(self, contest: int, cand: dict[str, Any], path: str, office: str) -> int | None:
        read = self.read
        pol_id = read.text(cand, "polID", path)
        cand_id = read.text(cand, "candidateID", path)
        if not pol_id and not cand_id:
            return None
        name = " ".join(
            p for p in (read.text(cand, "first", path), read.text(cand, "last", path)) if p
        )
        label = read.text(cand, "party", path)
        party: Party | None = None if office == "I" else party_of(label)
        contest_id = self.out.contests[contest].id
        return self.out.candidate(
            FeedCandidate(
                contest=contest_id,
                id=CandidateId(f"ap-{pol_id}" if pol_id else f"ap-c{cand_id}"),
                name=name or cand_id,
                party=party,
                party_label=label,
                feed_id=cand_id,
            )
        )

    def results(
        self,
        contest: int,
        unit: int,
        ru: dict[str, Any],
        path: str,
        office: str,
        eevp: float | None,
    ) -> None:
        read = self.read
        updated = read.text(ru, "lastUpdated", path)
        at_index = self.time_cache.get(updated, -1)
        if at_index < 0:
            at = self.time(updated, f"{path}.lastUpdated") if updated else self.timestamp
            if at is None:
                raise read.fail(path, "no lastUpdated on the unit and no timestamp on the payload")
            at_index = self.time_cache[updated] = self.out.time(at)
        at = self.out.times[at_index]
        contest_id = self.out.contests[contest].id
        unit_id = self.out.units[unit].id
        eevp = read.number(ru, "eevp", path) if eevp is None else eevp
        self.out.reporting.append(
            UnitReporting(
                contest=contest_id,
                unit=unit_id,
                eevp=eevp,
                precincts_reporting=read.count(ru, "precinctsReporting", path),
                precincts_total=read.count(ru, "precinctsTotal", path),
            )
        )
        indexes: list[int] = []
        counts: list[int] = []
        call_unit = self.is_call_unit(unit)
        cache = self.candidate_cache
        for i, cand in enumerate(read.list(ru, "candidates", path)):
            if type(cand) is not dict:
                read.obj(cand, f"{path}.candidates[{i}]")
            votes = cand.get("voteCount")
            if type(votes) is not int or not 0 <= votes < MAX_VOTES:  # the slow, checked path
                votes = read.count(cand, "voteCount", f"{path}.candidates[{i}]")
            key = (contest, cand.get("polID"), cand.get("candidateID"))
            index = cache.get(key) if type(key[1]) is str and type(key[2]) is str else None
            if index is None:
                index = self.candidate(contest, cand, f"{path}.candidates[{i}]", office)
                if index is None:
                    self.out.unmapped.append(
                        Unmapped(
                            kind="candidate",
                            feed_id=read.text(cand, "last", path),
                            where=f"{path}.candidates[{i}]",
                            reason="no polID or candidateID",
                            votes=votes or 0,
                        )
                    )
                    continue
                cache[key] = index
            if votes is not None:
                indexes.append(index)
                counts.append(votes)
            if call_unit and cand.get("winner") == "X":
                self.out.calls.append(
                    ExternalCall(
                        caller="AP",
                        contest=contest_id,
                        race=self.out.contests[contest].race,
                        winner=self.out.candidates[index].id,
                        at=at,
                    )
                )
        if len(set(indexes)) != len(indexes):
            twice = next(i for i in indexes if indexes.count(i) > 1)
            raise read.fail(path, f"candidate {self.out.candidates[twice].id} listed twice")
        expected = -1
        if eevp and eevp > 0 and sum(counts):
            expected = round(sum(counts) * 100 / eevp)
        self.out.add_unit_run(contest, unit, VoteMode.TOTAL, at_index, indexes, counts, expected)

    def is_call_unit(self, unit: int) -> bool:
        """AP's call is on the state unit, or a Maine/Nebraska district unit."""
        feed_unit = self.out.units[unit]
        return feed_unit.level == UnitLevel.STATE or feed_unit.id in DISTRICTS
