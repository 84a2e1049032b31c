"""The incidents on the web queue: what still needs someone's action, inside the account's
scope, soonest due first (overdue at the top).

A's `grievance.staff.queue` lists tickets (one per household) oldest filed first, for the
API; a person working through a list wants each incident once, most urgent first. This is
that view, with A's scope filter and A's status/overdue conditions, so nothing about what an
account may see is decided here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.lgd.models import Village
from grievance.staff.principal import Principal
from grievance.staff.queue import TicketFilter, filter_conditions
from grievance.staff.scope import visible_incidents
from grievance.tickets.enums import CLOCK_RUNNING_STATUSES, Status
from grievance.tickets.models import Incident

PAGE_SIZE = 20
# Open work: somebody owes the household an action. A resolved incident waits for the
# households' answer, not for staff, so it leaves the list (filter status=resolved to see it).
OPEN = CLOCK_RUNNING_STATUSES


@dataclass(frozen=True)
class Worklist:
    incidents: Sequence[Incident]
    villages: dict[int, str]
    more: bool


def open_work(
    session: Session,
    principal: Principal,
    status: Status | None,
    overdue: bool | None,
    now: datetime,
    page: int,
) -> Worklist:
    query = select(Incident).where(
        visible_incidents(principal),
        *filter_conditions(TicketFilter(status=status, overdue=overdue), now),
    )
    if status is None:
        query = query.where(Incident.status.in_(OPEN))
    rows = session.scalars(
        query.order_by(Incident.due_at.is_(None), Incident.due_at, Incident.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    shown = rows[:PAGE_SIZE]
    return Worklist(
        shown, village_names(session, {i.village_code for i in shown}), len(rows) > PAGE_SIZE
    )


def village_names(session: Session, codes: set[int]) -> dict[int, str]:
    if not codes:
        return {}
    found = session.execute(select(Village.code, Village.name).where(Village.code.in_(codes)))
    return {code: name for code, name in found}
