"""The joint session of Congress that counts the electoral votes, and what follows it.

Objections (3 U.S.C. §15; domain.md §2.6): in writing, against one state's votes, on one of two
grounds — the electors were not lawfully certified, or a vote was not regularly given. From the
2024 count (ECRA) an objection is in order only if signed by at least one-fifth of the Senators
**and** one-fifth of the Representatives duly chosen and sworn (``ceil(n / 5)``: 20 of 100, 87 of
435); before, by one Member of each house. Each house then votes separately; the objection is
sustained only if **both** vote for it (more yeas than nays), and the state's objected votes are
then rejected (not counted). An objection whose house votes are not given yet is "pending" and
nothing is rejected.

Majority: of the whole number of electors appointed (``appointed // 2 + 1``). When an objection
that the electors were not lawfully certified is sustained, their appointment is rejected and
the whole number shrinks by them; votes rejected as not regularly given still count in it. (This
follows our reading of ECRA's §15(e)(2); domain.md §7 lists the exact wording as unverified.)

Outcome: a candidate with the majority is the president-elect, confirmed. Otherwise, once every
state's votes are in, the 12th Amendment's contingent election: the House by state delegation
(26 of 50; delegations given as input) chooses the President, the Senate (51 of 100) the Vice
President — ``racedesk.domain.electoral.contingent_house_vote`` / ``contingent_senate_vote``.

Ledger kinds: ``objection`` (race = state, payload = the objection), ``joint_session`` (payload =
the count's result, recorded when the count is entered).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time
from enum import StrEnum

from racedesk.college.electors_vote import ElectorsVote
from racedesk.domain.calendar import ECRA_FIRST_YEAR, calendar_for
from racedesk.domain.contests import Party
from racedesk.domain.electoral import (
    CONTINGENT_STATUS,
    HouseVote,
    Outcome,
    SenateVote,
    contingent_house_vote,
    contingent_senate_vote,
    majority,
)
from racedesk.domain.ids import IdError, StateCode, state_code
from racedesk.domain.nominees import nominee
from racedesk.errors import DataError, RacedeskError
from racedesk.history.calls import EASTERN
from racedesk.store.ledger import Ledger

OBJECTION = "objection"
JOINT_SESSION = "joint_session"


class CountError(RacedeskError, ValueError):
    """An objection or count input that makes no sense (unknown state, negative signatures)."""


class Grounds(StrEnum):
    NOT_LAWFULLY_CERTIFIED = "not_lawfully_certified"
    NOT_REGULARLY_GIVEN = "not_regularly_given"


@dataclass(frozen=True, slots=True, kw_only=True)
class Chambers:
    """Members duly chosen and sworn when the count is held."""

    senators: int = 100
    representatives: int = 435


@dataclass(frozen=True, slots=True, kw_only=True)
class Objection:
    state: StateCode
    grounds: Grounds
    senators_signed: int
    representatives_signed: int
    senate_yeas: int | None = None
    senate_nays: int | None = None
    house_yeas: int | None = None
    house_nays: int | None = None
    votes: int | None = None  # how many of the state's votes it targets; None: all


@dataclass(frozen=True, slots=True, kw_only=True)
class Ruling:
    objection: Objection
    in_order: bool
    sustained: bool
    pending: bool  # in order, but a house has not voted yet
    reason: str
    rejected_votes: int
    appointment_rejected: int  # electors removed from the whole number appointed


@dataclass(frozen=True, slots=True, kw_only=True)
class Contingent:
    """The 12th Amendment's contingent election, with whatever composition was given."""

    house: HouseVote | None
    senate: SenateVote | None
    president: Party | None
    vice_president: Party | None
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JointSession:
    year: int
    held_on: str  # the count date from the calendar (ISO)
    rulings: tuple[Ruling, ...]
    counted: dict[Party, int]
    others: dict[str, int]
    rejected: dict[StateCode, int]
    appointed: int
    majority: int
    outcome: Outcome
    winner: Party | None
    message: str
    contingent: Contingent | None


def signatures_needed(year: int, chambers: Chambers) -> tuple[int, int]:
    """(Senators, Representatives) who must sign an objection: one-fifth of each from 2024
    (ECRA), one of each before."""
    if year >= ECRA_FIRST_YEAR:
        return math.ceil(chambers.senators / 5), math.ceil(chambers.representatives / 5)
    return 1, 1


def objection(
    state: str,
    grounds: str | Grounds,
    *,
    senators_signed: int,
    representatives_signed: int,
    senate_vote: tuple[int, int] | None = None,
    house_vote: tuple[int, int] | None = None,
    votes: int | None = None,
) -> Objection:
    """Build an objection from loose input (state name or code, grounds by name)."""
    try:
        code = state_code(state)
    except IdError as error:
        raise CountError(str(error)) from None
    try:
        kind = (
            grounds if isinstance(grounds, Grounds) else Grounds(grounds.strip().replace("-", "_"))
        )
    except ValueError:
        raise CountError(
            f"unknown grounds {grounds!r}: {', '.join(g.value for g in Grounds)}"
        ) from None
    numbers = [senators_signed, representatives_signed, *(senate_vote or ()), *(house_vote or ())]
    if any(n < 0 for n in numbers) or (votes is not None and votes < 1):
        raise CountError(f"objection to {code}: negative signatures, votes or targeted votes")
    return Objection(
        state=code,
        grounds=kind,
        senators_signed=senators_signed,
        representatives_signed=representatives_signed,
        senate_yeas=senate_vote[0] if senate_vote else None,
        senate_nays=senate_vote[1] if senate_vote else None,
        house_yeas=house_vote[0] if house_vote else None,
        house_nays=house_vote[1] if house_vote else None,
        votes=votes,
    )


