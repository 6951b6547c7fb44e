"""``racedesk callers``: every caller's calls and their consensus; ``racedesk call record`` /
``call load``: enter another caller's call or retraction.

The real calls of the data folder (``calls/``) are read every time and merged with the store's
ledger (never copied into it); ``--no-data`` shows the ledger alone.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import click

from racedesk.cli.output import output_options, print_csv, print_json, print_table
from racedesk.cli.store_option import store_option, store_path
from racedesk.college.consensus import Agreement, Consensus, consensus, duration
from racedesk.college.external_calls import (
    EXTERNAL_CALL,
    EXTERNAL_RETRACTION,
    Recorded,
    Standing,
    record_external_call,
    retract_external_call,
)
from racedesk.college.payloads import consensus_payload
from racedesk.domain.nominees import nominee
from racedesk.errors import DataError, DataNotFound, RacedeskError
from racedesk.history.calls import EASTERN, CallRecord, load_calls
from racedesk.settings import Settings
from racedesk.store.ledger import Ledger

CSV_COLUMNS = (
    "race",
    "caller",
    "winner",
    "candidate",
    "at_utc",
    "at_et",
    "precision",
    "agreement",
    "flags",
    "source",
)


def parse_time(text: str) -> datetime:
    """An ISO time; without an offset it is US Eastern time (as newsrooms give call times)."""
    raw = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: give e.g. 2024-11-06T05:34-05:00, 2024-11-06T10:34Z or 2024-11-06 05:34 "
            "(Eastern)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=EASTERN)


def real_calls(year: int, data_flag: str | None, use_data: bool) -> tuple[CallRecord, ...]:
    if not use_data:
        return ()
    data_dir = Settings.from_env().with_flags(data=data_flag).data_dir()
    return load_calls(data_dir, year).calls


def existing_ledger(path: Path) -> Ledger | None:
    """The ledger of an existing store file; None when the file does not exist (reads never
    create a store)."""
    return Ledger(path) if path.exists() else None


def _et(at: datetime | None) -> str:
    return at.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M ET") if at else "time unknown"


def _cell(year: int, standing: Standing) -> str:
    if standing.winner is None:
        return f"{standing.caller}: retracted"
    if standing.at is None:
        return f"{standing.caller} {standing.winner.value} (time unknown)"
    text = f"{standing.caller} {standing.winner.value} {_et(standing.at)[5:]}"
    return text + (f" ({standing.precision.value})" if standing.precision.value != "minute" else "")


def _by_time(standing: Standing) -> tuple[bool, datetime]:
    return (standing.at is None, standing.at or datetime.max.replace(tzinfo=UTC))


def _print_table(view: Consensus, data_notes: tuple[str, ...]) -> None:
    year, president = view.year, view.president
    rows = [
        [
            s.caller,
            nominee(year, s.winner) if s.winner else "retracted",
            _et(s.at),
            s.at.astimezone(UTC).strftime("%H:%MZ") if s.at else "",
            s.precision.value,
            s.source,
        ]
        for s in sorted(president.callers, key=_by_time)
    ]
    desk = president.racedesk
    if desk is not None and desk.called and desk.winner is not None:
        derived = " (from its race calls)" if "derived" in desk.flags else ""
        rows.append(
            [
                "racedesk",
                nominee(year, desk.winner),
                _et(desk.at),
                desk.at.astimezone(UTC).strftime("%H:%MZ") if desk.at else "",
                "replay" + derived,
                "store ledger",
            ]
        )
    print_table(
        ("caller", "declared", "time (ET)", "UTC", "precision", "source"),
        rows,
        title=f"{year}: who declared the presidency, and when",
    )
    click.echo(president.summary)
    if view.hint:
        click.echo(view.hint)
    race_rows = []
    for race in view.races:
        if race.agreement is Agreement.UNCALLED and race.racedesk is None:
            continue
        desk_cell = ""
        if race.racedesk is not None and race.racedesk.winner is not None:
            desk_cell = f"{race.racedesk.winner.value} {_et(race.racedesk.at)[5:]}"
        lead = race.lead_vs_consensus if race.lead_vs_consensus is not None else race.lead_vs_first
        lead_cell = (
            "" if lead is None else ("+" if lead.total_seconds() >= 0 else "−") + duration(lead)
        )
        race_rows.append(
            [
                race.race,
                race.electors,
                race.agreement.value.upper()
                if race.agreement is Agreement.SPLIT
                else race.agreement.value,
                race.winner.value if race.winner else "",
                "; ".join(_cell(year, s) for s in race.callers),
                desk_cell,
                lead_cell,
            ]
        )
    uncalled = [r.race for r in view.races if r.agreement is Agreement.UNCALLED]
    columns = ("race", "EV", "agreement", "winner", "calls", "racedesk", "racedesk lead")
    width = len(columns) if view.racedesk_replay else len(columns) - 2
    print_table(
        columns[:width],
        [row[:width] for row in race_rows],
        title=f"{year}: race calls by caller ({', '.join(view.race_callers) or 'none'})",
        caption=f"no call on record: {', '.join(uncalled)}" if uncalled else None,
    )
    for split in view.splits:
        click.echo(f"!!! {split}", err=True)
    for warning in view.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in data_notes:
        click.echo(f"note: {note}", err=True)


def _csv_rows(view: Consensus) -> list[list[object]]:
    rows: list[list[object]] = []
    for race in (view.president, *view.races):
        standings = list(race.callers) + ([race.racedesk] if race.racedesk else [])
        for s in standings:
            rows.append(
                [
                    race.race,
                    s.caller,
                    s.winner.value if s.winner else "",
                    nominee(view.year, s.winner) if s.winner else "",
                    s.at.astimezone(UTC).isoformat() if s.at else "",
                    _et(s.at) if s.at else "",
                    s.precision.value,
                    race.agreement.value,
                    " ".join(s.flags),
                    s.source,
                ]
            )
    return rows


@click.command()
@click.option("--year", type=int, required=True, help="Presidential election year.")
@click.option("--as-of", "as_of", help="Show the calls standing at this time (ISO; naive = ET).")
@click.option("--no-data", is_flag=True, help="Leave out the data folder's real calls.")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@store_option
@output_options()
def callers(
    year: int,
    as_of: str | None,
    no_data: bool,
    data_flag: str | None,
    store_flag: Path | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Every caller's calls of YEAR, per race and for the presidency, and their consensus.

    Shows who declared the presidency and when, each race's agreement (declared by all N
    callers, partial, or SPLIT, flagged on stderr), and racedesk's own calls from the store
    with how far ahead of or behind the consensus they were. The real calls in the data
    folder (calls/) are merged with the store's ledger every time.

    Example:

        racedesk callers --year 2024 --store night.sqlite
    """
    calls: tuple[CallRecord, ...] = ()
    notes: tuple[str, ...] = ()
    if not no_data:
        data = load_calls(Settings.from_env().with_flags(data=data_flag).data_dir(), year)
        calls, notes = data.calls, data.notes
    ledger = existing_ledger(store_path(store_flag))
    moment = parse_time(as_of) if as_of else None
    try:
        view = consensus(year, ledger=ledger, data_calls=calls, as_of=moment)
    finally:
        if ledger is not None:
            ledger.close()
    if as_json:
        print_json({**consensus_payload(view), "notes": list(notes)})
    elif as_csv:
        print_csv(CSV_COLUMNS, _csv_rows(view))
    else:
        _print_table(view, notes)


