"""The incident state machine: who may do what, what each move records, conflicts."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.errors import ConflictError, TransitionNotAllowedError, ValidationError
from grievance.tickets import workflow
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole, Closure, Status
from grievance.tickets.service import TicketService
from tests.builders import Place
from tests.conftest import Desk


def timeline(
    sessions: sessionmaker[Session], incident_id: int
) -> list[tuple[str, str, dict[str, Any]]]:
    with sessions() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "incident", AuditEvent.entity_id == str(incident_id))
            .order_by(AuditEvent.seq)
        )
        return [(e.action, e.actor, e.payload) for e in events]


def test_the_happy_path_records_actor_time_and_note_for_every_move(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    incident_id = desk.file(place.village).incident.id
    desk.clock.advance(hours=1)
    desk.move(incident_id, Status.ACKNOWLEDGED, ActorRole.VWSC, "seen, pump operator sent")
    desk.move(incident_id, Status.IN_PROGRESS, ActorRole.VWSC)
    desk.clock.advance(hours=3)
    desk.move(incident_id, Status.RESOLVED, ActorRole.VWSC, "motor starter replaced")
    resolved_at = desk.clock.now
    desk.move(incident_id, Status.CLOSED, ActorRole.CITIZEN)

    incident = desk.incident(incident_id)
    assert (incident.status, incident.closure) == (Status.CLOSED, Closure.CONFIRMED)
    assert incident.resolved_at == resolved_at and incident.due_at is None
    actions = [(action, actor) for action, actor, _ in timeline(sessions, incident_id)]
    assert actions[2:] == [
        ("incident.acknowledged", "vwsc:tester"),
        ("incident.in_progress", "vwsc:tester"),
        ("incident.resolved", "vwsc:tester"),
        ("incident.closed", "citizen:tester"),
    ]
    resolved = timeline(sessions, incident_id)[4][2]
    assert resolved == {"from": "in_progress", "to": "resolved", "note": "motor starter replaced"}


def test_confirmation_timeout_closes_as_unconfirmed(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village).incident.id
    desk.move(incident_id, Status.RESOLVED, ActorRole.JE, "pipeline flushed")
    desk.move(incident_id, Status.CLOSED, ActorRole.SYSTEM)
    assert desk.incident(incident_id).closure is Closure.UNCONFIRMED


def test_a_household_saying_no_reopens_and_restarts_the_clock(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village).incident.id
    desk.move(incident_id, Status.RESOLVED, ActorRole.VWSC, "fixed")
    assert desk.incident(incident_id).due_at is None
    desk.clock.advance(hours=30)
    desk.move(incident_id, Status.REOPENED, ActorRole.CITIZEN, "still no water")

    incident = desk.incident(incident_id)
    assert incident.status is Status.REOPENED and incident.resolved_at is None
    assert incident.due_at == desk.clock.now + desk.policy.sla(incident.category, incident.level)


@pytest.mark.parametrize(
    ("setup", "target", "role", "message"),
    [
        ([], Status.CLOSED, ActorRole.CITIZEN, "that is new cannot become closed"),
        ([], Status.ACKNOWLEDGED, ActorRole.CITIZEN, "a citizen may not move"),
        ([(Status.RESOLVED, ActorRole.VWSC)], Status.CLOSED, ActorRole.VWSC, "a vwsc may not move"),
        ([], Status.REJECTED, ActorRole.VWSC, "a vwsc may not move"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_error(
    desk: Desk,
    place: Place,
    setup: list[tuple[Status, ActorRole]],
    target: Status,
    role: ActorRole,
    message: str,
) -> None:
    incident_id = desk.file(place.village).incident.id
    for status, who in setup:
        desk.move(incident_id, status, who, "done")
    before = desk.incident(incident_id)

    with pytest.raises(TransitionNotAllowedError, match=message):
        desk.move(incident_id, target, role, "note")
    assert desk.incident(incident_id).version == before.version


def test_closed_and_rejected_are_final(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village).incident.id
    desk.move(
        incident_id, Status.REJECTED, ActorRole.EE, "private borewell", responsible_body="owner"
    )
    for target in Status:
        assert workflow.allowed_targets(Status.REJECTED, ActorRole.STATE_ADMIN) == []
        if target is not Status.REJECTED:
            with pytest.raises(TransitionNotAllowedError):
                desk.move(incident_id, target, ActorRole.STATE_ADMIN, "x")


def test_rejection_needs_a_reason_and_the_responsible_body(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village, "no_connection").incident.id
    with pytest.raises(ValidationError, match="note is required"):
        desk.move(incident_id, Status.REJECTED, ActorRole.JE, "", responsible_body="Gram Panchayat")
    with pytest.raises(ValidationError, match="name the body responsible"):
        desk.move(incident_id, Status.REJECTED, ActorRole.JE, "house outside scheme area")

    desk.move(
        incident_id,
        Status.REJECTED,
        ActorRole.JE,
        "house outside scheme area",
        responsible_body="Gram Panchayat Gorkal",
    )
    incident = desk.incident(incident_id)
    assert (incident.status, incident.responsible_body) == (
        Status.REJECTED,
        "Gram Panchayat Gorkal",
    )
    assert incident.rejection_reason == "house outside scheme area"


def test_resolving_needs_a_note(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village).incident.id
    with pytest.raises(ValidationError, match="note is required"):
        desk.move(incident_id, Status.RESOLVED, ActorRole.VWSC, "   ")
    assert desk.incident(incident_id).status is Status.NEW


def test_a_stale_expected_version_is_a_conflict(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village).incident.id
    seen = desk.incident(incident_id).version
    desk.move(incident_id, Status.ACKNOWLEDGED, ActorRole.VWSC, expected_version=seen)

    with pytest.raises(ConflictError, match="changed by someone else"):
        desk.move(incident_id, Status.IN_PROGRESS, ActorRole.JE, expected_version=seen)
    assert desk.incident(incident_id).status is Status.ACKNOWLEDGED


@pytest.mark.postgres_only
def test_two_simultaneous_updates_one_wins_the_other_conflicts(
    request: pytest.FixtureRequest, desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    incident_id = desk.file(place.village).incident.id
    both_loaded = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name: str, target: Status, note: str) -> None:
        try:
            with unit_of_work(sessions) as session:
                service = TicketService(session, desk.policy, desk.vault, desk.clock)
                service._incident(incident_id)  # both read the same version first
                both_loaded.wait(timeout=10)
                service.transition(incident_id, target, Actor(ActorRole.VWSC, name), note)
            outcomes[name] = "won"
        except ConflictError:
            outcomes[name] = "conflict"

    threads = [
        threading.Thread(target=act, args=("a", Status.RESOLVED, "fixed the valve")),
        threading.Thread(target=act, args=("b", Status.ACKNOWLEDGED, "on my way")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "won"]
    winner = next(name for name, result in outcomes.items() if result == "won")
    expected = {"a": Status.RESOLVED, "b": Status.ACKNOWLEDGED}[winner]
    assert desk.incident(incident_id).status is expected
    assert desk.verify_chain().ok
