"""After the night: ``racedesk certify`` (the certification tracker) and ``racedesk electors``
(the electors' vote as cast). Everything entered goes to the store's ledger; ``racedesk count``
(the joint session) is in ``cli/count.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from racedesk.cli.output import output_options, print_csv, print_json, print_table
from racedesk.cli.store_option import store_option, store_path
from racedesk.college.certification import record_certification, record_certification_csv, tracker
from racedesk.college.electors_vote import (
    ElectorsVote,
    electors_vote,
    historical_votes,
    record_elector_votes,
    record_votes,
    recorded_votes,
)
from racedesk.college.payloads import (
    electors_vote_payload,
    tracker_payload,
)
from racedesk.domain.contests import Party
from racedesk.domain.electoral import Tally
from racedesk.domain.nominees import nominee
from racedesk.errors import DataNotFound
from racedesk.history.outcome import presidential_outcome
from racedesk.settings import Settings
from racedesk.store.ledger import Ledger

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date:
    return value.date() if value is not None else date.today()


def _warn(warnings: tuple[str, ...] | list[str]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


# --- certify ------------------------------------------------------------------------------------


@click.group()
def certify() -> None:
    """The certification tracker: canvass, certification, certificates of ascertainment,
    recounts and litigation, per state, against the federal deadlines.

    Example:

        racedesk certify status --year 2024 --today 2024-12-05
    """


@certify.command(name="record")
@click.argument("state")
@click.argument("step")
@click.option("--year", type=int, required=True, help="Presidential election year.")
@click.option("--date", "on", type=DATE, required=True, help="Date of the step (YYYY-MM-DD).")
@click.option("--source", required=True, help="Where it is documented (URL, press release).")
@click.option("--note", default="", help="A note.")
@store_option
def certify_record(
    state: str,
    step: str,
    year: int,
    on: datetime,
    source: str,
    note: str,
    store_flag: Path | None,
) -> None:
    """Record that STATE reached STEP on --date: canvass_complete, certified,
    ascertainment_issued, recount_started, recount_completed, litigation_filed,
    litigation_resolved. Steps out of legal order are recorded and flagged.

    Example:

        racedesk certify record GA certified --year 2020 --date 2020-11-20 --source sos.ga.gov
    """
    with Ledger(store_path(store_flag)) as ledger:
        done = record_certification(ledger, year, state, step, on.date(), source, note=note)
    state_text = "recorded" if done.new else "already on record"
    event = done.event
    click.echo(f"{state_text}: {event.state} {event.step.label} on {event.on}")
    _warn(done.warnings)


@certify.command(name="load")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="Presidential election year.")
@store_option
def certify_load(csv_file: Path, year: int, store_flag: Path | None) -> None:
    """Record the steps of a CSV file: state,step,date[,source,note]. Every row is checked
    before any is recorded.

    Example:

        racedesk certify load certification-2024.csv --year 2024
    """
    with Ledger(store_path(store_flag)) as ledger:
        done = record_certification_csv(
            ledger, year, csv_file.read_text(encoding="utf-8"), source=csv_file.name
        )
    new = sum(1 for d in done if d.new)
    click.echo(f"{csv_file.name}: {new} recorded, {len(done) - new} already on record")
    _warn([w for d in done for w in d.warnings])


@certify.command(name="status")
@click.option("--year", type=int, required=True, help="Presidential election year.")
@click.option("--today", type=DATE, default=None, help="Count days from this date.")
@click.option("--all", "show_all", is_flag=True, help="List every state, not only active ones.")
@store_option
@output_options()
def certify_status(
    year: int,
    today: datetime | None,
    show_all: bool,
    store_flag: Path | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Each state's certification status, the deadlines with days remaining, and the states
    at risk of missing them.

    Example:

        racedesk certify status --year 2024 --today 2024-12-09 --json
    """
    with Ledger(store_path(store_flag)) as ledger:
        view = tracker(year, ledger, _day(today))
    if as_json:
        print_json(tracker_payload(view))
        return
    columns = (
        "state",
        "status",
        "canvass",
        "certified",
        "ascertainment",
        "recount",
        "litigation",
        "at_risk",
    )
    rows = [
        (
            s.state,
            s.status,
            s.canvass_complete,
            s.certified,
            s.ascertainment,
            "open" if s.recount_open else "",
            "pending" if s.litigation_open else "",
            "; ".join(s.risks),
        )
        for s in view.states
        if show_all or as_csv or s.events or s.at_risk
    ]
    if as_csv:
        print_csv(columns, rows)
        return
    print_table(
        ("deadline", "date", "days", "law"),
        [
            (d.name, d.on, d.days_remaining if d.days_remaining >= 0 else "passed", d.law)
            for d in view.deadlines
        ],
        title=f"{year}: deadlines as of {view.today}",
    )
    print_table(
        columns,
        rows,
        title=f"{year}: certification by state",
        caption=f"at risk: {len(view.at_risk)} states",
    )
    _warn(view.warnings)


# --- electors -----------------------------------------------------------------------------------


def _data_dir(data_flag: str | None) -> Path:
    return Settings.from_env().with_flags(data=data_flag).data_dir()


