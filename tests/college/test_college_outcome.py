"""The president-elect moment, the contingent election, and what the calendar says comes next."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from collegekit import called, real_results

from racedesk.calls.status import RaceStatus
from racedesk.college import college_status, next_steps, president_elect
from racedesk.domain.calendar import calendar_for
from racedesk.domain.contests import Party
from racedesk.domain.electoral import CONTINGENT_STATUS, Outcome

# AP's 2024 call times (shared/data/calls/race_calls_president_2020_2024.csv, ET + 5 h = UTC);
# every other race is called at 01:00Z here, before any of these.
AP_2024 = {
    "NE-02": datetime(2024, 11, 6, 5, 8, tzinfo=UTC),
    "NC": datetime(2024, 11, 6, 4, 33, tzinfo=UTC),
    "GA": datetime(2024, 11, 6, 6, 26, tzinfo=UTC),
    "PA": datetime(2024, 11, 6, 7, 24, tzinfo=UTC),
    "WI": datetime(2024, 11, 6, 10, 34, tzinfo=UTC),
    "MI": datetime(2024, 11, 6, 17, 54, tzinfo=UTC),
    "AK": datetime(2024, 11, 6, 20, 0, tzinfo=UTC),
    "ME-02": datetime(2024, 11, 6, 21, 0, tzinfo=UTC),
    "NV": datetime(2024, 11, 10, 0, 27, tzinfo=UTC),
    "AZ": datetime(2024, 11, 10, 2, 43, tzinfo=UTC),
}
EARLY = datetime(2024, 11, 6, 1, 0, tzinfo=UTC)


def _night_2024(data_dir: Path) -> tuple[dict[str, int], dict[str, RaceStatus]]:
    electors, winners = real_results(2024, data_dir)
    statuses = {r: called(r, p, AP_2024.get(r, EARLY)) for r, p in winners.items()}
    return electors, statuses


def test_wisconsin_makes_trump_president_elect_in_2024(data_dir: Path) -> None:
    electors, statuses = _night_2024(data_dir)
    milestones = calendar_for(2024).milestones
    elect = president_elect(statuses, electors, year=2024, milestones=milestones)
    assert elect is not None
    assert (elect.party, elect.candidate, elect.race) == (Party.GOP, "Donald Trump", "WI")
    assert elect.at == AP_2024["WI"]
    assert (elect.electors, elect.majority) == (276, 270)  # 266 + Wisconsin's 10
    assert [step.key for step in elect.next_steps] == [
        "certificate_deadline",
        "electors_meet",
        "certificates_due",
        "congress_convenes",
        "congress_counts",
        "inauguration",
    ]
    assert elect.next_steps[1].on == date(2024, 12, 17)
    assert elect.next_steps[-1].on == date(2025, 1, 20)
    assert "Donald Trump (gop) is president-elect at 2024-11-06 10:34Z" in elect.describe()
    status = college_status(statuses, electors, year=2024, at=AP_2024["AZ"], milestones=milestones)
    assert status.outcome is Outcome.PRESIDENT_ELECT
    assert status.called == {Party.DEM: 226, Party.GOP: 312}
    assert status.uncalled_electors == 0
    assert status.president_elect == elect


def test_before_wisconsin_nobody_is_elected(data_dir: Path) -> None:
    electors, statuses = _night_2024(data_dir)
    standing = {r: s for r, s in statuses.items() if s.at < AP_2024["WI"]}
    assert president_elect(standing, electors, year=2024) is None
    status = college_status(standing, electors, year=2024, at=AP_2024["PA"])
    assert status.outcome is Outcome.UNDECIDED
    assert status.called == {Party.DEM: 226, Party.GOP: 266}
    assert status.message == "undecided: dem 226, gop 266, 46 electors uncalled (270 needed)"
    assert status.next_steps == ()


def test_a_retracted_call_moves_the_moment(data_dir: Path) -> None:
    electors, statuses = _night_2024(data_dir)
    del statuses["WI"]  # the Wisconsin call no longer stands
    elect = president_elect(statuses, electors, year=2024)
    assert elect is not None
    assert (elect.race, elect.at, elect.electors) == ("MI", AP_2024["MI"], 281)


def test_2020_biden_with_306(data_dir: Path) -> None:
    electors, winners = real_results(2020, data_dir)
    statuses = {r: called(r, p) for r, p in winners.items()}
    status = college_status(statuses, electors, year=2020, at=EARLY)
    assert status.called == {Party.DEM: 306, Party.GOP: 232}
    assert status.president_elect is not None
    assert status.president_elect.candidate == "Joe Biden"


def test_269_269_is_a_contingent_election(data_dir: Path) -> None:
    # domain.md §2.7: 2024 with PA, MI, WI to Harris and NE-02 to Trump.
    electors, winners = real_results(2024, data_dir)
    winners |= {"PA": Party.DEM, "MI": Party.DEM, "WI": Party.DEM, "NE-02": Party.GOP}
    statuses = {r: called(r, p) for r, p in winners.items()}
    at = datetime(2024, 11, 8, tzinfo=UTC)
    status = college_status(
        statuses, electors, year=2024, at=at, milestones=calendar_for(2024).milestones
    )
    assert status.outcome is Outcome.CONTINGENT
    assert status.called == {Party.DEM: 269, Party.GOP: 269}
    assert status.president_elect is None
    assert status.message.startswith(CONTINGENT_STATUS)
    assert "(no majority: 269–269, 270 needed)" in status.message
    count = next(step for step in status.next_steps if step.key == "congress_counts")
    assert count.on == date(2025, 1, 6)
    assert "the House chooses the President, one vote per state delegation" in count.what
    inauguration = next(step for step in status.next_steps if step.key == "inauguration")
    assert "Vice President-elect acts as President" in inauguration.what


def test_next_steps_skip_what_has_passed() -> None:
    milestones = calendar_for(2020).milestones
    steps = next_steps(milestones, after=date(2020, 12, 14))
    assert [s.key for s in steps][:2] == ["certificates_due", "congress_convenes"]
    assert steps[0].on == date(2020, 12, 23)
    assert steps[0].what == "the certificates of vote must reach the President of the Senate"
    assert next_steps(milestones, after=date(2021, 1, 20)) == ()
    sunday = [s.key for s in next_steps(calendar_for(2012).milestones, after=date(2012, 11, 7))]
    assert sunday[-2:] == ["inauguration", "inauguration_ceremony"]
