"""The board: every race's status, counts, estimate and call, as the API serves them.

Two sources, one shape. With a desk running in this process, the latest ``Cycle`` gives each
race's status and estimate. Without one (``racedesk serve`` on a store another process writes),
statuses come from the ledger's calls and counts from the store's latest frame; there is then no
estimate, so no race "leans". Calls always come from the ledger, whoever made them: the desk's
own (actor ``racedesk``) first, then other callers' (``POST /api/v1/calls``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from racedesk.api import schemas as s
from racedesk.calls.status import Kind, RaceStatus
from racedesk.desk import Cycle
from racedesk.model.estimate import RaceEstimate
from racedesk.store import columns as col
from racedesk.store.ledger import Event

DESK = "racedesk"  # the ledger actor of the desk's own calls
CALL_KINDS = ("called", "retracted")
DISPLAY_LEVEL = 0.9
NO_DESK = "no desk runs in this server: status from the ledger's calls and the store's counts"


@dataclass(slots=True)
class Standing:
    """Standing calls per race and caller, replayed from the ledger in sequence order."""

    calls: dict[str, dict[str, Event]] = field(default_factory=dict)
    last_desk_event: dict[str, Event] = field(default_factory=dict)
    president_elect: Event | None = None
    last_cycle: Event | None = None

    def add(self, event: Event) -> None:
        if event.kind == "cycle":
            self.last_cycle = event
        elif event.kind == "president_elect":
            self.president_elect = event
        elif event.kind in CALL_KINDS and event.race is not None:
            by_caller = self.calls.setdefault(event.race, {})
            if event.kind == "called":
                by_caller[event.actor] = event
            else:
                by_caller.pop(event.actor, None)
            if event.actor == DESK:
                self.last_desk_event[event.race] = event

    def desk_call(self, race: str) -> Event | None:
        return self.calls.get(race, {}).get(DESK)

    def others(self, race: str) -> list[Event]:
        return sorted(
            (e for actor, e in self.calls.get(race, {}).items() if actor != DESK),
            key=lambda e: e.seq,
            reverse=True,
        )


def standing(events: Iterable[Event]) -> Standing:
    state = Standing()
    for event in events:
        state.add(event)
    return state


def event_out(event: Event) -> s.EventOut:
    return s.EventOut(
        seq=event.seq,
        kind=event.kind,
        year=event.year,
        race=event.race,
        actor=event.actor,
        at=event.at,
        recorded_at=event.recorded_at,
        payload=dict(event.payload),
    )


def call_from_event(event: Event) -> s.CallOut:
    payload = event.payload
    return s.CallOut(
        winner=str(payload.get("winner")),
        caller=event.actor,
        at=event.at,
        rule=payload.get("rule"),
        reasons=[str(r) for r in payload.get("reasons", ())],
        seq=event.seq,
        evidence={
            k: v for k, v in payload.items() if k not in ("winner", "reasons", "rule", "called_at")
        },
    )


def call_from_status(status: RaceStatus) -> s.CallOut:
    """The desk's call from its status (when the ledger has not been read since the cycle)."""
    ev = status.evidence
    evidence: dict[str, Any] = {}
    if ev is not None:
        evidence = {
            "share_counted": ev.share_counted,
            "margin": ev.margin,
            "interval": [ev.interval.lo, ev.interval.hi],
            "confidence": ev.confidence,
        }
    return s.CallOut(
        winner=status.winner.value if status.winner else "",
        caller=DESK,
        at=status.at,
        rule=status.rule.value if status.rule else None,
        reasons=list(status.reasons),
        seq=None,
        evidence=evidence,
    )


