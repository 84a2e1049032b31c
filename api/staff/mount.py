"""Adds the staff routers to the application, with their 401/403/429 answers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.staff import actions, login, outbox, quality, tickets
from grievance.errors import DomainError
from grievance.staff.errors import (
    CsrfError,
    ForbiddenError,
    LoginThrottledError,
    NotAuthenticatedError,
)

_STATUS: list[tuple[type[DomainError], int]] = [
    (NotAuthenticatedError, 401),
    (CsrfError, 403),
    (ForbiddenError, 403),
    (LoginThrottledError, 429),
]


async def _staff_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    code = next(status for kind, status in _STATUS if isinstance(error, kind))
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
    return JSONResponse(
        status_code=code, content={"error": error.code, "detail": str(error)}, headers=headers
    )


def install(app: FastAPI) -> None:
    for kind, _ in _STATUS:
        app.add_exception_handler(kind, _staff_error)
    app.include_router(login.router)
    app.include_router(tickets.router)
    app.include_router(actions.router)
    app.include_router(quality.router)
    app.include_router(outbox.router)
