"""The SLA sweep: every overdue incident climbs one level, in batches, set-based.

Rows are taken with FOR UPDATE SKIP LOCKED, so several workers share the work and no
incident is escalated twice; the next due time is counted from the escalation itself, so a
second sweep at the same moment finds nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit import chain
from grievance.db import unit_of_work
from grievance.directory.service_map import ServiceMap
from grievance.policy import Policy
from grievance.tickets import repository, routing
from grievance.tickets.actor import Actor
from grievance.tickets.enums import RouteReason
from grievance.tickets.models import Incident, IncidentRoute
from grievance.upsert import table_of

SWEEP_ACTOR = str(Actor.system("sla-sweep"))
_incidents = table_of(Incident)

# Climb one level: new owner, new due time.
_CLIMB = (
    update(_incidents)
    .where(_incidents.c.id == bindparam("b_id"))
    .values(
        level=bindparam("b_level"),
        assigned_vwsc_id=bindparam("b_vwsc"),
        assigned_official_id=bindparam("b_official"),
        due_at=bindparam("b_due_at"),
        escalations=_incidents.c.escalations + 1,
        version=_incidents.c.version + 1,
        updated_at=bindparam("b_now"),
    )
)
# Overdue at the top of the ladder: nobody left to escalate to, so the clock stops.
_STOP_CLOCK = (
    update(_incidents)
    .where(_incidents.c.id == bindparam("b_id"))
    .values(due_at=None, version=_incidents.c.version + 1, updated_at=bindparam("b_now"))
)


@dataclass(frozen=True)
class SweepReport:
    escalated: int = 0
    at_top: int = 0

    @property
    def handled(self) -> int:
        return self.escalated + self.at_top

    def __add__(self, other: SweepReport) -> SweepReport:
        return SweepReport(self.escalated + other.escalated, self.at_top + other.at_top)


def escalate_due_batch(session: Session, policy: Policy, now: datetime, limit: int) -> SweepReport:
    """Escalate up to `limit` overdue incidents in the caller's transaction."""
    due = repository.due_incidents_for_update(session, now, limit)
    if not due:
        return SweepReport()
    services = ServiceMap.load(session, {row.village_code for row in due})
    climbs: list[dict[str, Any]] = []
    stops: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    events: list[chain.EventDraft] = []
    for incident_id, village, category, level in due:
        nxt = routing.next_owner(services, policy, village, category, level)
        if nxt is None:
            stops.append({"b_id": incident_id, "b_now": now})
            events.append(_event(incident_id, "incident.sla_breached", now, level=level.value))
            continue
        due_at = now + policy.sla(category, nxt.level)
        climbs.append(
            {
                "b_id": incident_id,
                "b_level": nxt.level,
                "b_vwsc": nxt.vwsc_id,
                "b_official": nxt.official_id,
                "b_due_at": due_at,
                "b_now": now,
            }
        )
        routes.append(
            {
                "incident_id": incident_id,
                "level": nxt.level,
                "vwsc_id": nxt.vwsc_id,
                "official_id": nxt.official_id,
                "reason": RouteReason.ESCALATION,
                "created_at": now,
            }
        )
        events.append(
            _event(
                incident_id,
                "incident.escalated",
                now,
                from_level=level.value,
                to_level=nxt.level.value,
                owner=nxt.party,
                due_at=due_at.isoformat(),
            )
        )
    for statement, params in ((_CLIMB, climbs), (_STOP_CLOCK, stops)):
        if params:
            session.execute(statement, params, execution_options={"synchronize_session": False})
    repository.insert_rows(session, IncidentRoute, routes)
    chain.append(session, events)
    return SweepReport(escalated=len(climbs), at_top=len(stops))


def _event(incident_id: int, action: str, now: datetime, **payload: Any) -> chain.EventDraft:
    return chain.EventDraft(SWEEP_ACTOR, action, "incident", str(incident_id), payload, now)


def sweep(
    sessions: sessionmaker[Session], policy: Policy, now: datetime, batch_size: int = 2000
) -> SweepReport:
    """Escalate everything overdue at `now`, one transaction per batch."""
    total = SweepReport()
    while True:
        with unit_of_work(sessions) as session:
            report = escalate_due_batch(session, policy, now, batch_size)
        total += report
        if report.handled < batch_size:
            return total
