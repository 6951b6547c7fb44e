"""Electoral College arithmetic: electors per state and race, the majority, and the tally.

Electors = House seats + 2 per state, plus 3 for DC (23rd Amendment): 538 since 1964. Each
census reapportions the House; the 1990 census fixed the counts for 1992–2000, 2000 for
2004–2008, 2010 for 2012–2020 and 2020 for 2024–2028. Years after 2028 use the 2020-census
counts until the 2030 census is added here (a documented approximation, not a forecast).

Every state gives all its electors to its statewide winner except Maine and Nebraska, which
give two to the statewide ("at-large") winner — race key ``"ME"`` / ``"NE"`` — and one to the
winner of each congressional district (``"ME-01"``, ``"NE-02"``...). Maine has done so since
1972 and Nebraska since 1992, so the district method applies in every year handled here.

The 12th Amendment needs "a majority of the whole number of Electors appointed": computed as
``appointed // 2 + 1`` (270 of 538), never hard-coded. Without a majority the House elects the
President and the Senate the Vice President (``contingent_house_vote``, ``contingent_senate_vote``).
Electors who vote for someone other than their pledged nominee are recorded data
(``FAITHLESS``): the desk projects *pledged* electors; ``as_cast`` gives the votes as cast.

No I/O: the fact tables are Python data, checked by tests against ``electoral_votes.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from racedesk.domain.contests import RACES, Party
from racedesk.domain.ids import STATES, IdError, StateCode, district, state_code
from racedesk.errors import RacedeskError

FIRST_YEAR = 1992  # first election of the earliest apportionment held here (1990 census)

# Electoral votes by census apportionment (National Archives; USIA 1996 for the 1990 census).
APPORTIONMENTS: dict[int, dict[str, int]] = {
    1990: {
        "AL": 9, "AK": 3, "AZ": 8, "AR": 6, "CA": 54, "CO": 8, "CT": 8, "DE": 3, "DC": 3,
        "FL": 25, "GA": 13, "HI": 4, "ID": 4, "IL": 22, "IN": 12, "IA": 7, "KS": 6, "KY": 8,
        "LA": 9, "ME": 4, "MD": 10, "MA": 12, "MI": 18, "MN": 10, "MS": 7, "MO": 11, "MT": 3,
        "NE": 5, "NV": 4, "NH": 4, "NJ": 15, "NM": 5, "NY": 33, "NC": 14, "ND": 3, "OH": 21,
        "OK": 8, "OR": 7, "PA": 23, "RI": 4, "SC": 8, "SD": 3, "TN": 11, "TX": 32, "UT": 5,
        "VT": 3, "VA": 13, "WA": 11, "WV": 5, "WI": 11, "WY": 3,
    },
    2000: {
        "AL": 9, "AK": 3, "AZ": 10, "AR": 6, "CA": 55, "CO": 9, "CT": 7, "DE": 3, "DC": 3,
        "FL": 27, "GA": 15, "HI": 4, "ID": 4, "IL": 21, "IN": 11, "IA": 7, "KS": 6, "KY": 8,
        "LA": 9, "ME": 4, "MD": 10, "MA": 12, "MI": 17, "MN": 10, "MS": 6, "MO": 11, "MT": 3,
        "NE": 5, "NV": 5, "NH": 4, "NJ": 15, "NM": 5, "NY": 31, "NC": 15, "ND": 3, "OH": 20,
        "OK": 7, "OR": 7, "PA": 21, "RI": 4, "SC": 8, "SD": 3, "TN": 11, "TX": 34, "UT": 5,
        "VT": 3, "VA": 13, "WA": 11, "WV": 5, "WI": 10, "WY": 3,
    },
    2010: {
        "AL": 9, "AK": 3, "AZ": 11, "AR": 6, "CA": 55, "CO": 9, "CT": 7, "DE": 3, "DC": 3,
        "FL": 29, "GA": 16, "HI": 4, "ID": 4, "IL": 20, "IN": 11, "IA": 6, "KS": 6, "KY": 8,
        "LA": 8, "ME": 4, "MD": 10, "MA": 11, "MI": 16, "MN": 10, "MS": 6, "MO": 10, "MT": 3,
        "NE": 5, "NV": 6, "NH": 4, "NJ": 14, "NM": 5, "NY": 29, "NC": 15, "ND": 3, "OH": 18,
        "OK": 7, "OR": 7, "PA": 20, "RI": 4, "SC": 9, "SD": 3, "TN": 11, "TX": 38, "UT": 6,
        "VT": 3, "VA": 13, "WA": 12, "WV": 5, "WI": 10, "WY": 3,
    },
    2020: {
        "AL": 9, "AK": 3, "AZ": 11, "AR": 6, "CA": 54, "CO": 10, "CT": 7, "DE": 3, "DC": 3,
        "FL": 30, "GA": 16, "HI": 4, "ID": 4, "IL": 19, "IN": 11, "IA": 6, "KS": 6, "KY": 8,
        "LA": 8, "ME": 4, "MD": 10, "MA": 11, "MI": 15, "MN": 10, "MS": 6, "MO": 10, "MT": 4,
        "NE": 5, "NV": 6, "NH": 4, "NJ": 14, "NM": 5, "NY": 28, "NC": 16, "ND": 3, "OH": 17,
        "OK": 7, "OR": 8, "PA": 19, "RI": 4, "SC": 9, "SD": 3, "TN": 11, "TX": 40, "UT": 6,
        "VT": 3, "VA": 13, "WA": 12, "WV": 4, "WI": 10, "WY": 3,
    },
}  # fmt: skip

# The district-method states: at-large electors and the district races.
AT_LARGE_ELECTORS = 2
DISTRICT_STATES: dict[str, tuple[str, ...]] = {
    "ME": ("ME-01", "ME-02"),
    "NE": ("NE-01", "NE-02", "NE-03"),
}

CONTINGENT_STATUS = (
    "contingent election: the House chooses, one vote per state delegation; "
    "the Senate chooses the Vice President"
)


class ElectoralError(RacedeskError, ValueError):
    """A year with no apportionment, or a tally given an unknown or repeated race."""


class Outcome(StrEnum):
    PRESIDENT_ELECT = "president-elect"
    CONTINGENT = CONTINGENT_STATUS
    UNDECIDED = "undecided"


def check_presidential_year(year: int) -> int:
    """Return ``year`` if presidential electors are chosen in it, else raise ``ElectoralError``."""
    if year % 4 != 0:
        before, after = year - year % 4, year - year % 4 + 4
        raise ElectoralError(
            f"{year} is not a presidential election year (those are divisible by 4: "
            f"{before} or {after}?)"
        )
    return year


def apportionment_census(year: int) -> int:
    """The census whose apportionment sets the electors of the ``year`` election."""
    check_presidential_year(year)
    if year < FIRST_YEAR:
        raise ElectoralError(
            f"no apportionment for {year}: racedesk holds the 1990-2020 censuses, "
            f"elections {FIRST_YEAR} onward"
        )
    # The census of year C applies to the elections C+2 .. C+10; later years keep the latest.
    return min((year - 2) // 10 * 10, max(APPORTIONMENTS))


def electoral_votes(year: int) -> dict[StateCode, int]:
    """Electors of each state and DC for a presidential year (1992 onward); sums to 538."""
    table = APPORTIONMENTS[apportionment_census(year)]
    return {StateCode(state): table[state] for state in STATES}


def race_electors(year: int) -> dict[str, int]:
    """Electors of every race: states winner-take-all, Maine and Nebraska split by district."""
    races: dict[str, int] = {state: n for state, n in electoral_votes(year).items()}
    for state, districts in DISTRICT_STATES.items():
        races[state] = AT_LARGE_ELECTORS
        races.update(dict.fromkeys(districts, 1))
    return {race: races[race] for race in RACES}


def majority(appointed: int) -> int:
    """A majority of the whole number of electors appointed (12th Amendment): 270 of 538."""
    if appointed < 1:
        raise ElectoralError(f"no majority of {appointed} electors appointed")
    return appointed // 2 + 1


def race_key(text: str) -> str:
    """Normalise a race key: ``"pa"`` → ``"PA"``, ``"ne-2"`` → ``"NE-02"``."""
    try:
        return district(text) if "-" in text else state_code(text)
    except IdError:
        raise ElectoralError(
            f"unknown race {text!r}: use a state code (PA), ME/NE for the at-large race, "
            "or a Maine/Nebraska district (NE-02)"
        ) from None


def _party(value: object, race: str) -> Party:
    try:
        return Party(str(value))
    except ValueError:
        choices = ", ".join(p.value for p in Party)
        raise ElectoralError(f"race {race}: {value!r} is not a party ({choices})") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    """Electors won per party, and what that means for the presidency.

    ``winners`` maps each allocated race to its party; ``unallocated`` lists the races not
    yet called, in race order, worth ``unallocated_electors``.
    """

    year: int
    appointed: int
    majority: int
    electors: dict[Party, int]  # every party, zeros included
    winners: dict[str, Party]
    unallocated: tuple[str, ...]
    unallocated_electors: int
    outcome: Outcome
    winner: Party | None

    @property
    def allocated(self) -> int:
        return self.appointed - self.unallocated_electors


def tally(year: int, winners: Mapping[str, Party] | Iterable[tuple[str, Party]]) -> Tally:
    """Count the electors of ``winners`` (race key → party; uncalled races left out).

    Outcome: ``president-elect`` when a party reaches the majority; ``undecided`` while
    uncalled races could still give someone the majority; otherwise (269–269, or electors
    scattered so nobody can reach it) the contingent election.
    """
    electors_of = race_electors(year)
    pairs = winners.items() if isinstance(winners, Mapping) else winners
    allocated: dict[str, Party] = {}
    for given, party in pairs:
        race = race_key(given)
        if race not in electors_of:
            raise ElectoralError(f"unknown race {given!r}: not a race of the {year} election")
        if race in allocated:
            raise ElectoralError(f"race {race} given twice in the {year} tally (as {given!r})")
        allocated[race] = _party(party, race)
    electors = dict.fromkeys(Party, 0)
    for race, party in allocated.items():
        electors[party] += electors_of[race]
    unallocated = tuple(race for race in electors_of if race not in allocated)
    open_electors = sum(electors_of[race] for race in unallocated)
    appointed = sum(electors_of.values())
    needed = majority(appointed)
    leader = max(electors, key=lambda party: electors[party])
    if electors[leader] >= needed:
        outcome, winner = Outcome.PRESIDENT_ELECT, leader
    elif electors[leader] + open_electors >= needed:
        outcome, winner = Outcome.UNDECIDED, None
    else:
        outcome, winner = Outcome.CONTINGENT, None
    return Tally(
        year=year,
        appointed=appointed,
        majority=needed,
        electors=electors,
        winners={race: allocated[race] for race in electors_of if race in allocated},
        unallocated=unallocated,
        unallocated_electors=open_electors,
        outcome=outcome,
        winner=winner,
    )


# --- Faithless electors: pledged vs. cast -----------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class FaithlessElector:
    """One elector whose presidential vote differed from the pledge (``None``: left blank)."""

    year: int
    state: StateCode
    pledged: Party
    voted_for: str | None


def _faithless(year: int, state: str, pledged: Party, *names: str | None) -> list[FaithlessElector]:
    return [
        FaithlessElector(year=year, state=StateCode(state), pledged=pledged, voted_for=name)
        for name in names
    ]


# 2016 per domain.md §2.4 [V]. 2000 (a DC elector left her ballot blank in protest at DC's lack
# of representation) and 2004 (a Minnesota Kerry elector voted "John Ewards") are general
# knowledge, matching the official totals Bush 271–Gore 266 and Bush 286–Kerry 251.
FAITHLESS: tuple[FaithlessElector, ...] = (
    *_faithless(2000, "DC", Party.DEM, None),
    *_faithless(2004, "MN", Party.DEM, "John Edwards"),
    *_faithless(2016, "WA", Party.DEM, "Colin Powell", "Colin Powell", "Colin Powell"),
    *_faithless(2016, "WA", Party.DEM, "Faith Spotted Eagle"),
    *_faithless(2016, "HI", Party.DEM, "Bernie Sanders"),
    *_faithless(2016, "TX", Party.GOP, "John Kasich", "Ron Paul"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CastTally:
    """The electoral votes as the electors cast them, next to the pledged tally."""

    year: int
    pledged: Tally
    electors: dict[Party, int]  # votes cast for each party's nominee
    others: dict[str, int]  # votes cast for people who were not nominees, by name
    abstained: int
    faithless: tuple[FaithlessElector, ...]
    majority: int
    outcome: Outcome
    winner: Party | None


def as_cast(year: int, pledged: Tally) -> CastTally:
    """Apply the recorded faithless electors of ``year`` to a pledged tally."""
    if pledged.year != year:
        raise ElectoralError(f"as_cast({year}) was given the {pledged.year} tally")
    records = tuple(record for record in FAITHLESS if record.year == year)
    electors = dict(pledged.electors)
    others: dict[str, int] = {}
    for record in records:
        if pledged.winners.get(record.state) is not record.pledged:
            raise ElectoralError(
                f"{year}: a faithless {record.pledged.value} elector is recorded in "
                f"{record.state}, but the tally gives {record.state} to "
                f"{pledged.winners.get(record.state, 'nobody yet')}"
            )
        electors[record.pledged] -= 1
        if record.voted_for is not None:
            others[record.voted_for] = others.get(record.voted_for, 0) + 1
    leader = max(electors, key=lambda party: electors[party])
    if electors[leader] >= pledged.majority:
        outcome, winner = Outcome.PRESIDENT_ELECT, leader
    elif pledged.unallocated:
        outcome, winner = Outcome.UNDECIDED, None
    else:
        outcome, winner = Outcome.CONTINGENT, None
    return CastTally(
        year=year,
        pledged=pledged,
        electors=electors,
        others=dict(sorted(others.items(), key=lambda item: (-item[1], item[0]))),
        abstained=sum(record.voted_for is None for record in records),
        faithless=records,
        majority=pledged.majority,
        outcome=outcome,
        winner=winner,
    )


# --- Contingent election (12th Amendment; CRS RS20300) ----------------------------------------

HOUSE_STATES = 50  # one vote per state delegation; DC has no vote
HOUSE_MAJORITY = HOUSE_STATES // 2 + 1  # 26: a majority of all the states
HOUSE_QUORUM = 34  # members from two-thirds of the states
SENATE_SIZE = 100
SENATE_MAJORITY = SENATE_SIZE // 2 + 1  # 51: a majority of the whole Senate
SENATE_QUORUM = 67  # two-thirds of the Senators


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseVote:
    """The House choosing the President: state votes per party, if every member votes party."""

    votes: dict[Party, int]
    divided: tuple[StateCode, ...]  # no majority within the delegation (e.g. evenly split)
    absent: tuple[StateCode, ...]  # no members given
    needed: int
    quorum_met: bool
    winner: Party | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SenateVote:
    """The Senate choosing the Vice President between the top two, one vote per Senator."""

    votes: dict[Party, int]
    needed: int
    quorum_met: bool
    winner: Party | None


def contingent_house_vote(delegations: Mapping[StateCode, Mapping[Party, int]]) -> HouseVote:
    """Each state's delegation (members by party) casts one vote for the party holding a
    majority of its members; a delegation without one (evenly split, by the 1825 precedent)
    casts none. The winner needs 26 states, with members from 34 states present.
    """
    votes = dict.fromkeys(Party, 0)
    divided: list[StateCode] = []
    present: set[str] = set()
    for given, members in delegations.items():
        state = state_code(given)
        if state == "DC":
            raise ElectoralError("DC has no vote in a contingent election (no House delegation)")
        if state in present:
            raise ElectoralError(f"delegation of {state} given twice")
        if any(count < 0 for count in members.values()):
            raise ElectoralError(f"delegation of {state} has a negative member count")
        size = sum(members.values())
        if size == 0:
            continue
        present.add(state)
        top = max(members, key=lambda party: members[party])
        if 2 * members[top] > size:
            votes[_party(top, state)] += 1
        else:
            divided.append(state)
    leader = max(votes, key=lambda party: votes[party])
    quorum_met = len(present) >= HOUSE_QUORUM
    return HouseVote(
        votes=votes,
        divided=tuple(sorted(divided)),
        absent=tuple(s for s in STATES if s != "DC" and s not in present),
        needed=HOUSE_MAJORITY,
        quorum_met=quorum_met,
        winner=leader if quorum_met and votes[leader] >= HOUSE_MAJORITY else None,
    )


def contingent_senate_vote(senators: Mapping[Party, int]) -> SenateVote:
    """Senators (by party, voting party-line) choose the Vice President: 51 of 100 needed."""
    votes = dict.fromkeys(Party, 0)
    for party, count in senators.items():
        if count < 0:
            raise ElectoralError(f"negative number of {party} senators")
        votes[_party(party, "Senate")] += count
    present = sum(votes.values())
    if present > SENATE_SIZE:
        raise ElectoralError(f"{present} senators given; the Senate has {SENATE_SIZE}")
    leader = max(votes, key=lambda party: votes[party])
    quorum_met = present >= SENATE_QUORUM
    return SenateVote(
        votes=votes,
        needed=SENATE_MAJORITY,
        quorum_met=quorum_met,
        winner=leader if quorum_met and votes[leader] >= SENATE_MAJORITY else None,
    )