def _pledged(year: int, data_flag: str | None) -> Tally | None:
    try:
        return presidential_outcome(year, _data_dir(data_flag)).pledged
    except DataNotFound:
        return None


def _parse_votes(pairs: tuple[str, ...]) -> dict[str, int]:
    votes: dict[str, int] = {}
    for pair in pairs:
        name, sep, count = pair.rpartition("=")
        if not sep or not count.strip().isdigit():
            raise click.BadParameter(f"{pair!r}: give NAME=COUNT, e.g. 'Donald Trump=36'")
        votes[name.strip()] = votes.get(name.strip(), 0) + int(count)
    return votes


@click.group()
def electors() -> None:
    """The electors' votes as cast, state by state (faithless electors included).

    Example:

        racedesk electors show --year 2016 --from-results
    """


@electors.command(name="record")
@click.argument("state")
@click.option("--year", type=int, required=True, help="Presidential election year.")
@click.option("--vote", "votes", multiple=True, required=True, help="NAME=COUNT (repeatable).")
@click.option("--abstained", type=int, default=0, help="Electors who cast no valid vote.")
@click.option("--date", "on", type=DATE, default=None, help="Day they voted (default: statutory).")
@click.option("--source", default="cli", help="Where the certificate of vote is documented.")
@click.option("--correction", is_flag=True, help="Replace the state's earlier record.")
@store_option
def electors_record(
    state: str,
    year: int,
    votes: tuple[str, ...],
    abstained: int,
    on: datetime | None,
    source: str,
    correction: bool,
    store_flag: Path | None,
) -> None:
    """Record STATE's electoral votes for President as cast. NAME is a nominee (Trump), a
    party (gop) or anyone else who received a vote. More votes than the state's electors are
    refused.

    Example:

        racedesk electors record TX --year 2016 --vote Trump=36 --vote "John Kasich=1"
    """
    with Ledger(store_path(store_flag)) as ledger:
        done = record_elector_votes(
            ledger,
            year,
            state,
            _parse_votes(votes),
            on=on.date() if on else None,
            abstained=abstained,
            source=source,
            correction=correction,
        )
    cast = ", ".join(f"{k} {v}" for k, v in done.votes.votes.items())
    click.echo(f"recorded: {done.votes.state} {cast} (of {done.votes.electors} electors)")
    _warn(done.warnings)


@electors.command(name="load-results")
@click.option("--year", type=int, required=True, help="Presidential election year (2008–2024).")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@store_option
def electors_load(year: int, data_flag: str | None, store_flag: Path | None) -> None:
    """Record a past year's electors' votes as cast (pledged, with the recorded faithless
    electors), for the states not yet recorded.

    Example:

        racedesk electors load-results --year 2016 --store past.sqlite
    """
    votes = historical_votes(presidential_outcome(year, _data_dir(data_flag)))
    with Ledger(store_path(store_flag)) as ledger:
        done = record_votes(ledger, year, votes)
    click.echo(
        f"recorded the votes of {len(done)} states ({len(votes) - len(done)} already on record)"
    )


def electors_of(
    year: int, from_results: bool, data_flag: str | None, store_flag: Path | None
) -> ElectorsVote:
    if from_results:
        outcome = presidential_outcome(year, _data_dir(data_flag))
        return electors_vote(year, historical_votes(outcome), outcome.pledged)
    with Ledger(store_path(store_flag)) as ledger:
        by_state = recorded_votes(ledger, year)
    return electors_vote(year, by_state, _pledged(year, data_flag))


@electors.command(name="show")
@click.option("--year", type=int, required=True, help="Presidential election year.")
@click.option("--from-results", is_flag=True, help="The past year's votes from the data folder.")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@store_option
@output_options()
def electors_show(
    year: int,
    from_results: bool,
    data_flag: str | None,
    store_flag: Path | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The electors' vote: totals, votes for others, faithless electors by state.

    Example:

        racedesk electors show --year 2016 --from-results --json
    """
    vote = electors_of(year, from_results, data_flag, store_flag)
    if as_json:
        print_json(electors_vote_payload(vote))
        return
    rows = [
        (
            s.state,
            s.electors,
            ", ".join(f"{k} {v}" for k, v in s.votes.items()),
            s.abstained,
            " ".join(s.flags),
        )
        for s in vote.by_state.values()
    ]
    if as_csv:
        print_csv(("state", "electors", "votes", "abstained", "flags"), rows)
        return
    totals = ", ".join(f"{nominee(year, p)} {vote.electors[p]}" for p in (Party.GOP, Party.DEM))
    others = ", ".join(f"{k} {v}" for k, v in vote.others.items())
    print_table(
        ("state", "electors", "votes", "abstained", "flags"),
        rows,
        title=f"{year}: the electors' votes as cast",
        caption=f"{totals}" + (f"; others: {others}" if others else ""),
    )
    for f in vote.faithless:
        click.echo(
            f"faithless: {f.state} {f.pledged.value} elector voted for {f.voted_for or 'nobody'}"
        )
    winner = vote.winner
    click.echo(
        f"{nominee(year, winner)} has {vote.electors[winner]} of {vote.appointed} "
        f"({vote.majority} needed)"
        if winner
        else f"outcome: {vote.outcome.value}"
    )
