"""Every query the staff side needs: what a principal's jurisdiction holds (incidents, tickets,
villages) and who a registered phone belongs to in the directory.

Each jurisdiction query filters through `scope.visible_incidents` (or `scope.villages_in` for
villages), so web, API and chat read the same rows; nothing here decides what a role may do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from grievance.directory.models import Official, VwscMember
from grievance.lgd.models import Village
from grievance.staff.principal import Principal
from grievance.staff.scope import villages_in, visible_incidents
from grievance.tickets import repository as tickets
from grievance.tickets.models import Incident, Ticket
from grievance.tickets.reference import REFERENCE_LENGTH, is_valid


def visible_incident(
    session: Session, principal: Principal, incident_id: int, *, for_update: bool = False
) -> Incident | None:
    """The incident if it lies inside the principal's jurisdiction, else None (whether or not
    it exists)."""
    query = select(Incident).where(Incident.id == incident_id, visible_incidents(principal))
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def incident_id_for(session: Session, number: str) -> int:
    """The incident a typed number stands for: a household's complaint reference (ten digits
    with a valid check digit) stands for its incident, so staff can use the number a household
    reads out to them; any other number is the incident's own, as in the notices. Not scoped:
    the caller looks the incident up in the jurisdiction next."""
    if len(number) == REFERENCE_LENGTH and is_valid(number):
        ticket = tickets.ticket_by_reference(session, number)
        if ticket is not None:
            return ticket.incident_id
    return int(number)


def open_incidents(
    session: Session,
    principal: Principal,
    conditions: Sequence[ColumnElement[bool]],
    offset: int,
    limit: int,
) -> Sequence[Incident]:
    """Incidents in the jurisdiction meeting `conditions`, soonest due first (no deadline
    last, then by id)."""
    return session.scalars(
        select(Incident)
        .where(visible_incidents(principal), *conditions)
        .order_by(Incident.due_at.is_(None), Incident.due_at, Incident.id)
        .offset(offset)
        .limit(limit)
    ).all()


def tickets_in_jurisdiction(
    session: Session,
    principal: Principal,
    conditions: Sequence[ColumnElement[bool]],
    after: tuple[datetime, int] | None,
    limit: int,
) -> Sequence[Ticket]:
    """Tickets of incidents in the jurisdiction meeting `conditions`, oldest filed first (then
    by id), starting after the (filing time, id) `after`."""
    query = (
        select(Ticket)
        .join(Incident, Incident.id == Ticket.incident_id)
        .where(visible_incidents(principal), *conditions)
        .options(selectinload(Ticket.incident), selectinload(Ticket.attachments))
        .order_by(Ticket.created_at, Ticket.id)
        .limit(limit)
    )
    if after is not None:
        filed_at, ticket_id = after
        query = query.where(
            or_(
                Ticket.created_at > filed_at,
                and_(Ticket.created_at == filed_at, Ticket.id > ticket_id),
            )
        )
    return session.scalars(query).all()


def village_in_jurisdiction(session: Session, principal: Principal, village_code: int) -> bool:
    if not principal.units:
        return False
    inside = or_(*(Village.code.in_(villages_in(kind, [code])) for kind, code in principal.units))
    found = session.scalar(select(Village.code).where(Village.code == village_code, inside))
    return found is not None


def official_by_phone_hash(session: Session, phone_hash: str) -> Official | None:
    return session.scalars(select(Official).where(Official.phone_hash == phone_hash)).first()


def member_by_phone_hash(session: Session, phone_hash: str) -> VwscMember | None:
    """The committee member with this phone (the first, if they sit on several committees)."""
    return session.scalars(
        select(VwscMember).where(VwscMember.phone_hash == phone_hash).order_by(VwscMember.id)
    ).first()
