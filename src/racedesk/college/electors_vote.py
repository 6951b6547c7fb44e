"""The electors' vote as cast, state by state, faithless electors included.

Ledger kind ``elector_votes``: race = the state (all of a state's electors meet together, Maine's
and Nebraska's district electors too), ``at`` = when they voted, payload
``{"votes": {"gop": 36, "John Kasich": 1, "Ron Paul": 1}, "abstained": 0, "source": ...,
"corrects": <seq or null>, "flags": [...]}``. Vote keys are a party code for that party's
nominee, or the name of anyone else who received a vote.

Rules: more votes (plus abstentions) than the state has electors is refused; fewer is recorded
with a warning ("2 electors of WA not yet recorded"); a second record for a state is refused
unless it is a correction, which is a new event naming the one it corrects (both stay in the
ledger; the latest counts). Votes dated before the certificate of ascertainment deadline or after
the certificates-due date are recorded and flagged ``out_of_legal_order``.

Faithless electors are found by comparing the votes with the pledged tally: a state's pledged
electors for a party minus the votes its nominee received there. ``historical_votes`` rebuilds a
past year's state votes from ``history.outcome`` (whose ``cast`` applies ``as_cast``): 2016 gives
Trump 304, Clinton 227 and seven faithless electors (WA 4, TX 2, HI 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from racedesk.domain.calendar import calendar_for
from racedesk.domain.contests import Party
from racedesk.domain.electoral import Outcome, Tally, electoral_votes, majority, race_electors
from racedesk.domain.ids import STATES, IdError, StateCode, state_code
from racedesk.domain.nominees import NOMINEES
from racedesk.errors import RacedeskError
from racedesk.history.calls import EASTERN
from racedesk.history.outcome import PresidentialOutcome
from racedesk.store.ledger import Event, Ledger

ELECTOR_VOTES = "elector_votes"
OUT_OF_ORDER = "out_of_legal_order"


class ElectorsError(RacedeskError, ValueError):
    """Electors' votes that cannot be recorded (too many, unknown state, second record)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StateVotes:
    """One state's electoral votes for President as cast."""

    state: StateCode
    votes: dict[str, int]  # "dem"/"gop"/"other" for the nominees, or a person's name
    abstained: int
    electors: int  # the state's electors
    on: date
    source: str
    seq: int | None
    corrects: int | None
    flags: tuple[str, ...]

    @property
    def cast(self) -> int:
        return sum(self.votes.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedVotes:
    votes: StateVotes
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Faithless:
    state: StateCode
    pledged: Party
    voted_for: str | None  # None: abstained, or the vote is not recorded


@dataclass(frozen=True, slots=True, kw_only=True)
class ElectorsVote:
    """The whole vote: per party and person, faithless electors, and whether anyone has 270."""

    year: int
    by_state: dict[StateCode, StateVotes]
    electors: dict[Party, int]  # votes for each party's nominee
    others: dict[str, int]  # votes for people who were not nominees
    abstained: int
    unrecorded: tuple[StateCode, ...]  # states whose votes are not in yet
    faithless: tuple[Faithless, ...]
    appointed: int
    majority: int
    outcome: Outcome
    winner: Party | None


def vote_key(year: int, text: str) -> str:
    """A vote's key: the party code for a nominee (``"Donald Trump"``, ``"trump"``, ``"gop"``),
    else the name as given (``"Colin Powell"``)."""
    name = " ".join(text.split())
    if not name:
        raise ElectorsError("a vote needs a candidate's name or a party code")
    lowered = name.lower()
    for party in Party:
        if lowered == party.value:
            return party.value
    for party, nominee_name in NOMINEES.get(year, {}).items():
        if lowered in (nominee_name.lower(), nominee_name.split()[-1].lower()):
            return party.value
    return name


def _state(text: str) -> StateCode:
    try:
        return state_code(text)
    except IdError as error:
        raise ElectorsError(str(error)) from None


def _from_event(event: Event) -> StateVotes:
    payload = event.payload
    return StateVotes(
        state=StateCode(event.race or ""),
        votes={str(k): int(v) for k, v in dict(payload["votes"]).items()},
        abstained=int(payload.get("abstained", 0)),
        electors=electoral_votes(event.year)[StateCode(event.race or "")],
        on=event.at.astimezone(EASTERN).date(),
        source=str(payload.get("source", "")),
        seq=event.seq,
        corrects=payload.get("corrects"),
        flags=tuple(str(f) for f in payload.get("flags", ())),
    )


def recorded_votes(ledger: Ledger, year: int) -> dict[StateCode, StateVotes]:
    """The latest record of each state's votes (corrections replace what they correct)."""
    latest: dict[StateCode, StateVotes] = {}
    for event in ledger.events(year=year, kinds=[ELECTOR_VOTES]):
        votes = _from_event(event)
        latest[votes.state] = votes
    return latest


def record_elector_votes(
    ledger: Ledger,
    year: int,
    state: str,
    votes: Mapping[str, int],
    *,
    on: date | None = None,
    abstained: int = 0,
    source: str = "",
    correction: bool = False,
) -> RecordedVotes:
    """Record a state's electoral votes as cast (see the module docstring's rules)."""
    code = _state(state)
    electors = electoral_votes(year)[code]
    calendar = calendar_for(year)
    keyed: dict[str, int] = {}
    for name, count in votes.items():
        if count < 0:
            raise ElectorsError(f"{code}: negative vote count for {name!r}")
        key = vote_key(year, name)
        keyed[key] = keyed.get(key, 0) + int(count)
    if abstained < 0:
        raise ElectorsError(f"{code}: negative number of abstentions")
    total = sum(keyed.values()) + abstained
    if total > electors:
        raise ElectorsError(
            f"{code} has {electors} electors in {year}, but {total} votes were given "
            f"({', '.join(f'{k} {v}' for k, v in keyed.items())}); nothing recorded"
        )
    earlier = recorded_votes(ledger, year).get(code)
    if earlier is not None and not correction:
        raise ElectorsError(
            f"{code}'s votes for {year} are already recorded (ledger seq {earlier.seq}); "
            "record a correction to replace them; nothing recorded"
        )
    day = on or calendar.electors_meet
    warnings: list[str] = []
    flags: list[str] = []
    if total < electors:
        warnings.append(f"{electors - total} electors of {code} not yet recorded")
    if day <= calendar.certificate_deadline or day > calendar.certificates_due:
        flags.append(OUT_OF_ORDER)
        warnings.append(
            f"{code}: votes dated {day}, outside {calendar.certificate_deadline} (certificate "
            f"deadline) – {calendar.certificates_due} (certificates due); recorded and flagged"
        )
    if earlier is not None:
        warnings.append(f"{code}: correction of ledger seq {earlier.seq}; both are kept")
    payload = {
        "votes": keyed,
        "abstained": abstained,
        "source": source,
        "corrects": earlier.seq if earlier else None,
        "flags": flags,
    }
    at = datetime.combine(day, time(12, 0), tzinfo=EASTERN)
    event = ledger.append(
        ELECTOR_VOTES, year=year, at=at, actor="electors", race=code, payload=payload
    )
    return RecordedVotes(votes=_from_event(event), warnings=tuple(warnings))


def pledged_by_state(pledged: Tally) -> dict[StateCode, dict[Party, int]]:
    """The pledged electors of each state per party (Maine and Nebraska split by district)."""
    electors = race_electors(pledged.year)
    result: dict[StateCode, dict[Party, int]] = {}
    for race, party in pledged.winners.items():
        state = StateCode(race[:2])
        parties = result.setdefault(state, {})
        parties[party] = parties.get(party, 0) + electors[race]
    return result


def votes_from_tally(
    pledged: Tally, *, source: str = "pledged tally"
) -> dict[StateCode, StateVotes]:
    """Every state's votes as pledged (no faithless electors): e.g. to play out a 269–269 night."""
    meet = calendar_for(pledged.year).electors_meet
    electors = electoral_votes(pledged.year)
    return {
        state: StateVotes(
            state=state,
            votes={p.value: n for p, n in parties.items()},
            abstained=0,
            electors=electors[state],
            on=meet,
            source=source,
            seq=None,
            corrects=None,
            flags=(),
        )
        for state, parties in pledged_by_state(pledged).items()
    }


def historical_votes(outcome: PresidentialOutcome) -> dict[StateCode, StateVotes]:
    """A past year's votes as cast: the pledged electors with the recorded faithless ones
    (``outcome.cast``, from ``as_cast``) moved to whom they voted for."""
    states = votes_from_tally(outcome.pledged, source="history.outcome (as cast)")
    for record in outcome.cast.faithless:
        votes = dict(states[record.state].votes)
        votes[record.pledged.value] -= 1
        abstained = states[record.state].abstained
        if record.voted_for is None:
            abstained += 1
        else:
            votes[record.voted_for] = votes.get(record.voted_for, 0) + 1
        old = states[record.state]
        states[record.state] = StateVotes(
            state=old.state,
            votes={k: v for k, v in votes.items() if v},
            abstained=abstained,
            electors=old.electors,
            on=old.on,
            source=old.source,
            seq=None,
            corrects=None,
            flags=(),
        )
    return states


def electors_vote(
    year: int, by_state: Mapping[StateCode, StateVotes], pledged: Tally | None = None
) -> ElectorsVote:
    """Sum the states' votes; with the pledged tally, name the faithless electors."""
    electors = dict.fromkeys(Party, 0)
    others: dict[str, int] = {}
    abstained = 0
    for votes in by_state.values():
        abstained += votes.abstained
        for key, count in votes.votes.items():
            if key in {p.value for p in Party}:
                electors[Party(key)] += count
            else:
                others[key] = others.get(key, 0) + count
    faithless: list[Faithless] = []
    if pledged is not None:
        for state, parties in sorted(pledged_by_state(pledged).items()):
            cast = by_state.get(state)
            if cast is None:
                continue
            names = [
                k
                for k, n in sorted(cast.votes.items())
                if k not in {p.value for p in Party}
                for _ in range(n)
            ]
            for party, count in sorted(parties.items()):
                for _ in range(max(0, count - cast.votes.get(party.value, 0))):
                    faithless.append(
                        Faithless(
                            state=state, pledged=party, voted_for=names.pop(0) if names else None
                        )
                    )
    appointed = sum(electoral_votes(year).values())
    needed = majority(appointed)
    unrecorded = tuple(s for s in STATES if s not in by_state)
    leader = max(electors, key=lambda p: electors[p])
    if electors[leader] >= needed:
        outcome, winner = Outcome.PRESIDENT_ELECT, leader
    elif unrecorded:
        outcome, winner = Outcome.UNDECIDED, None
    else:
        outcome, winner = Outcome.CONTINGENT, None
    return ElectorsVote(
        year=year,
        by_state=dict(sorted(by_state.items())),
        electors=electors,
        others=dict(sorted(others.items(), key=lambda item: (-item[1], item[0]))),
        abstained=abstained,
        unrecorded=unrecorded,
        faithless=tuple(faithless),
        appointed=appointed,
        majority=needed,
        outcome=outcome,
        winner=winner,
    )


def record_votes(
    ledger: Ledger, year: int, by_state: Mapping[StateCode, StateVotes]
) -> list[RecordedVotes]:
    """Record many states' votes (e.g. ``historical_votes``); states already recorded are kept
    and skipped (their record is never replaced by a bulk load)."""
    present = recorded_votes(ledger, year)
    return [
        record_elector_votes(
            ledger,
            year,
            state,
            votes.votes,
            on=votes.on,
            abstained=votes.abstained,
            source=votes.source,
        )
        for state, votes in sorted(by_state.items())
        if state not in present
    ]
