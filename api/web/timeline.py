"""What the incident page shows, read through the staff casefile (so only inside the scope), without
personal data: tickets by reference, the timeline by status, notes only for roles that may
read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from api.web import messages
from grievance import labels
from grievance.audit.models import AuditEvent
from grievance.errors import NotFoundError
from grievance.lgd.village_names import names_of
from grievance.staff import assignees, casefile
from grievance.staff.actions import may_assign, may_move_to, may_note
from grievance.staff.assignees import Assignee
from grievance.staff.principal import Principal
from grievance.tickets import workflow
from grievance.tickets.enums import FINAL_STATUSES, Status
from grievance.tickets.models import Incident
from grievance.tickets.service import MAX_NOTE_CHARS

FORMS = (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED)
REPORTS_SHOWN, HISTORY_SHOWN = 20, 30


@dataclass(frozen=True)
class Entry:
    at: datetime
    label: str  # a msgid, translated by the template
    note: str | None


def casefile_context(
    db: Session,
    principal: Principal,
    incident_id: int | None,
    now: datetime,
    everything: bool = False,
) -> dict[str, Any]:
    if incident_id is None:
        raise NotFoundError("no such incident")
    incident = casefile.visible_incident(db, principal, incident_id)
    return {
        "incident": incident,
        "village": names_of(db, {incident.village_code}).get(incident.village_code, ""),
        "overdue": incident.due_at is not None and incident.due_at < now,
        **_reports_and_history(db, principal, incident.id, everything),
        "forms": _forms(principal, incident.status),
        "may_note": may_note(principal),
        "note_limit": MAX_NOTE_CHARS,
        "assignees": _assignees(db, principal, incident),
        "assigned": assignees.party(incident.assigned_vwsc_id, incident.assigned_official_id),
    }


def _reports_and_history(
    db: Session, principal: Principal, incident_id: int, everything: bool
) -> dict[str, Any]:
    """The latest reports and history entries, and how many earlier ones are left out (none
    when `everything` is asked for), so a big outage's page stays small."""
    reports_cap, history_cap = (None, None) if everything else (REPORTS_SHOWN, HISTORY_SHOWN)
    tickets = casefile.tickets_of(db, incident_id, latest=reports_cap)
    events = casefile.timeline(db, incident_id, latest=history_cap)
    # A count query only when the page is full: otherwise nothing was left out.
    reports_hidden = events_hidden = 0
    if reports_cap is not None and len(tickets) == reports_cap:
        reports_hidden = casefile.count_tickets(db, incident_id) - len(tickets)
    if history_cap is not None and len(events) == history_cap:
        events_hidden = casefile.count_events(db, incident_id) - len(events)
    return {
        "tickets": tickets,
        "timeline": [_entry(e, principal) for e in events],
        "reports_hidden": reports_hidden,
        "history_hidden": events_hidden,
    }


def _forms(principal: Principal, status: Status) -> set[Status]:
    """The actions this account may take now (the workflow table and the staff role rule decide)."""
    if principal.read_only:
        return set()
    possible = workflow.allowed_targets(status, principal.actor_role)
    return {s for s in FORMS if s in possible and may_move_to(principal, s)}


def _assignees(db: Session, principal: Principal, incident: Incident) -> list[Assignee]:
    """Whom this account may give the incident to now (the staff assignment rule); none hides
    the form."""
    if not may_assign(principal) or incident.status in FINAL_STATUSES:
        return []
    return assignees.serving(db, incident.village_code)


# Audit actions as the page names them; anything not listed reads "Changed", never the raw name.
ACTION_LABELS = {
    "incident.opened": labels.STATUS_LABELS[Status.NEW.value],
    "incident.note": messages.NOTE,
    "incident.escalated": messages.ESCALATED,
    "incident.assigned": messages.ASSIGNED,
    "incident.photo": messages.PHOTO_ADDED,
    "incident.sla_breached": messages.OVERDUE_AT_TOP,
    "ticket.filed": messages.HOUSEHOLD_REPORTED,
    "ticket.fix_answered": messages.HOUSEHOLD_ANSWERED,
    "ticket.rated": messages.HOUSEHOLD_RATED,
}


def _entry(event: AuditEvent, principal: Principal) -> Entry:
    _, _, what = event.action.partition(".")
    if event.action in ACTION_LABELS:
        label = ACTION_LABELS[event.action]
    elif event.action.startswith("incident.") and what in labels.STATUS_LABELS:
        label = labels.STATUS_LABELS[what]
    else:
        label = messages.CHANGED
    note = event.payload.get("note") if principal.sees_personal_data else None
    return Entry(event.occurred_at, label, note if isinstance(note, str) else None)
