"""Resolved incidents that no household confirmed in time are closed as unconfirmed.

Run by `jalsamvad worker` after each sweep. Rows are taken with FOR UPDATE SKIP LOCKED, so
several workers never close the same incident twice. Confirmed and unconfirmed closures stay
apart (`Incident.closure`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.actor import Actor
from grievance.tickets.enums import Status
from grievance.tickets.models import Incident
from grievance.tickets.service import TicketService

TIMEOUT_ACTOR = Actor.system("confirmation-timeout")
TIMEOUT_NOTE = "no household said whether the water is back in time"


def close_unconfirmed(
    sessions: sessionmaker[Session],
    policy: Policy,
    vault: ContactVault,
    now: datetime,
    window: timedelta,
    batch: int = 500,
) -> int:
    """Close up to `batch` incidents resolved at least `window` ago; how many were closed."""
    with unit_of_work(sessions) as session:
        due = session.scalars(
            select(Incident.id)
            .where(Incident.status == Status.RESOLVED, Incident.resolved_at <= now - window)
            .order_by(Incident.resolved_at, Incident.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        service = TicketService(session, policy, vault, lambda: now)
        for incident_id in due:
            service.transition(incident_id, Status.CLOSED, TIMEOUT_ACTOR, TIMEOUT_NOTE)
    return len(due)
