"""The one JSON error shape: ``{"ok": false, "error": "...", "status": 404}``.

Every error the app answers — a route's own, a bad parameter, an unknown path, a wrong method,
a body too large, an unexpected exception — goes through ``error_response``, so clients parse
one shape. ``tests/api/test_errors.py`` pins it.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from racedesk.errors import RacedeskError

log = logging.getLogger("racedesk.api")

_REASONS = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    413: "request body too large",
    422: "invalid request",
    500: "internal error",
}


class ApiError(Exception):
    """An error a route answers on purpose, with its HTTP status."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error": message, "status": status}, status_code=status, headers=headers
    )


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.message, error.headers)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else None
    message = detail or _REASONS.get(error.status_code, "error")
    if error.status_code == 404 and detail == "Not Found":
        message = f"no such path: {request.url.path}"
    elif error.status_code == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
    return error_response(error.status_code, message, dict(error.headers or {}) or None)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return error_response(422, _validation_message(error))


async def _racedesk_error(request: Request, error: Exception) -> JSONResponse:
    return error_response(400, str(error))


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error answering %s %s", request.method, request.url.path)
    return error_response(500, "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(RacedeskError, _racedesk_error)
    app.add_exception_handler(Exception, _unexpected)
