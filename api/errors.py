"""Domain errors become clear HTTP answers, never a 500."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from grievance.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    TransitionNotAllowedError,
)

_STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (NotFoundError, 404),
    (ConflictError, 409),
    (TransitionNotAllowedError, 409),
]


def status_for(error: DomainError) -> int:
    return next((code for kind, code in _STATUS_BY_ERROR if isinstance(error, kind)), 422)


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return JSONResponse(
        status_code=status_for(error), content={"error": error.code, "detail": str(error)}
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
