"""``racedesk count``: the joint session of Congress — objections (ECRA's one-fifth threshold),
the count, and the contingent election when nobody has a majority."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import click

from racedesk.cli.certify import electors_of
from racedesk.cli.output import output_options, print_json
from racedesk.cli.store_option import store_option, store_path
from racedesk.college.joint_session import (
    Chambers,
    joint_session,
    objection,
    parse_delegations,
    parse_senators,
    record_joint_session,
    record_objection,
    recorded_objections,
)
from racedesk.college.payloads import joint_session_payload
from racedesk.store.ledger import Ledger


def _pair(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    yeas, sep, nays = text.partition("-")
    if not sep or not yeas.isdigit() or not nays.isdigit():
        raise click.BadParameter(f"{text!r}: give YEAS-NAYS, e.g. 7-93")
    return int(yeas), int(nays)


@click.group()
def count() -> None:
    """The joint session of Congress: objections (ECRA one-fifth threshold), the count, and the
    contingent election when nobody has a majority.

    Example:

        racedesk count show --year 2016 --from-results
    """


@count.command(name="object")
@click.argument("state")
@click.option("--year", type=int, required=True, help="Presidential election year.")
@click.option(
    "--grounds",
    type=click.Choice(["not_lawfully_certified", "not_regularly_given"]),
    required=True,
    help="The two grounds the law allows.",
)
@click.option("--senators", type=int, required=True, help="Senators who signed.")
@click.option("--representatives", type=int, required=True, help="Representatives who signed.")
@click.option("--senate-vote", help="Senate's vote on it, YEAS-NAYS.")
@click.option("--house-vote", help="House's vote on it, YEAS-NAYS.")
@click.option("--votes", type=int, default=None, help="How many of the state's votes it targets.")
@store_option
def count_object(
    state: str,
    year: int,
    grounds: str,
    senators: int,
    representatives: int,
    senate_vote: str | None,
    house_vote: str | None,
    votes: int | None,
    store_flag: Path | None,
) -> None:
    """Record an objection to STATE's votes, with its signatures and each house's vote.

    Example:

        racedesk count object PA --year 2020 --grounds not_regularly_given --senators 1
        --representatives 80 --senate-vote 7-92 --house-vote 138-282
    """
    item = objection(
        state,
        grounds,
        senators_signed=senators,
        representatives_signed=representatives,
        senate_vote=_pair(senate_vote),
        house_vote=_pair(house_vote),
        votes=votes,
    )
    with Ledger(store_path(store_flag)) as ledger:
        seq = record_objection(ledger, year, item)
    click.echo(f"recorded: objection to {item.state} ({item.grounds.value}), ledger seq {seq}")


@count.command(name="show")
@click.option("--year", type=int, required=True, help="Presidential election year.")
@click.option("--from-results", is_flag=True, help="Count a past year's votes from the data.")
@click.option("--senators-sworn", type=int, default=100, show_default=True)
@click.option("--representatives-sworn", type=int, default=435, show_default=True)
@click.option(
    "--delegations",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="House delegations CSV: state,dem,gop[,other] (for a contingent election).",
)
@click.option("--senate", "senate_text", help="Senators by party: dem=47,gop=53.")
@click.option("--record", "record_result", is_flag=True, help="Record the result in the ledger.")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@store_option
@output_options(tabular=False)
def count_show(
    year: int,
    from_results: bool,
    senators_sworn: int,
    representatives_sworn: int,
    delegations: Path | None,
    senate_text: str | None,
    record_result: bool,
    data_flag: str | None,
    store_flag: Path | None,
    as_json: bool,
) -> None:
    """Count the electors' votes with the recorded objections, and say who is president-elect
    or how the House and Senate choose.

    Example:

        racedesk count show --year 2024 --delegations house-2025.csv --senate dem=47,gop=53
    """
    vote = electors_of(year, from_results, data_flag, store_flag)
    path = store_path(store_flag)
    ledger = Ledger(path) if path.exists() or record_result else None
    with ledger if ledger is not None else nullcontext():
        objections = recorded_objections(ledger, year) if ledger else []
        session = joint_session(
            vote,
            objections,
            chambers=Chambers(senators=senators_sworn, representatives=representatives_sworn),
            delegations=parse_delegations(
                delegations.read_text(encoding="utf-8"), source=delegations.name
            )
            if delegations
            else None,
            senators=parse_senators(senate_text) if senate_text else None,
        )
        if record_result and ledger is not None:
            record_joint_session(ledger, session)
    if as_json:
        print_json(joint_session_payload(session))
        return
    for ruling in session.rulings:
        click.echo(f"objection to {ruling.objection.state}: {ruling.reason}")
    click.echo(session.message)