@click.group()
def call() -> None:
    """Enter other callers' calls and retractions (AP, DDHQ, the networks).

    Example:

        racedesk call record AP PA Trump --at "2024-11-06 02:24" --store night.sqlite
    """


def _reference(year: int | None, at: datetime, data_flag: str | None) -> tuple[CallRecord, ...]:
    """The data folder's real calls of that cycle (a missing data folder means none)."""
    from racedesk.domain.calendar import cycle_of

    cycle = year if year is not None else cycle_of(at.astimezone(EASTERN).date())
    try:
        return real_calls(cycle, data_flag, True)
    except DataNotFound:
        return ()


def _report(done: Recorded, *, retraction: bool) -> None:
    entry = done.entry
    what = "retraction of" if retraction else "call of"
    state = "recorded" if done.new else "already on record"
    click.echo(
        f"{state}: {entry.caller} {what} {entry.race} ({entry.winner.value}) at "
        f"{_et(entry.at)} [{entry.origin}]"
    )
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)


@call.command(name="record")
@click.argument("caller")
@click.argument("race")
@click.argument("winner", required=False)
@click.option("--at", "at_text", required=True, help="Call time (ISO; naive = US Eastern).")
@click.option("--retract", is_flag=True, help="Record a retraction of the caller's call.")
@click.option("--source", default="cli", show_default=True, help="Where the call was seen.")
@click.option("--note", default="", help="A note (the reason, for a retraction).")
@click.option("--year", type=int, default=None, help="Election year (default: from --at).")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@store_option
def record(
    caller: str,
    race: str,
    winner: str | None,
    at_text: str,
    retract: bool,
    source: str,
    note: str,
    year: int | None,
    data_flag: str | None,
    store_flag: Path | None,
) -> None:
    """Record CALLER's call of RACE for WINNER (or, with --retract, its retraction).

    RACE is a state (PA), ME/NE at-large, a district (NE-02) or "president". WINNER is a party
    (dem, gop) or the year's nominee (Trump). A call timed before the race's polls closed is
    recorded and flagged; a retraction of a call never made is refused.

    Example:

        racedesk call record "Fox News" AZ Biden --at 2020-11-03T23:20-05:00
    """
    at = parse_time(at_text)
    reference = _reference(year, at, data_flag)
    with Ledger(store_path(store_flag)) as ledger:
        if retract:
            done = retract_external_call(
                ledger,
                caller,
                race,
                at,
                source,
                year=year,
                reason=note,
                reference=reference,
                winner=winner,
            )
            _report(done, retraction=True)
            return
        if not winner:
            raise click.UsageError("WINNER is required for a call (or pass --retract)")
        done = record_external_call(
            ledger, caller, race, winner, at, source, year=year, note=note, reference=reference
        )
        _report(done, retraction=False)