def rule(year: int, item: Objection, chambers: Chambers, state_votes: int) -> Ruling:
    """Whether an objection is in order, and whether both houses sustained it."""
    senate_needed, house_needed = signatures_needed(year, chambers)
    if item.senators_signed < senate_needed or item.representatives_signed < house_needed:
        law = "one-fifth of each house (ECRA)" if year >= ECRA_FIRST_YEAR else "one of each house"
        return Ruling(
            objection=item,
            in_order=False,
            sustained=False,
            pending=False,
            reason=(
                f"not in order: signed by {item.senators_signed} Senators and "
                f"{item.representatives_signed} Representatives; needs {senate_needed} and "
                f"{house_needed} ({law})"
            ),
            rejected_votes=0,
            appointment_rejected=0,
        )
    if None in (item.senate_yeas, item.senate_nays, item.house_yeas, item.house_nays):
        return Ruling(
            objection=item,
            in_order=True,
            sustained=False,
            pending=True,
            reason="in order; pending: each house must vote on it",
            rejected_votes=0,
            appointment_rejected=0,
        )
    senate = (item.senate_yeas or 0) > (item.senate_nays or 0)
    house = (item.house_yeas or 0) > (item.house_nays or 0)
    if not (senate and house):
        which = (
            "neither house" if not (senate or house) else ("the House" if senate else "the Senate")
        )
        return Ruling(
            objection=item,
            in_order=True,
            sustained=False,
            pending=False,
            reason=f"rejected: {which} voted it down (both must sustain it); the votes count",
            rejected_votes=0,
            appointment_rejected=0,
        )
    rejected = min(item.votes or state_votes, state_votes)
    certified = item.grounds is Grounds.NOT_LAWFULLY_CERTIFIED
    return Ruling(
        objection=item,
        in_order=True,
        sustained=True,
        pending=False,
        reason=(
            f"sustained by both houses: {rejected} of {item.state}'s votes rejected"
            + ("; their appointment too, so the whole number shrinks" if certified else "")
        ),
        rejected_votes=rejected,
        appointment_rejected=rejected if certified else 0,
    )


def contingent_election(
    year: int,
    delegations: Mapping[StateCode, Mapping[Party, int]] | None,
    senators: Mapping[Party, int] | None,
) -> Contingent:
    """The House (by delegation) and the Senate choosing, when no one has a majority."""
    house = contingent_house_vote(delegations) if delegations else None
    senate = contingent_senate_vote(senators) if senators else None
    parts = [CONTINGENT_STATUS]
    if house is None:
        parts.append("House: give the delegations (members by party per state) to play it out")
    elif house.winner:
        parts.append(
            f"House: {nominee(year, house.winner)} ({house.winner.value}) chosen President by "
            f"{house.votes[house.winner]} of 50 delegations ({house.needed} needed)"
        )
    else:
        tally = ", ".join(f"{p.value} {n}" for p, n in house.votes.items() if n)
        parts.append(
            f"House: no President chosen ({tally}; {len(house.divided)} divided; "
            f"{house.needed} needed): the Vice President-elect acts as President from January 20"
        )
    if senate is None:
        parts.append("Senate: give the Senators by party to choose the Vice President")
    elif senate.winner:
        parts.append(
            f"Senate: the {senate.winner.value} Vice-presidential nominee chosen with "
            f"{senate.votes[senate.winner]} votes ({senate.needed} needed)"
        )
    else:
        parts.append(f"Senate: no Vice President chosen ({senate.needed} votes needed)")
    return Contingent(
        house=house,
        senate=senate,
        president=house.winner if house else None,
        vice_president=senate.winner if senate else None,
        message="; ".join(parts),
    )


