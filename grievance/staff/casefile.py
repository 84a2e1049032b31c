"""One incident as staff see it: found only inside the account's scope, with its tickets and
its audit timeline."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, selectinload

from grievance.audit.models import AuditEvent
from grievance.errors import NotFoundError
from grievance.staff import repository
from grievance.staff.principal import Principal
from grievance.tickets.models import Incident, Ticket

ENTITY = "incident"


def visible_incident(
    session: Session, principal: Principal, incident_id: int, *, for_update: bool = False
) -> Incident:
    """The incident if the account may see it; otherwise the same error as for no incident at
    all, so nobody learns that an incident exists outside their jurisdiction."""
    found = repository.visible_incident(session, principal, incident_id, for_update=for_update)
    if found is None:
        raise NotFoundError(f"no incident {incident_id}")
    return found


def tickets_of(session: Session, incident_id: int, latest: int | None = None) -> Sequence[Ticket]:
    """The incident's tickets, oldest first; only the `latest` ones if given."""
    query = (
        select(Ticket)
        .where(Ticket.incident_id == incident_id)
        .options(selectinload(Ticket.attachments))
    )
    if latest is None:
        return session.scalars(query.order_by(Ticket.created_at, Ticket.id)).all()
    newest = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(latest)
    return session.scalars(newest).all()[::-1]


def count_tickets(session: Session, incident_id: int) -> int:
    counted = select(func.count()).where(Ticket.incident_id == incident_id)
    return int(session.scalar(counted) or 0)


def timeline(session: Session, incident_id: int, latest: int | None = None) -> Sequence[AuditEvent]:
    """The incident's audit events in order; only the `latest` ones if given."""
    query = select(AuditEvent).where(_of_incident(incident_id))
    if latest is None:
        return session.scalars(query.order_by(AuditEvent.seq)).all()
    return session.scalars(query.order_by(AuditEvent.seq.desc()).limit(latest)).all()[::-1]


def count_events(session: Session, incident_id: int) -> int:
    return int(session.scalar(select(func.count()).where(_of_incident(incident_id))) or 0)


def _of_incident(incident_id: int) -> ColumnElement[bool]:
    return and_(AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == str(incident_id))