LOAD_COLUMNS = ("caller", "race", "winner", "at")


@call.command(name="load")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, default=None, help="Election year (default: from each time).")
@click.option("--data", "data_flag", type=click.Path(file_okay=False), help="Data folder.")
@store_option
def load(csv_file: Path, year: int | None, data_flag: str | None, store_flag: Path | None) -> None:
    """Record the calls of a CSV file: caller,race,winner,at[,source,note,retract].

    All rows are checked first against a copy of the ledger; a bad row stops the load with its
    line number and nothing is recorded.

    Example:

        racedesk call load calls-2024.csv --store night.sqlite
    """
    text = csv_file.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = rows[0].keys() if rows else []
    missing = [c for c in LOAD_COLUMNS if c not in header]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", source=csv_file.name, line=1)
    path = store_path(store_flag)
    with Ledger(path) as ledger:
        trial = Ledger(":memory:")
        existing = ledger.events(kinds=[EXTERNAL_CALL, EXTERNAL_RETRACTION])
        for event in existing:
            trial.append(
                event.kind,
                year=event.year,
                at=event.at,
                actor=event.actor,
                race=event.race,
                payload=event.payload,
            )
        for target in (trial, ledger):  # a dry run first: all rows or none
            results = []
            for line, row in enumerate(rows, start=2):
                results.append(_load_row(target, row, year, data_flag, csv_file.name, line))
        trial.close()
    new = sum(1 for r in results if r.new)
    click.echo(f"{csv_file.name}: {new} recorded, {len(results) - new} already on record ({path})")
    for done in results:
        for warning in done.warnings:
            click.echo(f"warning: {warning}", err=True)


def _load_row(
    ledger: Ledger,
    row: dict[str, str],
    year: int | None,
    data_flag: str | None,
    name: str,
    line: int,
) -> Recorded:
    values = {k: (v or "").strip() for k, v in row.items() if k is not None}
    try:
        at = parse_time(values["at"])
    except click.BadParameter as error:
        raise DataError(str(error.message), source=name, line=line, field="at") from None
    reference = _reference(year, at, data_flag)
    source = values.get("source") or name
    try:
        if values.get("retract", "").lower() in ("1", "true", "yes", "retract"):
            return retract_external_call(
                ledger,
                values["caller"],
                values["race"],
                at,
                source,
                year=year,
                reason=values.get("note", ""),
                reference=reference,
            )
        return record_external_call(
            ledger,
            values["caller"],
            values["race"],
            values["winner"],
            at,
            source,
            year=year,
            note=values.get("note", ""),
            reference=reference,
        )
    except RacedeskError as error:
        raise DataError(f"{error}", source=name, line=line) from None
