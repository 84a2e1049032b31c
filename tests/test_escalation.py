"""The SLA sweep: overdue incidents climb the ladder level by level, exactly once each."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.escalation import SweepReport, sweep
from grievance.types import Level
from tests.builders import Place, add_villages
from tests.conftest import Desk


def run_sweep(desk: Desk, batch_size: int = 2000) -> SweepReport:
    return sweep(desk.sessions, desk.policy, desk.clock.now, batch_size)


def test_nothing_is_escalated_before_it_is_due(desk: Desk, place: Place) -> None:
    desk.file(place.village, "no_water")
    desk.clock.advance(hours=23, minutes=59)
    assert run_sweep(desk) == SweepReport()


def test_an_overdue_incident_climbs_one_level_and_gets_a_new_due_time(
    desk: Desk, place: Place
) -> None:
    incident_id = desk.file(place.village, "no_water").incident.id
    desk.clock.advance(hours=24)

    assert run_sweep(desk) == SweepReport(escalated=1)
    incident = desk.incident(incident_id)
    assert (incident.level, incident.assigned_official_id, incident.escalations) == (
        Level.JE,
        place.je,
        1,
    )
    assert incident.due_at == desk.clock.now + desk.policy.sla(incident.category, Level.JE)


def test_a_second_sweep_at_the_same_moment_changes_nothing(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village).incident.id
    desk.clock.advance(hours=25)
    run_sweep(desk)
    before = desk.incident(incident_id)

    assert run_sweep(desk) == SweepReport()
    after = desk.incident(incident_id)
    assert (after.level, after.version, after.due_at) == (
        before.level,
        before.version,
        before.due_at,
    )


def test_incidents_keep_climbing_to_the_top_then_the_clock_stops(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    incident_id = desk.file(place.village, "no_water").incident.id
    seen = []
    for _ in range(8):
        due = desk.incident(incident_id).due_at
        if due is None:
            break
        desk.clock.now = due
        run_sweep(desk)
        seen.append(desk.incident(incident_id).level)

    assert seen == [Level.JE, Level.AE, Level.EE, Level.DWSM, Level.STATE_ADMIN, Level.STATE_ADMIN]
    incident = desk.incident(incident_id)
    assert incident.due_at is None and incident.assigned_official_id == place.state_admin
    with sessions() as session:
        breached = session.scalar(
            select(func.count()).where(AuditEvent.action == "incident.sla_breached")
        )
    assert breached == 1


def test_notes_and_acknowledgement_do_not_reset_the_clock(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village, "no_water").incident.id
    due = desk.incident(incident_id).due_at
    desk.clock.advance(hours=10)
    desk.note(incident_id, "tanker arranged for tomorrow")
    desk.move(incident_id, Status.ACKNOWLEDGED, ActorRole.VWSC, "seen")
    desk.clock.advance(hours=10)
    desk.move(incident_id, Status.IN_PROGRESS, ActorRole.VWSC)
    assert desk.incident(incident_id).due_at == due

    desk.clock.now = due  # type: ignore[assignment]
    assert run_sweep(desk).escalated == 1


def test_resolved_incidents_are_not_escalated(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village).incident.id
    desk.move(incident_id, Status.RESOLVED, ActorRole.VWSC, "fixed")
    desk.clock.advance(days=30)
    assert run_sweep(desk) == SweepReport()


def test_missing_levels_are_skipped(desk: Desk, place: Place) -> None:
    # The orphan village starts at the AE (no VWSC, no JE in its block).
    incident_id = desk.file(place.orphan_village, "no_water").incident.id
    desk.clock.now = desk.incident(incident_id).due_at  # type: ignore[assignment]
    run_sweep(desk)
    assert desk.incident(incident_id).level is Level.EE


def test_billing_climbs_its_own_shorter_ladder(desk: Desk, place: Place) -> None:
    incident_id = desk.file(place.village, "billing").incident.id
    desk.clock.now = desk.incident(incident_id).due_at  # type: ignore[assignment]
    run_sweep(desk)
    assert desk.incident(incident_id).level is Level.DWSM


def test_every_overdue_incident_is_escalated_not_just_a_page(desk: Desk, place: Place) -> None:
    villages = [place.village, place.gp_village]
    categories = ["no_water", "leakage", "low_pressure", "broken_tap", "other"]
    ids = [desk.file(v, c).incident.id for v in villages for c in categories]
    desk.clock.advance(days=4)

    report = run_sweep(desk, batch_size=3)  # several batches
    assert report.escalated == len(ids)
    assert all(desk.incident(i).escalations == 1 for i in ids)


@pytest.mark.postgres_only
def test_concurrent_workers_never_escalate_the_same_incident_twice(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as session:
        villages = add_villages(session, place, 30)
    ids = [desk.file(v, c).incident.id for v in villages for c in ("no_water", "leakage")]
    desk.clock.advance(days=10)
    start = threading.Barrier(4)
    reports: list[SweepReport] = []

    def worker() -> None:
        start.wait(timeout=10)
        reports.append(run_sweep(desk, batch_size=2))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(r.escalated for r in reports) == len(ids)
    assert all(desk.incident(i).escalations == 1 for i in ids)
    with sessions() as session:
        escalations = session.scalar(
            select(func.count()).where(AuditEvent.action == "incident.escalated")
        )
    assert escalations == len(ids)
    assert desk.verify_chain().ok


def test_policy_ladders_and_slas_follow_the_data(desk: Desk) -> None:
    from grievance.tickets.enums import Category

    policy = desk.policy
    assert policy.ladder(Category.BILLING) == (Level.VWSC, Level.DWSM)
    # A level the category skips is timed like the next level it lists.
    assert policy.sla(Category.BILLING, Level.JE) == policy.sla(Category.BILLING, Level.DWSM)
    assert policy.levels_above(Category.NO_WATER, Level.AE) == (
        Level.EE,
        Level.DWSM,
        Level.STATE_ADMIN,
    )
    assert policy.levels_above(Category.NO_WATER, Level.STATE_ADMIN) == ()
