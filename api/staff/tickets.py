"""GET /staff/v1/tickets (the queue) and GET /staff/v1/incidents/{id} (one incident)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.dependencies import SessionDep
from api.staff.auth import ClockDep, StaffDep
from api.staff.schemas import (
    IncidentDetail,
    TicketPage,
    incident_detail,
    ticket_row,
)
from grievance.staff import casefile, queue
from grievance.staff.queue import Cursor, TicketFilter
from grievance.tickets.enums import Category, Status

router = APIRouter(prefix="/staff/v1", tags=["staff"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in"},
    404: {"description": "no such incident"},
}
Code = Annotated[int | None, Query(ge=1, le=999_999_999)]


@router.get("/tickets", response_model=TicketPage, responses=_ERRORS)
def list_tickets(
    who: StaffDep,
    db: SessionDep,
    now: ClockDep,
    status: Status | None = None,
    category: Category | None = None,
    overdue: bool | None = None,
    village: Code = None,
    gp: Code = None,
    block: Code = None,
    limit: Annotated[int, Query(ge=1, le=queue.MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> TicketPage:
    """Tickets inside the caller's jurisdiction, oldest filed first (then by id).

    `overdue=true`: the incident's SLA has run out. `village`, `gp`, `block`: LGD codes."""
    at = now()
    wanted = TicketFilter(status, category, overdue, village, gp, block)
    after = Cursor.decode(cursor) if cursor else None
    page = queue.tickets(db, who, wanted, at, limit, after)
    return TicketPage(
        items=[ticket_row(t, at, who) for t in page.rows],
        next_cursor=page.next_cursor.encode() if page.next_cursor else None,
    )


@router.get("/incidents/{incident_id}", response_model=IncidentDetail, responses=_ERRORS)
def get_incident(
    incident_id: Annotated[int, Path(ge=1)], who: StaffDep, db: SessionDep, now: ClockDep
) -> IncidentDetail:
    """One incident with every household's ticket and its audit timeline."""
    incident = casefile.visible_incident(db, who, incident_id)
    return incident_detail(
        incident,
        list(casefile.tickets_of(db, incident_id)),
        list(casefile.timeline(db, incident_id)),
        now(),
        who,
    )
