"""``racedesk results``: a past year's presidential result, state by state."""

from __future__ import annotations

from pathlib import Path

import click

from racedesk.cli.output import output_options, print_csv, print_json, print_table
from racedesk.domain.contests import Party
from racedesk.domain.nominees import nominee
from racedesk.history.outcome import PresidentialOutcome, check_county_sums, presidential_outcome
from racedesk.settings import Settings

CHECK_COLUMNS = (
    "state",
    "dem_county",
    "dem_certified",
    "dem_diff",
    "gop_county",
    "gop_certified",
    "gop_diff",
)
COLUMNS = ("state", "winner", "margin", "dem", "gop", "other", "electoral_votes", "source")


def _rows(outcome: PresidentialOutcome) -> list[list[object]]:
    rows: list[list[object]] = []
    for race in outcome.races:
        result = race.result
        rows.append(
            [
                race.race,
                race.winner.value if race.winner else "",
                "" if race.margin is None else f"{race.margin * 100:+.2f}",
                result.dem if result else "",
                result.gop if result else "",
                result.other if result else "",
                race.electoral_votes,
                race.source,
            ]
        )
    return rows


def _payload(outcome: PresidentialOutcome) -> dict[str, object]:
    pledged, cast = outcome.pledged, outcome.cast
    winner = pledged.winner
    return {
        "year": outcome.year,
        "electoral_votes": {p.value: n for p, n in pledged.electors.items()},
        "electoral_votes_cast": {
            **{p.value: n for p, n in cast.electors.items()},
            **cast.others,
        },
        "faithless_electors": [
            {"state": f.state, "pledged": f.pledged.value, "voted_for": f.voted_for}
            for f in cast.faithless
        ],
        "majority": pledged.majority,
        "winner": winner.value if winner else None,
        "winner_name": nominee(outcome.year, winner) if winner else None,
        "outcome": pledged.outcome.value,
        "unallocated": list(pledged.unallocated),
        "states": [
            {
                "state": race.race,
                "name": race.name,
                "winner": race.winner.value if race.winner else None,
                "margin": None if race.margin is None else round(race.margin, 6),
                "votes": (
                    {"dem": race.result.dem, "gop": race.result.gop, "other": race.result.other}
                    if race.result
                    else None
                ),
                "electoral_votes": race.electoral_votes,
                "source": race.source,
            }
            for race in outcome.races
        ],
        "notes": list(outcome.notes),
    }


@click.command()
@click.option("--year", type=int, required=True, help="Presidential election year (2008–2024).")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@click.option("--check", is_flag=True, help="Compare county sums with certified state totals.")
@output_options()
def results(year: int, data_flag: str | None, check: bool, as_json: bool, as_csv: bool) -> None:
    """A past presidential election, state by state, with the Electoral College.

    States and districts with their winner, margin (points, + = Democrat), votes and
    electoral votes; then the totals and the winner. Faithless electors are shown
    as cast next to the pledged totals (2016).

    Example:

        racedesk results --year 2024 --json
    """
    data_dir = Settings.from_env().with_flags(data=data_flag).data_dir()
    if check:
        _print_check(year, data_dir, as_json=as_json, as_csv=as_csv)
        return
    outcome = presidential_outcome(year, data_dir)
    if as_json:
        print_json(_payload(outcome))
        return
    if as_csv:
        print_csv(COLUMNS, _rows(outcome))
        return
    pledged, cast = outcome.pledged, outcome.cast
    caption = "  ".join(
        f"{nominee(year, p)} ({p.value}) {pledged.electors[p]}" for p in (Party.DEM, Party.GOP)
    )
    table_rows = [row[:-1] for row in _rows(outcome)]  # the source column is for CSV/JSON
    print_table(COLUMNS[:-1], table_rows, title=f"Presidential election {year}", caption=caption)
    winner = pledged.winner
    click.echo(
        f"Winner: {nominee(year, winner)} ({winner.value}), "
        f"{pledged.electors[winner]} of {pledged.appointed} electors"
        if winner
        else f"Outcome: {pledged.outcome.value}"
    )
    if cast.faithless:
        cast_text = ", ".join(f"{p.value} {n}" for p, n in cast.electors.items() if n)
        others = ", ".join(f"{name} {n}" for name, n in cast.others.items())
        click.echo(f"As cast: {cast_text}; {others}")
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)


def _print_check(year: int, data_dir: Path, *, as_json: bool, as_csv: bool) -> None:
    checks = check_county_sums(year, data_dir)
    columns = CHECK_COLUMNS
    rows = [check.row() for check in checks]
    if as_json:
        print_json([dict(zip(columns, row, strict=True)) for row in rows])
    elif as_csv:
        print_csv(columns, rows)
    else:
        dem = sum(c.dem_diff for c in checks)
        gop = sum(c.gop_diff for c in checks)
        print_table(
            columns, rows, title=f"{year}: county sums − certified totals", caption=f"{dem=} {gop=}"
        )
