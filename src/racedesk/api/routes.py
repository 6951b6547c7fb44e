"""The read-only JSON endpoints under ``/api/v1`` and the event stream (``docs/api.md``).

Races and the College are served from the state's board, already encoded: a request costs no
database work unless something changed. Everything here is async and touches SQLite only through
``ApiState.call`` (the database thread).
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response, StreamingResponse

from racedesk.api import schemas as s
from racedesk.api.board import calls_history, event_out
from racedesk.api.errors import ApiError
from racedesk.api.live import Broadcaster, event_stream, parse_after
from racedesk.api.state import ApiState, Reader
from racedesk.college.consensus import consensus
from racedesk.college.payloads import consensus_payload
from racedesk.domain.calendar import calendar_for
from racedesk.domain.electoral import ElectoralError, race_key
from racedesk.errors import RacedeskError
from racedesk.history.calls import load_calls
from racedesk.settings import Settings
from racedesk.store import columns as col

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": s.ErrorOut, "description": "Unknown race or path"},
    422: {"model": s.ErrorOut, "description": "Invalid parameter"},
}
JSON = "application/json"

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def state_of(request: Request) -> ApiState:
    state: ApiState = request.app.state.racedesk
    return state


def _race(state: ApiState, text: str) -> str:
    try:
        race = race_key(text)
    except ElectoralError as error:
        raise ApiError(404, str(error)) from None
    if race not in state.electors:
        raise ApiError(404, f"no race {race} in {state.year}")
    return race


@router.get("/status", response_model=s.StatusPage, summary="What this server serves")
async def status(request: Request) -> s.StatusPage:
    state = state_of(request)
    board = await state.board()
    return s.StatusPage(
        year=state.year,
        mode="live" if state.live else "store",
        seq=board.races.seq,
        cycle=board.races.cycle,
        writes_enabled=bool(request.app.state.settings.write_token),
    )


@router.get("/races", response_model=s.RacesOut, summary="Every race: status, counts, estimate")
async def races(request: Request) -> Response:
    board = await state_of(request).board()
    return Response(board.races_json, media_type=JSON)


@router.get("/races/{race}", response_model=s.RaceDetailOut, summary="One race and its calls")
async def race_detail(request: Request, race: str) -> s.RaceDetailOut:
    state = state_of(request)
    key = _race(state, race)
    board = await state.board()
    view = next(r for r in board.races.races if r.race == key)
    events = await state.call(lambda reader: calls_history(reader.events_after(0), key))
    return s.RaceDetailOut(race=view, history=[event_out(e) for e in events])


def _units(reader: Reader, race: str) -> list[s.UnitOut]:
    contest = f"{reader.year}-president-{race}"
    frame = reader.store.latest(contest_prefix=contest)
    frame = frame[frame[col.CONTEST] == contest]
    if not len(frame):
        return []
    candidate = frame[col.CANDIDATE].to_numpy()
    party = np.where(candidate == "dem", "dem", np.where(candidate == "gop", "gop", "other"))
    work = pd.DataFrame(
        {
            "unit": frame[col.UNIT].to_numpy(),
            "party": party,
            "votes": frame[col.VOTES].to_numpy(dtype=np.int64),
            "expected": frame[col.EXPECTED_VOTES].to_numpy(dtype=np.float64, na_value=np.nan),
            "at": frame[col.AT].to_numpy(),
        }
    )
    votes = work.pivot_table(
        index="unit", columns="party", values="votes", aggfunc="sum", fill_value=0
    )
    for party_name in ("dem", "gop", "other"):
        if party_name not in votes.columns:
            votes[party_name] = 0
    ordered = work.sort_values("at", kind="stable")
    updated = ordered.groupby("unit")["at"].max().to_dict()
    expected = ordered.dropna(subset=["expected"]).groupby("unit")["expected"].last().to_dict()
    units = []
    for unit, dem, gop, other in zip(
        votes.index.tolist(),
        votes["dem"].tolist(),
        votes["gop"].tolist(),
        votes["other"].tolist(),
        strict=True,
    ):
        total = int(dem + gop + other)
        exp = float(expected.get(unit, np.nan))
        known = bool(exp > 0)
        units.append(
            s.UnitOut(
                unit=str(unit),
                dem=int(dem),
                gop=int(gop),
                other=int(other),
                total=total,
                expected_votes=int(exp) if known else None,
                share_counted=round(min(1.0, total / exp), 4) if known else None,
                updated_at=pd.Timestamp(updated[unit]).to_pydatetime(),
            )
        )
    return units


@router.get("/races/{race}/units", response_model=s.UnitsOut, summary="A race's reporting units")
async def race_units(request: Request, race: str) -> s.UnitsOut:
    state = state_of(request)
    key = _race(state, race)
    units = await state.call(lambda reader: _units(reader, key))
    return s.UnitsOut(year=state.year, race=key, units=units)


@router.get("/calls", response_model=s.CallsOut, summary="Every call and retraction, in order")
async def calls(
    request: Request,
    race: Annotated[str | None, Query(max_length=8)] = None,
    caller: Annotated[str | None, Query(max_length=40)] = None,
) -> s.CallsOut:
    state = state_of(request)
    key = _race(state, race) if race is not None else None
    events = await state.call(lambda reader: calls_history(reader.events_after(0), key))
    if caller is not None:
        events = [e for e in events if e.actor == caller]
    return s.CallsOut(year=state.year, calls=[event_out(e) for e in events])


@router.get("/college", response_model=s.CollegeOut, summary="The Electoral College")
async def college(request: Request) -> Response:
    board = await state_of(request).board()
    return Response(board.college_json, media_type=JSON)


@router.get("/calendar", response_model=s.CalendarOut, summary="Statutory dates to inauguration")
async def calendar(request: Request) -> s.CalendarOut:
    cal = calendar_for(state_of(request).year)
    return s.CalendarOut(
        year=cal.year,
        regime=cal.regime.value,
        milestones=[
            s.MilestoneOut(key=m.key, name=m.name, date=m.date, law=m.law) for m in cal.milestones
        ],
    )


@router.get("/timeline", response_model=s.TimelineOut, summary="The night's ledger events")
async def timeline(
    request: Request,
    kind: Annotated[str | None, Query(max_length=40, description="Only this kind")] = None,
    after: Annotated[int, Query(ge=0, le=2**62, description="Events after this seq")] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1_000,
) -> s.TimelineOut:
    state = state_of(request)

    def read(reader: Reader) -> list[s.EventOut]:
        picked = []
        for event in reader.events_after(after):
            if kind is None or event.kind == kind:
                picked.append(event_out(event))
                if len(picked) >= limit:
                    break
        return picked

    return s.TimelineOut(year=state.year, events=await state.call(read))


@router.get(
    "/callers",
    response_model=dict[str, Any],
    summary="Every caller's calls and their consensus, racedesk's beside them",
)
async def callers(request: Request) -> dict[str, Any]:
    state = state_of(request)
    settings: Settings = request.app.state.settings
    try:  # the real calls of the year in the data folder, when there is one
        data_calls = load_calls(settings.data_dir(), state.year).calls
    except RacedeskError:
        data_calls = ()

    def read(reader: Reader) -> dict[str, Any]:
        view = consensus(state.year, ledger=reader.ledger, data_calls=data_calls)
        return consensus_payload(view)

    return await state.call(read)


EVENTS_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: id = ledger seq, event = kind, data = the event JSON",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/events", response_class=StreamingResponse, responses=EVENTS_DOC, summary="Live events (SSE)"
)
async def events(
    request: Request,
    after: Annotated[int | None, Query(ge=0, le=2**62, description="Resume after seq")] = None,
    last_event_id: Annotated[str | None, Header(max_length=40)] = None,
) -> StreamingResponse:
    broadcaster: Broadcaster = request.app.state.broadcaster
    return StreamingResponse(
        event_stream(broadcaster, parse_after(last_event_id, after)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