def joint_session(
    vote: ElectorsVote,
    objections: Sequence[Objection] = (),
    *,
    chambers: Chambers | None = None,
    delegations: Mapping[StateCode, Mapping[Party, int]] | None = None,
    senators: Mapping[Party, int] | None = None,
) -> JointSession:
    """Count ``vote`` with the objections' rulings, and say who is president-elect (or what the
    House and Senate do when nobody has a majority)."""
    year = vote.year
    seats = chambers or Chambers()
    rulings: list[Ruling] = []
    counted = dict(vote.electors)
    others = dict(vote.others)
    rejected: dict[StateCode, int] = {}
    reduction = 0
    for item in objections:
        cast = vote.by_state.get(item.state)
        if cast is None:
            raise CountError(
                f"objection to {item.state}: no votes of {item.state} recorded for {year}"
            )
        ruling = rule(year, item, seats, cast.cast)
        rulings.append(ruling)
        if not ruling.sustained or item.state in rejected:
            continue
        rejected[item.state] = ruling.rejected_votes
        reduction += ruling.appointment_rejected
        left = ruling.rejected_votes
        # Rejected votes come off the state's votes, largest recipient first.
        for key, count in sorted(cast.votes.items(), key=lambda kv: -kv[1]):
            take = min(count, left)
            left -= take
            if key in {p.value for p in Party}:
                counted[Party(key)] -= take
            else:
                others[key] -= take
    appointed = vote.appointed - reduction
    needed = majority(appointed)
    leader = max(counted, key=lambda p: counted[p])
    contingent = None
    if counted[leader] >= needed:
        outcome, winner = Outcome.PRESIDENT_ELECT, leader
        message = (
            f"{nominee(year, leader)} ({leader.value}) confirmed president-elect: "
            f"{counted[leader]} of {appointed} electoral votes ({needed} needed)"
        )
    elif vote.unrecorded:
        outcome, winner = Outcome.UNDECIDED, None
        message = (
            f"count incomplete: no votes recorded for {len(vote.unrecorded)} states "
            f"({', '.join(vote.unrecorded[:8])}{'…' if len(vote.unrecorded) > 8 else ''})"
        )
    else:
        outcome, winner = Outcome.CONTINGENT, None
        contingent = contingent_election(year, delegations, senators)
        score = "–".join(str(counted[p]) for p in (Party.DEM, Party.GOP))
        message = f"no majority ({score}, {needed} needed): {contingent.message}"
    return JointSession(
        year=year,
        held_on=calendar_for(year).congress_counts.isoformat(),
        rulings=tuple(rulings),
        counted=counted,
        others={k: v for k, v in others.items() if v},
        rejected=rejected,
        appointed=appointed,
        majority=needed,
        outcome=outcome,
        winner=winner,
        message=message,
        contingent=contingent,
    )


def record_objection(ledger: Ledger, year: int, item: Objection) -> int:
    """Append an objection to the ledger (dated on the count day); returns its seq."""
    day = calendar_for(year).congress_counts
    at = datetime.combine(day, time(13, 0), tzinfo=EASTERN)  # the joint session meets at 1 pm
    payload = {k: (v.value if isinstance(v, StrEnum) else v) for k, v in asdict(item).items()}
    return ledger.append(
        OBJECTION, year=year, at=at, actor="congress", race=item.state, payload=payload
    ).seq


def recorded_objections(ledger: Ledger, year: int) -> list[Objection]:
    out: list[Objection] = []
    for event in ledger.events(year=year, kinds=[OBJECTION]):
        p = dict(event.payload)
        out.append(
            Objection(
                state=StateCode(str(p["state"])),
                grounds=Grounds(str(p["grounds"])),
                senators_signed=int(p["senators_signed"]),
                representatives_signed=int(p["representatives_signed"]),
                senate_yeas=p.get("senate_yeas"),
                senate_nays=p.get("senate_nays"),
                house_yeas=p.get("house_yeas"),
                house_nays=p.get("house_nays"),
                votes=p.get("votes"),
            )
        )
    return out


def record_joint_session(ledger: Ledger, session: JointSession) -> int:
    """Append the count's result to the ledger (kind ``joint_session``); returns its seq."""
    day = calendar_for(session.year).congress_counts
    at = datetime.combine(day, time(13, 0), tzinfo=EASTERN)
    payload = {
        "counted": {p.value: n for p, n in session.counted.items()},
        "others": session.others,
        "rejected": dict(session.rejected),
        "appointed": session.appointed,
        "majority": session.majority,
        "outcome": session.outcome.value,
        "winner": session.winner.value if session.winner else None,
        "message": session.message,
    }
    return ledger.append(
        JOINT_SESSION, year=session.year, at=at, actor="congress", payload=payload
    ).seq


def parse_delegations(text: str, *, source: str) -> dict[StateCode, dict[Party, int]]:
    """House delegations from CSV text ``state,dem,gop[,other]`` (members by party)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("state", "dem", "gop") if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", source=source, line=1)
    delegations: dict[StateCode, dict[Party, int]] = {}
    for line, row in enumerate(reader, start=2):
        try:
            state = state_code(row["state"] or "")
            members = {
                party: int((row.get(party.value) or "0").strip() or 0)
                for party in Party
                if party.value in row
            }
        except (IdError, ValueError) as error:
            raise DataError(str(error), source=source, line=line) from None
        if state in delegations:
            raise DataError(f"{state} given twice", source=source, line=line, field="state")
        delegations[state] = members
    return delegations


def parse_senators(text: str) -> dict[Party, int]:
    """Senators by party from ``dem=47,gop=53``."""
    senators: dict[Party, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, count = part.partition("=")
        try:
            senators[Party(name.strip().lower())] = int(count)
        except ValueError:
            raise CountError(f"senators: {part!r} is not party=count (dem=47,gop=53)") from None
    return senators
