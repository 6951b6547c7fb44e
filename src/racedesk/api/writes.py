"""The two write endpoints: results in, and outside callers' calls.

Both need ``Authorization: Bearer <RACEDESK_WRITE_TOKEN>``, compared in constant time
(``hmac.compare_digest``). With no token configured, writes are disabled (403). The token is
checked before the body is read; a missing or wrong one answers 401 and stores nothing. Bodies
are limited to ``max_body`` bytes (413), checked on ``Content-Length`` and while reading.

``POST /api/v1/results`` takes the results stream format (docs/stream-format.md) as CSV or JSON
Lines; the whole body is parsed and checked before any batch is stored.
"""

from __future__ import annotations

import hmac
import io
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from racedesk.api import schemas as s
from racedesk.api.board import DESK, event_out
from racedesk.api.errors import ApiError
from racedesk.api.state import Reader
from racedesk.domain.electoral import ElectoralError, race_key
from racedesk.feeds.batch import CountBatch
from racedesk.feeds.stream import StreamFormat, read_stream
from racedesk.store.base import IngestResult
from racedesk.store.ledger import Event

DEFAULT_MAX_BODY = 32 * 1024 * 1024
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": s.ErrorOut, "description": text}
    for code, text in (
        (400, "Malformed payload"),
        (401, "Missing or wrong bearer token"),
        (403, "Writes are disabled (no RACEDESK_WRITE_TOKEN)"),
        (409, "Nothing to retract"),
        (413, "Body too large"),
        (422, "Invalid body"),
    )
}
BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}

router = APIRouter(prefix="/api/v1", responses=WRITE_ERRORS)


def check_token(request: Request) -> None:
    token: str = request.app.state.settings.write_token
    if not token:
        raise ApiError(403, "writes are disabled: the server has no RACEDESK_WRITE_TOKEN")
    given = request.headers.get("authorization", "")
    scheme, _, credential = given.partition(" ")
    ok = scheme.lower() == "bearer" and hmac.compare_digest(
        credential.strip().encode(), token.encode()
    )
    if not ok:
        raise ApiError(
            401,
            "a write needs the header 'Authorization: Bearer <token>' with the server's token",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def read_body(request: Request) -> bytes:
    limit: int = request.app.state.max_body
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"request body over the limit of {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _format(content_type: str, body: bytes) -> StreamFormat:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        return StreamFormat.JSONL
    if kind in ("text/csv", "application/csv"):
        return StreamFormat.CSV
    return StreamFormat.JSONL if body.lstrip()[:1] == b"{" else StreamFormat.CSV


def _ingest(reader: Reader, batches: list[CountBatch]) -> IngestResult:
    result = IngestResult()
    for batch in batches:
        result += reader.store.ingest(batch)
    return result


@router.post(
    "/results",
    response_model=s.IngestOut,
    openapi_extra=BODY_DOC,
    summary="Add results (stream format, CSV or JSON Lines)",
)
async def post_results(request: Request) -> s.IngestOut:
    check_token(request)
    body = await read_body(request)
    fmt = _format(request.headers.get("content-type", ""), body)
    batches = list(read_stream(io.BytesIO(body), format=fmt, name="request body"))
    if not batches:
        raise ApiError(400, "the body holds no counts (a header and one row at least)")
    state = request.app.state.racedesk
    result = await state.call(lambda reader: _ingest(reader, batches))
    state.wrote()
    return s.IngestOut(
        batches=len(batches),
        updates=result.updates,
        duplicates=result.duplicates,
        corrections=result.corrections,
    )


def _record_call(reader: Reader, call: s.CallIn, race: str, at: datetime) -> Event:
    reader.sync()
    standing = reader.calls.calls.get(race, {}).get(call.caller)
    reasons = list(call.reasons) or [f"called by {call.caller}"]
    if call.retract:
        if standing is None:
            raise ApiError(409, f"{call.caller} has no standing call in {race} to retract")
        payload = {
            "winner": standing.payload.get("winner"),
            "reasons": reasons,
            "rule": None,
            "called_at": standing.at.isoformat(),
        }
        kind = "retracted"
    else:
        payload = {"winner": call.winner, "reasons": reasons, "rule": None}
        kind = "called"
    event = reader.ledger.append(
        kind, year=reader.year, at=at, actor=call.caller, race=race, payload=payload
    )
    reader.sync()
    return event


@router.post(
    "/calls",
    response_model=s.EventOut,
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": s.CallIn.model_json_schema()}},
        }
    },
    summary="Record an outside caller's call or retraction",
)
async def post_call(request: Request) -> JSONResponse:
    check_token(request)
    body = await read_body(request)
    try:
        call = s.parse_call(body)
    except ValueError as error:
        raise ApiError(422, f"invalid call: {error}") from None
    state = request.app.state.racedesk
    try:
        race = race_key(call.race)
    except ElectoralError as error:
        raise ApiError(422, str(error)) from None
    if race not in state.electors:
        raise ApiError(422, f"no race {race} in {state.year}")
    if call.caller == DESK:
        raise ApiError(422, f"caller {DESK!r} is the desk's own; name the outside caller")
    at = call.at or datetime.now(UTC)
    if at.tzinfo is None:
        raise ApiError(422, "'at' needs a UTC offset, e.g. 2024-11-06T04:30:00Z")
    event = await state.call(lambda reader: _record_call(reader, call, race, at))
    state.wrote()
    return JSONResponse(event_out(event).model_dump(mode="json"), status_code=201)
