"""GET /staff/v1/outbox/dead: notifications the worker gave up on, so someone can act on them
(a number that is not on WhatsApp, a template that is missing, a send cut by a crash).

Only for the state administrator: the outbox has no jurisdiction. Nothing personal is shown,
not even the recipient's hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.dependencies import SessionDep
from api.staff.auth import StaffDep
from grievance.outbox.repository import dead_letters
from grievance.staff.errors import ForbiddenError
from grievance.staff.roles import StaffRole

router = APIRouter(prefix="/staff/v1/outbox", tags=["staff: notifications"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in, or the token is unknown or revoked"},
    403: {"description": "only the state administrator sees the dead letters"},
}


class DeadLetterOut(BaseModel):
    id: int
    channel: str
    purpose: str
    attempts: int
    last_error: str | None
    created_at: datetime


@router.get("/dead", response_model=list[DeadLetterOut], responses=_ERRORS)
def list_dead_letters(
    who: StaffDep, db: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[DeadLetterOut]:
    """Notifications given up on, newest first."""
    if who.role is not StaffRole.STATE_ADMIN:
        raise ForbiddenError("only the state administrator sees the dead letters")
    return [
        DeadLetterOut(
            id=m.id,
            channel=m.channel.value,
            purpose=m.purpose,
            attempts=m.attempts,
            last_error=m.last_error,
            created_at=m.created_at,
        )
        for m in dead_letters(db, limit)
    ]
