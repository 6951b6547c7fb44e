"""The certification tracker: after the night, per state, the dated steps toward the electors'
vote — canvass complete, results certified, certificate of ascertainment issued, recounts and
litigation — each with a source note, against the federal deadlines of the calendar.

Ledger kind ``certification``: race = the state ("PA"; Maine and Nebraska certify statewide),
actor = who entered it ("cli", "csv:<file>", "api"), ``at`` = the start of the (Eastern) day,
payload ``{"step": "certified", "date": "2024-11-25", "source": ..., "note": ..., "flags": [...]}``.

Input rules: an unknown state or step, or a date before Election Day, is refused. A step out of
legal order (canvass → certification → certificate of ascertainment; a recount or suit closing
before it opened; a certificate after the deadline) is **recorded and flagged** with a warning:
the record says what happened, the flag says it is irregular. The same event entered twice
(same state, step, date, source and note) is recorded once.

At risk: a state without a certificate of ascertainment when the certificate deadline is at most
``RISK_DAYS`` away (or has passed: "missed"), or while a recount or a suit is open. Per-state
statutory certification deadlines vary and are not in the data; only the federal ones are used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from racedesk.domain.calendar import calendar_for
from racedesk.domain.ids import STATES, IdError, StateCode, state_code
from racedesk.errors import DataError, RacedeskError
from racedesk.history.calls import EASTERN
from racedesk.store.ledger import Event, Ledger

CERTIFICATION = "certification"
RISK_DAYS = 7
OUT_OF_ORDER = "out_of_legal_order"
AFTER_DEADLINE = "after_deadline"
CSV_COLUMNS = ("state", "step", "date", "source", "note")


class CertificationError(RacedeskError, ValueError):
    """A certification event that cannot be recorded (unknown state or step, impossible date)."""


class Step(StrEnum):
    CANVASS_COMPLETE = "canvass_complete"
    CERTIFIED = "certified"
    ASCERTAINMENT_ISSUED = "ascertainment_issued"
    RECOUNT_STARTED = "recount_started"
    RECOUNT_COMPLETED = "recount_completed"
    LITIGATION_FILED = "litigation_filed"
    LITIGATION_RESOLVED = "litigation_resolved"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# The legal order of the main line (recounts and suits can come at any point after the vote).
LEGAL_ORDER = (Step.CANVASS_COMPLETE, Step.CERTIFIED, Step.ASCERTAINMENT_ISSUED)
OPENS = {
    Step.RECOUNT_COMPLETED: Step.RECOUNT_STARTED,
    Step.LITIGATION_RESOLVED: Step.LITIGATION_FILED,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificationEvent:
    year: int
    state: StateCode
    step: Step
    on: date
    source: str
    note: str
    entered_by: str
    seq: int | None
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedStep:
    event: CertificationEvent
    new: bool  # False for an exact duplicate (nothing appended)
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StateCertification:
    state: StateCode
    canvass_complete: date | None
    certified: date | None
    ascertainment: date | None
    recount_open: bool
    litigation_open: bool
    events: tuple[CertificationEvent, ...]
    risks: tuple[str, ...]  # why the state is at risk; empty when it is not

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    @property
    def status(self) -> str:
        if self.ascertainment:
            return "certificate of ascertainment issued"
        if self.certified:
            return "certified"
        if self.canvass_complete:
            return "canvass complete"
        return "canvass under way" if self.events else "no events recorded"


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline:
    key: str
    name: str
    on: date
    law: str
    days_remaining: int  # negative once passed
    missing: tuple[StateCode, ...]  # states without a certificate of ascertainment


@dataclass(frozen=True, slots=True, kw_only=True)
class Tracker:
    year: int
    today: date
    states: tuple[StateCertification, ...]
    deadlines: tuple[Deadline, ...]
    at_risk: tuple[StateCode, ...]
    warnings: tuple[str, ...]


def _step(text: str) -> Step:
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Step(key)
    except ValueError:
        steps = ", ".join(s.value for s in Step)
        raise CertificationError(f"unknown certification step {text!r}: one of {steps}") from None


def _state(text: str) -> StateCode:
    try:
        return state_code(text)
    except IdError as error:
        raise CertificationError(
            f"{error} (certification is by state; ME and NE statewide)"
        ) from None


def _event(event: Event) -> CertificationEvent:
    payload = event.payload
    return CertificationEvent(
        year=event.year,
        state=StateCode(event.race or ""),
        step=Step(str(payload["step"])),
        on=date.fromisoformat(str(payload["date"])),
        source=str(payload.get("source", "")),
        note=str(payload.get("note", "")),
        entered_by=event.actor,
        seq=event.seq,
        flags=tuple(str(f) for f in payload.get("flags", ())),
    )


def certification_events(ledger: Ledger, year: int) -> list[CertificationEvent]:
    """Every certification event of ``year``, in the order recorded."""
    return [_event(e) for e in ledger.events(year=year, kinds=[CERTIFICATION])]


def _checks(
    year: int, state: StateCode, step: Step, on: date, earlier: Sequence[CertificationEvent]
) -> tuple[list[str], list[str]]:
    """(flags, warnings) for a new event against the state's recorded ones."""
    flags: list[str] = []
    warnings: list[str] = []
    mine = [e for e in earlier if e.state == state]
    if step in LEGAL_ORDER:
        rank = LEGAL_ORDER.index(step)
        for other in mine:
            if other.step not in LEGAL_ORDER:
                continue
            other_rank = LEGAL_ORDER.index(other.step)
            if (other_rank > rank and other.on < on) or (other_rank < rank and other.on > on):
                flags.append(OUT_OF_ORDER)
                warnings.append(
                    f"{state}: {step.label} on {on} is out of legal order with "
                    f"{other.step.label} on {other.on}; recorded and flagged"
                )
    if step in OPENS:
        opened = [e for e in mine if e.step is OPENS[step] and e.on <= on]
        if not opened:
            flags.append(OUT_OF_ORDER)
            warnings.append(
                f"{state}: {step.label} on {on} without a {OPENS[step].label} before it; "
                "recorded and flagged"
            )
    deadline = calendar_for(year).certificate_deadline
    if step is Step.ASCERTAINMENT_ISSUED and on > deadline:
        flags.append(AFTER_DEADLINE)
        warnings.append(
            f"{state}: certificate of ascertainment on {on}, after the {deadline} deadline; "
            "recorded and flagged"
        )
    return list(dict.fromkeys(flags)), warnings


