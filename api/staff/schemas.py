"""Response and request bodies of the staff API. Auditors get the same shapes with every
personal field empty: no complaint text, no attachment or photo URLs, no note text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from grievance.audit.models import AuditEvent
from grievance.staff.principal import Principal
from grievance.tickets.models import Incident, Ticket
from grievance.tickets.service import MAX_NOTE_CHARS

# Payload keys that may carry what a person wrote or photographed.
PERSONAL_KEYS = frozenset({"note", "url", "description", "reason"})


class TicketRow(BaseModel):
    reference: str
    incident_id: int
    incident_version: int
    status: str
    closure: str | None
    category: str
    priority: str
    level: str
    village_code: int
    households: int
    channel: str
    language: str
    filed_at: datetime
    opened_at: datetime
    due_at: datetime | None
    overdue: bool
    description: str | None = Field(description="the household's words; null for auditors")


class TicketPage(BaseModel):
    items: list[TicketRow]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class AttachmentOut(BaseModel):
    kind: str
    url: str
    content_type: str | None


class TicketOut(BaseModel):
    reference: str
    channel: str
    language: str
    filed_at: datetime
    description: str | None
    attachments: list[AttachmentOut]
    attachment_count: int
    fix_confirmed: bool | None
    rating: int | None


class EventOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    payload: dict[str, Any]


class IncidentOut(BaseModel):
    id: int
    version: int
    status: str
    closure: str | None
    category: str
    priority: str
    level: str
    village_code: int
    households: int
    escalations: int
    needs_onboarding: bool
    assigned_vwsc_id: int | None
    assigned_official_id: int | None
    opened_at: datetime
    updated_at: datetime
    due_at: datetime | None
    overdue: bool
    resolved_at: datetime | None
    closed_at: datetime | None
    rejection_reason: str | None
    responsible_body: str | None


class IncidentDetail(IncidentOut):
    tickets: list[TicketOut]
    timeline: list[EventOut]


_BODY = ConfigDict(extra="forbid")
Note = Field(min_length=1, max_length=MAX_NOTE_CHARS)
Version = Field(default=None, ge=1, description="the version you saw; 409 if it changed")


class VersionIn(BaseModel):
    model_config = _BODY
    expected_version: int | None = Version


class NoteIn(BaseModel):
    model_config = _BODY
    note: str = Note


class ResolveIn(BaseModel):
    model_config = _BODY
    note: str = Note
    photo_url: str | None = Field(default=None, max_length=2000)
    expected_version: int | None = Version


class RejectIn(BaseModel):
    model_config = _BODY
    reason: str = Note
    responsible_body: str = Field(min_length=1, max_length=200)
    expected_version: int | None = Version


class AssignIn(BaseModel):
    model_config = _BODY
    vwsc_id: int | None = Field(default=None, ge=1)
    official_id: int | None = Field(default=None, ge=1)
    expected_version: int | None = Version


def incident_out(incident: Incident, now: datetime, who: Principal) -> IncidentOut:
    return IncidentOut(**_incident_fields(incident, now, who))


def incident_detail(
    incident: Incident,
    tickets: list[Ticket],
    events: list[AuditEvent],
    now: datetime,
    who: Principal,
) -> IncidentDetail:
    return IncidentDetail(
        **_incident_fields(incident, now, who),
        tickets=[ticket_out(t, who) for t in tickets],
        timeline=[event_out(e, who) for e in events],
    )


def _incident_fields(incident: Incident, now: datetime, who: Principal) -> dict[str, Any]:
    return {
        "id": incident.id,
        "version": incident.version,
        "status": incident.status.value,
        "closure": incident.closure.value if incident.closure else None,
        "category": incident.category.value,
        "priority": incident.priority.value,
        "level": incident.level.value,
        "village_code": incident.village_code,
        "households": incident.households,
        "escalations": incident.escalations,
        "needs_onboarding": incident.needs_onboarding,
        "assigned_vwsc_id": incident.assigned_vwsc_id,
        "assigned_official_id": incident.assigned_official_id,
        "opened_at": incident.opened_at,
        "updated_at": incident.updated_at,
        "due_at": incident.due_at,
        "overdue": incident.due_at is not None and incident.due_at < now,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "rejection_reason": incident.rejection_reason if who.sees_personal_data else None,
        "responsible_body": incident.responsible_body,
    }


def ticket_row(ticket: Ticket, now: datetime, who: Principal) -> TicketRow:
    incident = ticket.incident
    return TicketRow(
        reference=ticket.reference,
        incident_id=incident.id,
        incident_version=incident.version,
        status=incident.status.value,
        closure=incident.closure.value if incident.closure else None,
        category=incident.category.value,
        priority=incident.priority.value,
        level=incident.level.value,
        village_code=incident.village_code,
        households=incident.households,
        channel=ticket.channel.value,
        language=ticket.language,
        filed_at=ticket.created_at,
        opened_at=incident.opened_at,
        due_at=incident.due_at,
        overdue=incident.due_at is not None and incident.due_at < now,
        description=ticket.description if who.sees_personal_data else None,
    )


def ticket_out(ticket: Ticket, who: Principal) -> TicketOut:
    personal = who.sees_personal_data
    return TicketOut(
        reference=ticket.reference,
        channel=ticket.channel.value,
        language=ticket.language,
        filed_at=ticket.created_at,
        description=ticket.description if personal else None,
        attachments=[
            AttachmentOut(kind=a.kind.value, url=a.url, content_type=a.content_type)
            for a in ticket.attachments
        ]
        if personal
        else [],
        attachment_count=len(ticket.attachments),
        fix_confirmed=ticket.fix_confirmed,
        rating=ticket.rating,
    )


def event_out(event: AuditEvent, who: Principal) -> EventOut:
    payload = dict(event.payload)
    if not who.sees_personal_data:
        payload = {k: v for k, v in payload.items() if k not in PERSONAL_KEYS}
    return EventOut(
        seq=event.seq,
        at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        payload=payload,
    )
