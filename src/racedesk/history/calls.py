"""Real race calls of past nights, read from ``calls/`` in the data folder (SOURCES.md §4).

Two files:

* ``race_calls_president_2020_2024.csv``: one row per state or district call. ``ap_call_et`` is
  AP's call time in US Eastern time (converted with ``zoneinfo``, never a fixed offset);
  ``nyt_call_utc`` is the New York Times' own call time (2020 only), in UTC to the second.
  ``time_precision`` says how exact AP's time is; it is kept (``precision``, and the file's own
  words in ``precision_note``): ``minute``, ``approx (...)``, ``date only`` (the time is the start
  of that Eastern day and only the date is meaningful) or ``unknown`` (no time: the call is
  loaded with ``at=None``).
* ``overall_race_calls.csv``: when AP called the presidency (race key ``"president"``). A note
  naming another outlet's projection ("Fox News projected ~1:47 a.m.") is loaded as that
  outlet's call, ``approx``, on the Eastern date of AP's call.

Winners are given by surname ("Trump"); ``winner_party`` maps them to parties with the year's
nominees. Nothing is dropped silently: every row becomes a ``CallRecord`` or a ``DataError``
naming file, line and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from racedesk.domain.contests import Party
from racedesk.domain.electoral import ElectoralError, race_electors, race_key
from racedesk.domain.nominees import NOMINEES
from racedesk.errors import CallRuleError, DataNotFound
from racedesk.history.files import Row, read_rows

RACE_CALLS_FILE = "calls/race_calls_president_2020_2024.csv"
OVERALL_CALLS_FILE = "calls/overall_race_calls.csv"
PRESIDENCY = "president"  # the race key of the presidency itself
EASTERN = ZoneInfo("America/New_York")

_RACE_COLUMNS = ("year", "unit", "winner", "ap_call_et", "time_precision", "source", "note")
_OVERALL_COLUMNS = ("year", "winner", "ap_call_et", "deciding_unit", "source", "note")
# "Fox News projected ~1:47 a.m." in a note: another outlet's call of the same race.
_NOTE_CALL = re.compile(
    r"\b(?P<caller>Fox News|CNN|NBC|ABC|CBS|DDHQ|Decision Desk HQ)\s+projected\s+~?"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<half>[ap])\.?m\.?",
    re.IGNORECASE,
)


class Precision(StrEnum):
    """How exact a call time is."""

    EXACT = "exact"  # a timestamp, to the second (NYT's, or one entered live)
    MINUTE = "minute"
    APPROX = "approx"  # about that minute (a live-blog post time, "~1:47 a.m.")
    DATE = "date"  # only the (Eastern) date is known; ``at`` is that day's start
    UNKNOWN = "unknown"  # the call is on record without a time; ``at`` is None

    @property
    def timed(self) -> bool:
        """The time of day is known (well enough to compare minutes)."""
        return self in (Precision.EXACT, Precision.MINUTE, Precision.APPROX)


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRecord:
    """One outlet's call of one race (or of the presidency: ``race == "president"``)."""

    year: int
    race: str
    caller: str
    winner: Party
    at: datetime | None  # UTC; None when the data has no time for this call
    precision: Precision
    precision_note: str  # the file's own words ("approx (live-blog post time)")
    source: str  # URL or repository path the time comes from
    note: str
    origin: str  # "calls/race_calls_president_2020_2024.csv line 5"


