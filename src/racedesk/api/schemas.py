"""The HTTP edge's shapes: pydantic models for every response and request body.

pydantic lives only here (the layers below hand over frozen dataclasses). Every response model
is named in OpenAPI (``/openapi.json``) and described field by field in ``docs/api.md``.
Margins are ``(dem − gop) / total`` in [-1, 1]; shares are in [0, 1]; times are UTC ISO-8601.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Display(StrEnum):
    """How the map colours a race: a call, the estimate's lean, or why there is neither."""

    CALLED_DEM = "called_dem"
    CALLED_GOP = "called_gop"
    LEAN_DEM = "lean_dem"
    LEAN_GOP = "lean_gop"
    TOO_CLOSE = "too_close"
    TOO_EARLY = "too_early"
    NOT_YET = "not_yet"


class ErrorOut(Model):
    ok: bool = False
    error: str
    status: int


class IntervalOut(Model):
    level: float
    lo: float
    hi: float


class CountsOut(Model):
    dem: int
    gop: int
    other: int
    total: int


class EstimateOut(Model):
    """The model's view of the final result (only while a desk runs in this process)."""

    margin: float
    margin_sd: float
    interval: IntervalOut  # the 90% interval of the final margin
    intervals: list[IntervalOut]
    expected_total: float
    dem_probability: float | None  # P(the Democrat carries the race), from the College draws


class CallOut(Model):
    """A standing call: who called it, for whom, when, and on what evidence."""

    winner: str
    caller: str
    at: datetime
    rule: str | None
    reasons: list[str]
    seq: int | None  # the ledger event that recorded it
    evidence: dict[str, Any]


class StatusOut(Model):
    kind: str  # not_yet, too_early, too_close, called, retracted
    label: str
    at: datetime | None
    reasons: list[str]


class RaceOut(Model):
    race: str
    state: str
    electors: int
    poll_close: datetime
    status: StatusOut
    display: Display
    call: CallOut | None
    other_calls: list[CallOut]  # standing calls by other callers than the one in ``call``
    counts: CountsOut
    share_counted: float | None
    counted_margin: float | None
    estimate: EstimateOut | None
    units_total: int
    units_reporting: int


class RacesOut(Model):
    year: int
    seq: int  # the last ledger event this view includes: resume the event stream after it
    cycle: int | None
    at: datetime | None  # the desk's clock at its latest cycle
    races: list[RaceOut]


class EventOut(Model):
    """One ledger event: a cycle, a call, a retraction, a president-elect declaration."""

    seq: int
    kind: str
    year: int
    race: str | None
    actor: str
    at: datetime
    recorded_at: datetime
    payload: dict[str, Any]


class RaceDetailOut(Model):
    race: RaceOut
    history: list[EventOut]  # every call and retraction in this race, oldest first


class UnitOut(Model):
    unit: str
    dem: int
    gop: int
    other: int
    total: int
    expected_votes: int | None
    share_counted: float | None
    updated_at: datetime


class UnitsOut(Model):
    year: int
    race: str
    units: list[UnitOut]


class CallsOut(Model):
    year: int
    calls: list[EventOut]


class PartyNumbers(Model):
    dem: float
    gop: float


class PartyCounts(Model):
    dem: int
    gop: int


class PartyRanges(Model):
    dem: tuple[int, int]
    gop: tuple[int, int]


class TippingOut(Model):
    race: str
    winner: str | None  # None when only the ledger is read and the race is not called
    margin: float | None


class RaceProbability(Model):
    race: str
    probability: float


class PresidentElectOut(Model):
    party: str
    candidate: str
    at: datetime
    race: str
    electors: int


class StepOut(Model):
    key: str
    name: str
    on: date
    law: str
    what: str


class CollegeOut(Model):
    year: int
    seq: int
    cycle: int | None
    at: datetime | None
    appointed: int
    majority: int
    called: PartyCounts
    uncalled_electors: int
    win_probability: PartyNumbers | None
    no_majority_probability: float | None
    expected_electors: PartyNumbers | None
    electors_90: PartyRanges | None
    tipping_point: TippingOut | None
    tipping_probability: list[RaceProbability]
    distribution: list[float]  # P(the Democrat wins exactly k electors), k = 0..appointed
    outcome: str  # undecided, president-elect, contingent
    message: str
    president_elect: PresidentElectOut | None
    next_steps: list[StepOut]


class MilestoneOut(Model):
    key: str
    name: str
    date: date
    law: str


class CalendarOut(Model):
    year: int
    regime: str
    milestones: list[MilestoneOut]


class TimelineOut(Model):
    year: int
    events: list[EventOut]


class StatusPage(Model):
    year: int
    mode: str  # "live": a desk runs in this process; "store": read from the store and ledger
    seq: int
    cycle: int | None
    writes_enabled: bool


class IngestOut(Model):
    ok: bool = True
    batches: int
    updates: int
    duplicates: int
    corrections: int


class CallIn(Model):
    """An outside caller's call (or retraction of its own earlier call)."""

    race: str = Field(examples=["PA"], max_length=8)
    winner: str = Field(pattern="^(dem|gop)$")
    caller: str = Field(pattern="^[a-z0-9][a-z0-9_-]{0,39}$", examples=["ap"])
    at: datetime | None = None  # when the call was made; default: when it is received
    reasons: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=20
    )
    retract: bool = False


def parse_call(body: bytes) -> CallIn:
    """The call in a request body; ``ValueError`` naming each bad field otherwise."""
    try:
        return CallIn.model_validate_json(body)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in item['loc']) or 'body'}: {item['msg']}"
            for item in error.errors()[:5]
        ]
        raise ValueError("; ".join(problems)) from None
