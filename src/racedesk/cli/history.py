"""``racedesk history UNIT``: every count stored for a reporting unit, oldest first."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from racedesk.cli.output import output_options, print_csv, print_json, print_table
from racedesk.cli.store_option import store_option, store_path
from racedesk.errors import StoreError
from racedesk.store import columns as col
from racedesk.store.sqlite import SQLiteStore

COLUMNS = (
    col.AT,
    col.CONTEST,
    col.CANDIDATE,
    col.MODE,
    col.VOTES,
    col.PREVIOUS,
    col.CORRECTION,
    col.EXPECTED_VOTES,
    col.SOURCE,
    col.INGESTED_AT,
)


def _plain(value: object) -> object:
    """Frame cells as JSON/CSV values: NA → None, timestamps → ISO text, numpy → Python."""
    if value is pd.NA or value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


@click.command("history")
@click.argument("unit")
@click.option("--contest", default=None, help="Only this contest, e.g. 2024-president-PA.")
@store_option
@output_options()
def history(
    unit: str, contest: str | None, store_flag: Path | None, as_json: bool, as_csv: bool
) -> None:
    """Show a unit's counts over time; corrections (a count that went down) are flagged.

    Example:

        racedesk history 42101 --contest 2024-president-PA
    """
    path = store_path(store_flag)
    with SQLiteStore(path, create=False) as store:
        frame = store.history(unit, contest)
    if frame.empty:
        where = f" in {contest}" if contest else ""
        raise StoreError(f"no counts for unit {unit!r}{where} in store {path}")
    rows = [[_plain(v) for v in row] for row in frame[list(COLUMNS)].itertuples(index=False)]
    if as_json:
        print_json([dict(zip(COLUMNS, row, strict=True)) for row in rows])
    elif as_csv:
        print_csv(COLUMNS, rows)
    else:
        contests = sorted({str(row[1]) for row in rows})
        many = len(contests) > 1
        table_rows = [
            [
                str(row[0])[:16].replace("T", " ") + "Z",
                *([row[1]] if many else []),
                row[2],
                row[3],
                f"{row[4]:,}",
                "" if row[7] is None else f"{row[7]:,}",
                f"was {row[5]:,}" if row[6] else "",
            ]
            for row in rows
        ]
        headers = ("at", *(("contest",) if many else ()), "candidate", "mode", "votes")
        print_table(
            (*headers, "expected", "correction"),
            table_rows,
            title=f"unit {unit}" + ("" if many else f", {contests[0]}"),
            caption=f"{len(rows)} counts, {sum(1 for r in rows if r[6])} corrections",
        )
