"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.dependencies import ContextDep
from grievance.migrate import pending_revisions

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(ctx: ContextDep, response: Response) -> dict[str, str]:
    """The database answers and its schema is at the newest migration."""
    try:
        with ctx.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if pending_revisions(ctx.engine):
            response.status_code = 503
            return {"status": "migrations pending"}
    except SQLAlchemyError:
        response.status_code = 503
        return {"status": "database unavailable"}
    return {"status": "ready"}
