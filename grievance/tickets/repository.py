"""Every query the ticket service needs, and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, exists, insert, select
from sqlalchemy.orm import Session, selectinload

from grievance.directory.models import VwscMember
from grievance.privacy import SealedContact
from grievance.tickets.enums import FINAL_STATUSES, Category
from grievance.tickets.models import Incident, Reporter, Ticket
from grievance.types import Level, MemberRole
from grievance.upsert import InsertIfAbsent, table_of

_REPORTERS = table_of(Reporter)
_REPORTER_BY_HASH = select(_REPORTERS.c.id).where(_REPORTERS.c.contact_hash == bindparam("h"))
_NEW_REPORTER = InsertIfAbsent(_REPORTERS, ["contact_hash"], _REPORTERS.c.id)


def reporter_id_for(session: Session, contact_hash: str, ciphertext: bytes, now: datetime) -> int:
    """The reporter with this contact, created on first contact (safe under concurrency)."""
    known = reporter_id_by_hash(session, contact_hash)
    if known is not None:
        return known
    row = {"contact_hash": contact_hash, "contact_ciphertext": ciphertext, "created_at": now}
    created = _NEW_REPORTER(session, row)
    if created is not None:
        return int(created)
    # A concurrent filing by the same household created it between our two statements.
    return int(session.execute(_REPORTER_BY_HASH, {"h": contact_hash}).scalar_one())


def reporter_id_by_hash(session: Session, contact_hash: str) -> int | None:
    found = session.execute(_REPORTER_BY_HASH, {"h": contact_hash}).scalar_one_or_none()
    return None if found is None else int(found)


def open_incident_for_update(session: Session, village: int, category: Category) -> Incident | None:
    return session.execute(
        select(Incident)
        .where(
            Incident.village_code == village,
            Incident.category == category,
            Incident.status.not_in(FINAL_STATUSES),
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def ticket_of(session: Session, incident_id: int, reporter_id: int) -> Ticket | None:
    return session.execute(
        select(Ticket).where(Ticket.incident_id == incident_id, Ticket.reporter_id == reporter_id)
    ).scalar_one_or_none()


def reference_taken(session: Session, reference: str) -> bool:
    return bool(session.execute(select(exists().where(Ticket.reference == reference))).scalar())


def ticket_by_reference(session: Session, reference: str) -> Ticket | None:
    return session.execute(
        select(Ticket)
        .where(Ticket.reference == reference)
        .options(selectinload(Ticket.incident), selectinload(Ticket.attachments))
    ).scalar_one_or_none()


def tickets_of_reporter(session: Session, reporter_id: int, limit: int) -> Sequence[Ticket]:
    return session.scalars(
        select(Ticket)
        .where(Ticket.reporter_id == reporter_id)
        .options(selectinload(Ticket.incident))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    ).all()


def reporters_of(
    session: Session, incident_id: int, *, unanswered_only: bool = False
) -> list[tuple[Ticket, SealedContact]]:
    """The incident's tickets with each household's contact as stored; `unanswered_only`: only
    households that have not said whether water is back."""
    query = (
        select(Ticket, Reporter.contact_hash, Reporter.contact_ciphertext)
        .join(Reporter, Reporter.id == Ticket.reporter_id)
        .where(Ticket.incident_id == incident_id)
        .order_by(Ticket.id)
    )
    if unanswered_only:
        query = query.where(Ticket.fix_confirmed.is_(None))
    rows = session.execute(query)
    return [(ticket, SealedContact(key, sealed)) for ticket, key, sealed in rows]


def ftk_testers(session: Session, vwsc_id: int) -> list[VwscMember]:
    """The committee's field-test-kit testers."""
    return list(
        session.scalars(
            select(VwscMember)
            .where(VwscMember.vwsc_id == vwsc_id, VwscMember.role == MemberRole.FTK_TESTER)
            .order_by(VwscMember.id)
        )
    )


def incident(session: Session, incident_id: int) -> Incident | None:
    return session.get(Incident, incident_id)


class DueIncident(NamedTuple):
    id: int
    village_code: int
    category: Category
    level: Level


def due_incidents_for_update(session: Session, now: datetime, limit: int) -> list[DueIncident]:
    """Overdue incidents, oldest first, locked; rows another worker holds are skipped."""
    rows = session.execute(
        select(Incident.id, Incident.village_code, Incident.category, Incident.level)
        .where(Incident.due_at <= now)
        .order_by(Incident.due_at, Incident.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [DueIncident(*row) for row in rows]


def insert_rows(session: Session, model: type[object], rows: list[dict[str, object]]) -> None:
    if rows:
        session.execute(insert(model), rows)
