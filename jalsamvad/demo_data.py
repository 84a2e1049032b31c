"""The demo: the packaged demo directory plus a handful of complaints at various stages."""

from __future__ import annotations

from sqlalchemy import func, select

from grievance.db import unit_of_work
from grievance.demo import load_demo_directory
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.intake import Report
from grievance.tickets.models import Ticket
from grievance.tickets.service import TicketService
from grievance.types import Channel
from jalsamvad.runtime import Runtime

TAMMAPUR = 601014
# Fictitious numbers in a reserved-looking range: demo only.
_DEMO_REPORTS = [
    Report(
        TAMMAPUR, "no_water", "+919900100001", Channel.WHATSAPP, "hi-Latn", "3 din se pani nahi"
    ),
    Report(TAMMAPUR, "no_water", "+919900100002", Channel.SMS, "kn", "ನೀರು ಬರುತ್ತಿಲ್ಲ"),
    Report(TAMMAPUR, "dirty_water", "+919900100003", Channel.VOICE, "kn"),
    Report(TAMMAPUR, "leakage", "+919900100004", Channel.SMS, "en", "pipe leaking near school"),
]


def load_demo(rt: Runtime) -> str:
    with unit_of_work(rt.sessions) as session:
        load_demo_directory(session, rt.vault)
        if session.scalar(select(func.count()).select_from(Ticket)):
            return "demo directory up to date; complaints already present"
        service = TicketService(session, rt.policy, rt.vault)
        filed = [service.file(report) for report in _DEMO_REPORTS]
        vwsc = Actor(ActorRole.VWSC, "demo-member")
        service.transition(
            filed[0].incident.id, Status.ACKNOWLEDGED, vwsc, "pump operator informed"
        )
        leak = filed[3].incident.id
        service.transition(leak, Status.RESOLVED, vwsc, "joint re-sealed")
        service.transition(leak, Status.CLOSED, Actor.reporter(filed[3].ticket.reporter_id))
        references = ", ".join(f.ticket.reference for f in filed)
    return f"demo loaded: {len(filed)} complaints ({references})"
