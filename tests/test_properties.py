"""Property test: no sequence of actions reaches an invalid state, and the chain verifies."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import make_sessionmaker, unit_of_work
from grievance.errors import TransitionNotAllowedError, ValidationError
from grievance.policy import load_policy
from grievance.privacy import ContactVault
from grievance.tickets import workflow
from grievance.tickets.enums import FINAL_STATUSES, ActorRole, Closure, Status
from grievance.tickets.escalation import sweep
from grievance.tickets.models import Incident, Ticket
from tests.builders import FakeClock, build_directory
from tests.conftest import TEST_SECRET, Desk, _empty_all_tables

CATEGORIES = ["no_water", "dirty_water", "billing", "leakage"]
PHONES = [f"+9199001000{i:02d}" for i in range(5)]
RUNNING = {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED}


def make_machine(engine: Engine) -> type[RuleBasedStateMachine]:
    sessions: sessionmaker[Session] = make_sessionmaker(engine)
    vault, policy = ContactVault(TEST_SECRET), load_policy(None)

    class Grievances(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            _empty_all_tables(engine)
            with unit_of_work(sessions) as session:
                self.place = build_directory(session, vault)
            self.villages = [self.place.village, self.place.gp_village, self.place.orphan_village]
            self.desk = Desk(sessions, policy, vault, FakeClock())
            self.incidents: list[int] = []

        @rule(
            village=st.integers(0, 2),
            category=st.sampled_from(CATEGORIES),
            phone=st.sampled_from(PHONES),
        )
        def file(self, village: int, category: str, phone: str) -> None:
            filed = self.desk.file(self.villages[village], category, phone)
            if filed.incident.id not in self.incidents:
                self.incidents.append(filed.incident.id)

        @rule(
            pick=st.integers(0, 50),
            to=st.sampled_from(list(Status)),
            role=st.sampled_from(list(ActorRole)),
            note=st.sampled_from(["", "pipe fixed", "x" * 10]),
            body=st.sampled_from([None, "Electricity board"]),
        )
        def move(self, pick: int, to: Status, role: ActorRole, note: str, body: str | None) -> None:
            if not self.incidents:
                return
            incident_id = self.incidents[pick % len(self.incidents)]
            before = self.desk.incident(incident_id)
            allowed = to in workflow.allowed_targets(before.status, role)
            try:
                self.desk.move(incident_id, to, role, note, responsible_body=body)
            except TransitionNotAllowedError:
                assert not allowed
                assert self.desk.incident(incident_id).version == before.version
            except ValidationError:
                assert self.desk.incident(incident_id).version == before.version
            else:
                assert allowed

        @rule(pick=st.integers(0, 50))
        def note(self, pick: int) -> None:
            if self.incidents:
                self.desk.note(self.incidents[pick % len(self.incidents)], "checked the tank")

        @rule(hours=st.sampled_from([1, 6, 13, 25, 100]))
        def time_passes_and_the_worker_sweeps(self, hours: int) -> None:
            self.desk.clock.advance(hours=hours)
            sweep(sessions, policy, self.desk.clock.now, batch_size=3)
            assert sweep(sessions, policy, self.desk.clock.now).handled == 0  # idempotent

        @invariant()
        def every_incident_is_consistent(self) -> None:
            with sessions() as session:
                incidents = session.scalars(select(Incident)).all()
                tickets = Counter(session.scalars(select(Ticket.incident_id)).all())
            open_keys = [
                (i.village_code, i.category) for i in incidents if i.status not in FINAL_STATUSES
            ]
            assert len(open_keys) == len(set(open_keys))
            for incident in incidents:
                assert incident.households == tickets[incident.id] >= 1
                assert (incident.closure is not None) == (incident.status is Status.CLOSED)
                if incident.status not in RUNNING:
                    assert incident.due_at is None
                if incident.status is Status.REJECTED:
                    assert incident.rejection_reason and incident.responsible_body
                if incident.status is Status.CLOSED:
                    assert incident.closure in (Closure.CONFIRMED, Closure.UNCONFIRMED)
                    assert incident.closed_at is not None

        @invariant()
        def the_audit_chain_verifies(self) -> None:
            assert self.desk.verify_chain().ok

    return Grievances


def test_no_sequence_of_actions_breaks_the_rules(engine: Engine) -> None:
    examples = 25 if engine.dialect.name == "sqlite" else 10
    run_state_machine_as_test(
        make_machine(engine),
        settings=settings(
            max_examples=examples,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
