"""The SLA sweep: every overdue incident climbs one level, in batches, set-based.

Rows are taken with FOR UPDATE SKIP LOCKED, so several workers share the work and no
incident is escalated twice; the next due time is counted from the escalation itself, so a
second sweep at the same moment finds nothing to do.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text, update
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit import chain
from grievance.db import unit_of_work
from grievance.directory.service_map import ServiceMap
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets import repository, routing, staff_notices
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
# PostgreSQL: the same climb for a whole batch in one statement, the rows passed as one JSON
# document (one parameter: psycopg neither parses nor adapts thousands of values).
_CLIMB_ALL_PG = text(
    """
    UPDATE incidents AS i
    SET level = v.level, assigned_vwsc_id = v.vwsc_id, assigned_official_id = v.official_id,
        due_at = v.due_at, escalations = i.escalations + 1, version = i.version + 1,
        updated_at = :now
    FROM json_to_recordset(CAST(:rows AS json))
        AS v(id bigint, level text, vwsc_id integer, official_id integer, due_at timestamptz)
    WHERE i.id = v.id
    """
)
_ROUTE_ALL_PG = text(
    """
    INSERT INTO incident_routes (incident_id, level, vwsc_id, official_id, reason, created_at)
    SELECT v.id, v.level, v.vwsc_id, v.official_id, :reason, :now
    FROM json_to_recordset(CAST(:rows AS json))
        AS v(id bigint, level text, vwsc_id integer, official_id integer)
    """
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


def escalate_due_batch(
    session: Session,
    policy: Policy,
    now: datetime,
    limit: int,
    directory: ServiceMap | None = None,
    escalated_to: Counter[int] | None = None,
) -> SweepReport:
    """Escalate up to `limit` overdue incidents in the caller's transaction.

    `directory`, when given, is a map kept across the batches of one sweep: only the villages
    it does not hold yet are loaded. `escalated_to` counts the incidents each official receives.
    """
    due = repository.due_incidents_for_update(session, now, limit)
    if not due:
        return SweepReport()
    villages = {row.village_code for row in due}
    if directory is None:
        services = ServiceMap.load(session, villages)
    else:
        services = directory.include(session, villages)
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
        if escalated_to is not None and nxt.official_id is not None:
            escalated_to[nxt.official_id] += 1
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
    if climbs and session.get_bind().dialect.name == "postgresql":
        _climb_all_pg(session, climbs, now)
    else:
        _execute_many(session, _CLIMB, climbs)
        repository.insert_rows(session, IncidentRoute, routes)
    _execute_many(session, _STOP_CLOCK, stops)
    chain.append(session, events)
    return SweepReport(escalated=len(climbs), at_top=len(stops))


def _execute_many(session: Session, statement: Any, params: list[dict[str, Any]]) -> None:
    if params:
        session.execute(statement, params, execution_options={"synchronize_session": False})


def _climb_all_pg(session: Session, climbs: list[dict[str, Any]], now: datetime) -> None:
    rows = json.dumps(
        [
            {
                "id": c["b_id"],
                "level": c["b_level"].value,
                "vwsc_id": c["b_vwsc"],
                "official_id": c["b_official"],
                "due_at": c["b_due_at"].isoformat(),
            }
            for c in climbs
        ]
    )
    session.execute(_CLIMB_ALL_PG, {"rows": rows, "now": now})
    session.execute(
        _ROUTE_ALL_PG, {"rows": rows, "now": now, "reason": RouteReason.ESCALATION.value}
    )


def _event(incident_id: int, action: str, now: datetime, **payload: Any) -> chain.EventDraft:
    return chain.EventDraft(SWEEP_ACTOR, action, "incident", str(incident_id), payload, now)


def sweep(
    sessions: sessionmaker[Session],
    policy: Policy,
    now: datetime,
    batch_size: int = 5000,
    vault: ContactVault | None = None,
) -> SweepReport:
    """Escalate everything overdue at `now`, one transaction per batch; with `vault`, each
    official who received incidents is then sent one digest.

    The directory is read once per village per sweep (a sweep takes seconds), not per batch.
    """
    total = SweepReport()
    directory = ServiceMap.empty()
    escalated_to: Counter[int] = Counter()
    while True:
        with unit_of_work(sessions) as session:
            report = escalate_due_batch(session, policy, now, batch_size, directory, escalated_to)
        total += report
        if report.handled < batch_size:
            break
    if vault is not None and escalated_to:
        with unit_of_work(sessions) as session:
            staff_notices.send_digests(session, escalated_to, now)
    return total
