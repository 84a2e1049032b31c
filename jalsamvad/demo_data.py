"""The demo: the packaged demo directory, months of finished complaints (`demo_history.py`)
and a handful of today's at various stages."""

from __future__ import annotations

from sqlalchemy import func, select

from grievance.db import unit_of_work
from grievance.demo import load_demo_directory
from grievance.social_audit.updater import update_stats
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.models import Ticket
from grievance.tickets.report import Report
from grievance.tickets.service import TicketService
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from jalsamvad.demo_history import DAYS, load_history

TAMMAPUR = 601014
# Fictitious numbers in a reserved-looking range: demo only.
# (village, problem, phone, channel, language, description)
_DEMO_REPORTS = [
    (TAMMAPUR, "no_water", "+919900100001", Channel.WHATSAPP, "hi-Latn", "3 din se pani nahi"),
    (TAMMAPUR, "no_water", "+919900100002", Channel.SMS, "kn", "ನೀರು ಬರುತ್ತಿಲ್ಲ"),
    (TAMMAPUR, "dirty_water", "+919900100003", Channel.VOICE, "kn", ""),
    (TAMMAPUR, "leakage", "+919900100004", Channel.SMS, "en", "pipe leaking near school"),
]


def load_demo(assembly: Assembly) -> str:
    with unit_of_work(assembly.sessions) as session:
        load_demo_directory(session, assembly.vault)
        if session.scalar(select(func.count()).select_from(Ticket)):
            return "demo directory up to date; complaints already present"
        earlier = load_history(session, assembly.policy, assembly.vault)
        service = TicketService(session, assembly.policy, assembly.vault)
        vault = assembly.vault
        filed = [
            service.file(
                Report(village, problem, vault.resolve(channel, phone), channel, lang, text)
            )
            for village, problem, phone, channel, lang, text in _DEMO_REPORTS
        ]
        vwsc = Actor(ActorRole.VWSC, "demo-member")
        service.transition(
            filed[0].incident.id, Status.ACKNOWLEDGED, vwsc, "pump operator informed"
        )
        leak = filed[3].incident.id
        service.transition(leak, Status.RESOLVED, vwsc, "joint re-sealed")
        service.transition(leak, Status.CLOSED, Actor.reporter(filed[3].ticket.reporter_id))
        references = ", ".join(f.ticket.reference for f in filed)
    update_stats(assembly.sessions)  # the social audit's pages show the months just filed
    return (
        f"demo loaded: {len(filed)} complaints ({references}), "
        f"and {earlier} finished ones of the last {DAYS} days"
    )
