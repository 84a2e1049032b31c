"""One incident as staff see it: found only inside the account's scope, with its tickets and
its audit timeline."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from grievance.audit.models import AuditEvent
from grievance.errors import NotFoundError
from grievance.staff.principal import Principal
from grievance.staff.scope import visible_incidents
from grievance.tickets.models import Incident, Ticket

ENTITY = "incident"


def visible_incident(
    session: Session, principal: Principal, incident_id: int, *, for_update: bool = False
) -> Incident:
    """The incident if the account may see it; otherwise the same error as for no incident at
    all, so nobody learns that an incident exists outside their jurisdiction."""
    query = select(Incident).where(Incident.id == incident_id, visible_incidents(principal))
    if for_update:
        query = query.with_for_update()
    found = session.scalars(query).one_or_none()
    if found is None:
        raise NotFoundError(f"no incident {incident_id}")
    return found


def tickets_of(session: Session, incident_id: int) -> Sequence[Ticket]:
    return session.scalars(
        select(Ticket)
        .where(Ticket.incident_id == incident_id)
        .options(selectinload(Ticket.attachments))
        .order_by(Ticket.created_at, Ticket.id)
    ).all()


def timeline(session: Session, incident_id: int) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == str(incident_id))
        .order_by(AuditEvent.seq)
    ).all()