def record_certification(
    ledger: Ledger,
    year: int,
    state: str,
    step: str | Step,
    on: date,
    source: str,
    *,
    note: str = "",
    entered_by: str = "cli",
) -> RecordedStep:
    """Record one dated certification step of a state (see the module docstring's rules)."""
    code, kind = _state(state), step if isinstance(step, Step) else _step(step)
    calendar = calendar_for(year)
    if on < calendar.election_day:
        raise CertificationError(
            f"{code}: {kind.label} dated {on}, before Election Day {calendar.election_day}; "
            "nothing recorded"
        )
    earlier = certification_events(ledger, year)
    for other in earlier:
        if (other.state, other.step, other.on, other.source, other.note) == (
            code,
            kind,
            on,
            source,
            note,
        ):
            return RecordedStep(event=other, new=False, warnings=())
    flags, warnings = _checks(year, code, kind, on, earlier)
    payload = {
        "step": kind.value,
        "date": on.isoformat(),
        "source": source,
        "note": note,
        "flags": flags,
    }
    at = datetime.combine(on, datetime.min.time(), tzinfo=EASTERN)
    event = ledger.append(
        CERTIFICATION, year=year, at=at, actor=entered_by, race=code, payload=payload
    )
    return RecordedStep(event=_event(event), new=True, warnings=tuple(warnings))