@dataclass(frozen=True, slots=True, kw_only=True)
class CallData:
    """The real calls of one year (or of every year) in the data folder."""

    year: int | None
    calls: tuple[CallRecord, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def callers(self) -> tuple[str, ...]:
        return tuple(sorted({call.caller for call in self.calls}))

    def of(self, caller: str, race: str) -> tuple[CallRecord, ...]:
        return tuple(c for c in self.calls if c.caller == caller and c.race == race)


def winner_party(year: int, text: str) -> Party:
    """A call's winner: a party code (``gop``), label (``Republican``), or the year's nominee by
    full name or surname (``Trump``). Anything else raises ``CallRuleError``."""
    raw = " ".join(text.split()).lower()
    for party in Party:
        if raw in (party.value, party.label.lower()):
            return party
    if raw in ("democrat", "d", "rep", "republican party", "r"):
        return Party.DEM if raw in ("democrat", "d") else Party.GOP
    for party, name in NOMINEES.get(year, {}).items():
        if raw in (name.lower(), name.split()[-1].lower()):
            return party
    names = ", ".join(NOMINEES.get(year, {}).values()) or "no nominees on record"
    raise CallRuleError(
        f"unknown candidate {text!r} for {year}: give dem, gop, other or a nominee ({names})"
    )


def call_race(year: int, text: str) -> str:
    """A race key of ``year`` (``"pa"`` → ``"PA"``, ``"ne-2"`` → ``"NE-02"``) or ``"president"``.

    Raises ``CallRuleError`` for anything else.
    """
    if text.strip().lower() in (PRESIDENCY, "presidency", "us", "national"):
        return PRESIDENCY
    try:
        race = race_key(text)
        if race not in race_electors(year):
            raise ElectoralError(f"not a race of {year}")
    except ElectoralError as error:
        raise CallRuleError(
            f"unknown race {text!r} for {year}: use a state code (PA), ME/NE for the at-large "
            f"race, a district (NE-02) or 'president' ({error})"
        ) from None
    return race


def eastern_time(text: str, *, row: Row, field: str) -> tuple[datetime, bool]:
    """``"2020-11-03 19:00"`` (or a bare date) in US Eastern time → UTC; the flag is True when
    only the date was given."""
    raw = text.strip()
    try:
        if len(raw) == len("2020-11-03"):
            day = datetime.strptime(raw, "%Y-%m-%d")
            return datetime.combine(day.date(), time(0, 0), tzinfo=EASTERN).astimezone(UTC), True
        local = datetime.strptime(raw, "%Y-%m-%d %H:%M")
    except ValueError:
        raise row.fail(f"not a time 'YYYY-MM-DD HH:MM' or a date: {raw!r}", field) from None
    return local.replace(tzinfo=EASTERN).astimezone(UTC), False


def _precision(label: str, *, dated_only: bool, row: Row) -> Precision:
    text = label.strip().lower()
    if dated_only or text.startswith("date"):
        return Precision.DATE
    if text.startswith(("minute", "poll close")):  # AP calls at the top of the hour
        return Precision.MINUTE
    if text.startswith("approx"):
        return Precision.APPROX
    if text == "unknown":
        return Precision.UNKNOWN
    raise row.fail(f"unknown time precision {label!r}", "time_precision")


def _winner(row: Row, year: int, field: str = "winner") -> Party:
    try:
        return winner_party(year, row.text(field))
    except CallRuleError as error:
        raise row.fail(str(error), field) from None


def _race(row: Row, year: int) -> str:
    try:
        race = call_race(year, row.text("unit"))
    except CallRuleError as error:
        raise row.fail(str(error), "unit") from None
    if race == PRESIDENCY:
        raise row.fail("the presidency belongs in overall_race_calls.csv", "unit")
    return race


def _year(row: Row) -> int:
    try:
        return int(row.text("year"))
    except ValueError:
        raise row.fail(f"not a year: {row.text('year')!r}", "year") from None


def _race_rows(path: Path, year: int | None) -> list[CallRecord]:
    calls: list[CallRecord] = []
    for row in read_rows(path, _RACE_COLUMNS):
        row_year = _year(row)
        if year is not None and row_year != year:
            continue
        race, winner = _race(row, row_year), _winner(row, row_year)
        label = row.text("time_precision")
        if row.text("ap_call_et"):
            at, dated_only = eastern_time(row.text("ap_call_et"), row=row, field="ap_call_et")
            precision = _precision(label, dated_only=dated_only, row=row)
        else:
            at, precision = None, _precision(label, dated_only=False, row=row)
            if precision is not Precision.UNKNOWN:
                raise row.fail(f"no AP call time, but precision {label!r}", "ap_call_et")
        ap = CallRecord(
            year=row_year,
            race=race,
            caller="AP",
            winner=winner,
            at=at,
            precision=precision,
            precision_note=label,
            source=row.text("source"),
            note=row.text("note"),
            origin=f"{RACE_CALLS_FILE} line {row.line}",
        )
        calls.append(ap)
        nyt = row.values.get("nyt_call_utc", "").strip()
        if nyt:
            try:
                nyt_at = datetime.fromisoformat(nyt.replace("Z", "+00:00")).astimezone(UTC)
            except ValueError:
                raise row.fail(f"not an ISO time: {nyt!r}", "nyt_call_utc") from None
            calls.append(
                replace(
                    ap,
                    caller="NYT",
                    at=nyt_at,
                    precision=Precision.EXACT,
                    precision_note="winnerCalledTimestamp",
                    source=row.values.get("nyt_call_source", "").strip(),
                )
            )
    return calls


def _note_calls(row: Row, year: int, winner: Party, ap_at: datetime) -> list[CallRecord]:
    """Other outlets' projections named in a note, on the Eastern date of AP's call."""
    found: list[CallRecord] = []
    for match in _NOTE_CALL.finditer(row.text("note")):
        hour = int(match["hour"]) % 12 + (12 if match["half"].lower() == "p" else 0)
        day = ap_at.astimezone(EASTERN).date()
        local = datetime.combine(day, time(hour, int(match["minute"])), tzinfo=EASTERN)
        caller = "DDHQ" if match["caller"].lower() == "decision desk hq" else match["caller"]
        found.append(
            CallRecord(
                year=year,
                race=PRESIDENCY,
                caller=caller,
                winner=winner,
                at=local.astimezone(UTC),
                precision=Precision.APPROX,
                precision_note="approx (from the note of AP's call)",
                source=row.text("source"),
                note=match.group(0),
                origin=f"{OVERALL_CALLS_FILE} line {row.line}, note",
            )
        )
    return found


def _overall_rows(path: Path, year: int | None) -> list[CallRecord]:
    calls: list[CallRecord] = []
    for row in read_rows(path, _OVERALL_COLUMNS):
        row_year = _year(row)
        if year is not None and row_year != year:
            continue
        winner = _winner(row, row_year)
        at, dated_only = eastern_time(row.text("ap_call_et"), row=row, field="ap_call_et")
        deciding = row.text("deciding_unit")
        note = "; ".join(
            part
            for part in (f"deciding race {deciding}" if deciding else "", row.text("note"))
            if part
        )
        calls.append(
            CallRecord(
                year=row_year,
                race=PRESIDENCY,
                caller="AP",
                winner=winner,
                at=at,
                precision=Precision.DATE if dated_only else Precision.MINUTE,
                precision_note="date only" if dated_only else "minute",
                source=row.text("source"),
                note=note,
                origin=f"{OVERALL_CALLS_FILE} line {row.line}",
            )
        )
        calls.extend(_note_calls(row, row_year, winner, at))
    return calls


def load_calls(data_dir: Path, year: int | None = None) -> CallData:
    """Every real call in ``data_dir/calls`` (of ``year`` only, when given)."""
    paths = (data_dir / RACE_CALLS_FILE, data_dir / OVERALL_CALLS_FILE)
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise DataNotFound(
            f"no race-call data: missing {', '.join(missing)}; run `racedesk data pull` "
            "or pass --data DIR",
            tried=tuple(missing),
        )
    calls = _race_rows(paths[0], year) + _overall_rows(paths[1], year)
    notes: list[str] = []
    if year is not None and not calls:
        notes.append(f"no real calls for {year} in the data folder (it holds 2016–2024)")
    undated = [f"{c.caller} {c.race}" for c in calls if c.at is None]
    if undated:
        notes.append(f"called, but no time on record: {', '.join(undated)}")
    dated = [f"{c.caller} {c.race}" for c in calls if c.precision is Precision.DATE]
    if dated:
        notes.append(f"only the date is on record: {', '.join(dated)}")
    return CallData(
        year=year,
        calls=tuple(sorted(calls, key=_order)),
        notes=tuple(notes),
        sources=(RACE_CALLS_FILE, OVERALL_CALLS_FILE),
    )


def _order(call: CallRecord) -> tuple[int, bool, datetime, str, str]:
    at = call.at or datetime.max.replace(tzinfo=UTC)
    return (call.year, call.at is None, at, call.race, call.caller)