def _estimate_out(estimate: RaceEstimate, probability: float | None) -> s.EstimateOut:
    intervals = [
        s.IntervalOut(level=level, lo=round(i.lo, 6), hi=round(i.hi, 6))
        for level, i in sorted(estimate.margin_intervals.items())
    ]
    shown = next((i for i in intervals if abs(i.level - DISPLAY_LEVEL) < 1e-9), None)
    if shown is None:
        sd = estimate.margin_sd * 1.645
        shown = s.IntervalOut(level=DISPLAY_LEVEL, lo=estimate.margin - sd, hi=estimate.margin + sd)
    return s.EstimateOut(
        margin=round(estimate.margin, 6),
        margin_sd=round(estimate.margin_sd, 6),
        interval=shown,
        intervals=intervals,
        expected_total=round(estimate.expected_total, 1),
        dem_probability=None if probability is None else round(probability, 4),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceCounts:
    dem: int = 0
    gop: int = 0
    other: int = 0
    expected: float = 0.0
    units: int = 0
    reporting: int = 0

    @property
    def total(self) -> int:
        return self.dem + self.gop + self.other


def counts_by_race(frame: pd.DataFrame, year: int) -> dict[str, RaceCounts]:
    """Sum the store's latest counts per race; each unit's expected vote is its newest one."""
    prefix = f"{year}-president-"
    frame = frame[frame[col.CONTEST].str.startswith(prefix)]
    if not len(frame):
        return {}
    race = frame[col.CONTEST].str.slice(len(prefix)).to_numpy()
    candidate = frame[col.CANDIDATE].to_numpy()
    party = np.where(candidate == "dem", "dem", np.where(candidate == "gop", "gop", "other"))
    work = pd.DataFrame(
        {
            "race": race,
            "unit": frame[col.UNIT].to_numpy(),
            "party": party,
            "votes": frame[col.VOTES].to_numpy(dtype=np.int64),
            "expected": frame[col.EXPECTED_VOTES].to_numpy(dtype=np.float64, na_value=np.nan),
            "at": frame[col.AT].to_numpy(),
        }
    )
    votes = work.pivot_table(
        index="race", columns="party", values="votes", aggfunc="sum", fill_value=0
    )
    per_unit = work.groupby(["race", "unit"])["votes"].sum()
    newest = (
        work.dropna(subset=["expected"])
        .sort_values("at", kind="stable")
        .drop_duplicates(["race", "unit"], keep="last")
        .groupby("race")["expected"]
        .sum()
    )
    units = per_unit.groupby(level="race").size()
    reporting = (per_unit > 0).groupby(level="race").sum()
    out: dict[str, RaceCounts] = {}
    for name in votes.index:
        row = votes.loc[name]
        out[str(name)] = RaceCounts(
            dem=int(row.get("dem", 0)),
            gop=int(row.get("gop", 0)),
            other=int(row.get("other", 0)),
            expected=float(newest.get(name, 0.0)),
            units=int(units.get(name, 0)),
            reporting=int(reporting.get(name, 0)),
        )
    return out


def _display(kind: str, call: s.CallOut | None, estimate: s.EstimateOut | None) -> s.Display:
    if call is not None:
        return s.Display.CALLED_DEM if call.winner == "dem" else s.Display.CALLED_GOP
    if kind in (Kind.TOO_CLOSE, Kind.RETRACTED):
        return s.Display.TOO_CLOSE
    if kind == Kind.NOT_YET:
        return s.Display.NOT_YET
    if estimate is not None and estimate.margin != 0:
        return s.Display.LEAN_DEM if estimate.margin > 0 else s.Display.LEAN_GOP
    return s.Display.TOO_EARLY


def _stored_status(
    race: str, calls: Standing, counts: RaceCounts, now: datetime | None, close: datetime
) -> s.StatusOut:
    """A race's status without a desk cycle: the desk's call or retraction, else by the clock."""
    last = calls.last_desk_event.get(race)
    if last is not None:
        kind = Kind.CALLED if last.kind == "called" else Kind.RETRACTED
        reasons = [str(r) for r in last.payload.get("reasons", ())]
        return s.StatusOut(kind=kind.value, label=kind.label, at=last.at, reasons=reasons)
    kind = Kind.TOO_EARLY if counts.total or (now is not None and now >= close) else Kind.NOT_YET
    return s.StatusOut(kind=kind.value, label=kind.label, at=now, reasons=[NO_DESK])


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceInputs:
    """What one race's view is made of."""

    race: str
    electors: int
    poll_close: datetime
    calls: Standing
    cycle: Cycle | None
    counts: RaceCounts | None  # store mode only
    now: datetime | None


def race_out(inputs: RaceInputs) -> s.RaceOut:
    race, cycle, calls = inputs.race, inputs.cycle, inputs.calls
    desk_event = calls.desk_call(race)
    others = [call_from_event(e) for e in calls.others(race)]
    estimate: s.EstimateOut | None = None
    status_obj = cycle.statuses.get(race) if cycle is not None else None
    if cycle is not None and race in cycle.estimates:
        est = cycle.estimates[race]
        counts = RaceCounts(
            dem=est.counted_dem,
            gop=est.counted_gop,
            other=est.counted_other,
            expected=est.expected_total,
            units=est.units_total,
            reporting=est.units_reporting,
        )
        estimate = _estimate_out(est, cycle.projection.race_probability.get(race))
    else:
        counts = inputs.counts or RaceCounts()
    if status_obj is not None:
        status = s.StatusOut(
            kind=status_obj.kind.value,
            label=status_obj.kind.label,
            at=status_obj.at,
            reasons=list(status_obj.reasons),
        )
    else:
        status = _stored_status(race, calls, counts, inputs.now, inputs.poll_close)
    call: s.CallOut | None = None
    if desk_event is not None and (status_obj is None or status_obj.kind is Kind.CALLED):
        call = call_from_event(desk_event)
    elif status_obj is not None and status_obj.kind is Kind.CALLED:
        call = call_from_status(status_obj)
    elif others:
        call = others.pop(0)
    total = counts.total
    share = min(1.0, total / counts.expected) if counts.expected > 0 else None
    return s.RaceOut(
        race=race,
        state=race[:2],
        electors=inputs.electors,
        poll_close=inputs.poll_close,
        status=status,
        display=_display(status.kind, call, estimate),
        call=call,
        other_calls=others,
        counts=s.CountsOut(dem=counts.dem, gop=counts.gop, other=counts.other, total=total),
        share_counted=None if share is None else round(share, 4),
        counted_margin=round((counts.dem - counts.gop) / total, 6) if total else None,
        estimate=estimate,
        units_total=counts.units,
        units_reporting=counts.reporting,
    )


def calls_history(events: Sequence[Event], race: str | None = None) -> list[Event]:
    return [e for e in events if e.kind in CALL_KINDS and (race is None or e.race == race)]