def parse_certification_csv(text: str, *, source: str) -> list[tuple[int, dict[str, str]]]:
    """Rows (line number, values) of a certification CSV: ``state,step,date,source,note``.
    Values are checked for shape here (dates), and for meaning when recorded."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("state", "step", "date") if c not in header]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}", source=source, line=1, field=missing[0]
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for line, values in enumerate(reader, start=2):
        if None in values:
            raise DataError("too many fields", source=source, line=line)
        cleaned = {k: (v or "").strip() for k, v in values.items()}
        try:
            date.fromisoformat(cleaned["date"])
        except ValueError:
            raise DataError(
                f"not a date YYYY-MM-DD: {cleaned['date']!r}",
                source=source,
                line=line,
                field="date",
            ) from None
        rows.append((line, cleaned))
    return rows


def record_certification_csv(
    ledger: Ledger, year: int, text: str, *, source: str
) -> list[RecordedStep]:
    """Record every row of a certification CSV. Every row is checked before any is recorded,
    so a bad row leaves the ledger unchanged (``DataError`` naming file, line and field)."""
    rows = parse_certification_csv(text, source=source)
    election = calendar_for(year).election_day
    for line, values in rows:
        try:
            _state(values["state"])
            _step(values["step"])
        except CertificationError as error:
            field = "state" if "state" in str(error) and "step" not in str(error) else "step"
            raise DataError(str(error), source=source, line=line, field=field) from None
        if date.fromisoformat(values["date"]) < election:
            raise DataError(
                f"dated before Election Day {election}", source=source, line=line, field="date"
            )
    return [
        record_certification(
            ledger,
            year,
            values["state"],
            values["step"],
            date.fromisoformat(values["date"]),
            values.get("source", "") or source,
            note=values.get("note", ""),
            entered_by=f"csv:{source}",
        )
        for _, values in rows
    ]


def _last(events: Iterable[CertificationEvent], step: Step) -> date | None:
    dates = [e.on for e in events if e.step is step]
    return max(dates) if dates else None


def _open(events: Sequence[CertificationEvent], opens: Step, closes: Step, today: date) -> bool:
    opened = [e.on for e in events if e.step is opens and e.on <= today]
    closed = [e.on for e in events if e.step is closes and e.on <= today]
    return bool(opened) and (not closed or max(opened) > max(closed))


def tracker(year: int, ledger: Ledger, today: date) -> Tracker:
    """Every state's certification status on ``today`` and the deadlines with days remaining."""
    calendar = calendar_for(year)
    events = [e for e in certification_events(ledger, year) if e.on <= today]
    deadline = calendar.certificate_deadline
    days_left = (deadline - today).days
    states: list[StateCertification] = []
    for state in STATES:
        mine = tuple(
            sorted((e for e in events if e.state == state), key=lambda e: (e.on, e.seq or 0))
        )
        ascertainment = _last(mine, Step.ASCERTAINMENT_ISSUED)
        recount = _open(mine, Step.RECOUNT_STARTED, Step.RECOUNT_COMPLETED, today)
        litigation = _open(mine, Step.LITIGATION_FILED, Step.LITIGATION_RESOLVED, today)
        risks: list[str] = []
        if ascertainment is None and today > calendar.election_day:
            if days_left < 0:
                risks.append(f"missed the {deadline} certificate deadline")
            elif days_left <= RISK_DAYS:
                risks.append(f"no certificate of ascertainment, {days_left} days to the deadline")
            if recount:
                risks.append("recount under way")
            if litigation:
                risks.append("litigation pending")
        states.append(
            StateCertification(
                state=state,
                canvass_complete=_last(mine, Step.CANVASS_COMPLETE),
                certified=_last(mine, Step.CERTIFIED),
                ascertainment=ascertainment,
                recount_open=recount,
                litigation_open=litigation,
                events=mine,
                risks=tuple(risks),
            )
        )
    missing = tuple(s.state for s in states if s.ascertainment is None)
    deadlines = tuple(
        Deadline(
            key=m.key,
            name=m.name,
            on=m.date,
            law=m.law,
            days_remaining=(m.date - today).days,
            missing=missing if m.key in ("certificate_deadline", "electors_meet") else (),
        )
        for m in calendar.milestones
        if m.key != "election_day"
    )
    warnings = tuple(
        f"{e.state}: {e.step.label} on {e.on} flagged {', '.join(e.flags)}"
        for e in events
        if e.flags
    )
    return Tracker(
        year=year,
        today=today,
        states=tuple(states),
        deadlines=deadlines,
        at_risk=tuple(s.state for s in states if s.at_risk),
        warnings=warnings,
    )
