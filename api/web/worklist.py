"""The incidents on the web queue: what still needs someone's action, inside the account's
scope, soonest due first (overdue at the top).

`grievance.staff.queue` lists tickets (one per household) oldest filed first, for the API; a
person working through a list wants each incident once, most urgent first. This is that view
(`grievance.staff.queue.open_incidents`, which a LIST by chat shows too), with the staff
scope filter and the queue's status and overdue conditions, so nothing about what an account
may see is decided here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from grievance.lgd.village_names import names_of
from grievance.staff import queue
from grievance.staff.principal import Principal
from grievance.tickets.enums import Status
from grievance.tickets.models import Incident

PAGE_SIZE = 20
OPEN = queue.OPEN  # a resolved incident waits for the households, not staff: not listed


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
    rows = queue.open_incidents(
        session,
        principal,
        now,
        PAGE_SIZE + 1,
        status=status,
        overdue=overdue,
        offset=(page - 1) * PAGE_SIZE,
    )
    shown = rows[:PAGE_SIZE]
    return Worklist(
        shown, names_of(session, {i.village_code for i in shown}), len(rows) > PAGE_SIZE
    )
