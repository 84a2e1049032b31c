"""After "resolved": a household's no climbs the ladder; silence closes it as unconfirmed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.actor import Actor
from grievance.tickets.confirmation import TIMEOUT_ACTOR, close_unconfirmed
from grievance.tickets.enums import ActorRole, Closure, Status
from grievance.tickets.service import FixAnswer, TicketService
from grievance.types import Level
from tests.builders import FakeClock, Place
from tests.conftest import Desk

WINDOW = timedelta(hours=72)


def service(session: Session, desk: Desk) -> TicketService:
    return TicketService(session, desk.policy, desk.vault, desk.clock)


def resolved(desk: Desk, place: Place) -> tuple[int, str]:
    filed = desk.file(place.village)
    desk.move(filed.incident.id, Status.RESOLVED, ActorRole.VWSC, "valve replaced")
    return filed.incident.id, filed.ticket.reference


def test_a_household_saying_no_reopens_it_one_level_up_with_that_levels_clock(
    desk: Desk, place: Place, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    incident_id, reference = resolved(desk, place)
    assert desk.incident(incident_id).level is Level.VWSC
    with unit_of_work(sessions) as session:
        svc = service(session, desk)
        assert svc.answer_fix(svc.find(reference), fixed=False) is FixAnswer.REOPENED
    incident = desk.incident(incident_id)
    assert (incident.status, incident.level, incident.escalations) == (
        Status.REOPENED,
        Level.JE,
        1,
    )
    assert incident.assigned_official_id == place.je and incident.assigned_vwsc_id is None
    assert incident.due_at == clock.now + desk.policy.sla(incident.category, Level.JE)
    with sessions() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None and last.action == "incident.escalated"
    assert desk.verify_chain().ok


def test_escalating_to_at_least_a_level_skips_the_rungs_below_once(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    incident_id = desk.file(place.village, "dirty_water").incident.id
    actor = Actor.system("water-test")
    with unit_of_work(sessions) as session:
        assert service(session, desk).escalate(incident_id, actor, "unsafe", at_least=Level.EE)
    incident = desk.incident(incident_id)
    assert (incident.level, incident.assigned_official_id) == (Level.EE, place.ee)
    with unit_of_work(sessions) as session:  # already there: nothing changes
        assert not service(session, desk).escalate(incident_id, actor, "again", at_least=Level.EE)
    assert desk.incident(incident_id).escalations == 1


def test_silence_closes_a_resolved_incident_as_unconfirmed_after_the_window(
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    policy: Policy,
    vault: ContactVault,
) -> None:
    incident_id, _ = resolved(desk, place)
    other = desk.file(place.gp_village).incident.id  # still being worked on: untouched
    clock.advance(hours=71)
    assert close_unconfirmed(sessions, policy, vault, clock.now, WINDOW) == 0
    clock.advance(hours=2)
    assert close_unconfirmed(sessions, policy, vault, clock.now, WINDOW) == 1
    assert close_unconfirmed(sessions, policy, vault, clock.now, WINDOW) == 0
    incident = desk.incident(incident_id)
    assert (incident.status, incident.closure) == (Status.CLOSED, Closure.UNCONFIRMED)
    assert desk.incident(other).status is Status.NEW
    with sessions() as session:
        closing = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "incident.closed")
        ).one()
    assert closing.actor == str(TIMEOUT_ACTOR)
