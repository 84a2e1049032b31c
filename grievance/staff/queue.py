"""The staff ticket list (filtered, keyset-paginated) and the work queue (open incidents, most
urgent first), always inside the principal's scope; the rows come from `staff.repository`."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from grievance.errors import ValidationError
from grievance.lgd.models import VillagePanchayat
from grievance.staff import repository
from grievance.staff.principal import Principal
from grievance.tickets.enums import CLOCK_RUNNING_STATUSES, Category, Status
from grievance.tickets.models import Incident, Ticket

MAX_PAGE = 200
# Open work: somebody owes the household an action. A resolved incident waits for the
# households' answer, not for staff, so it leaves the work queue (ask for status=resolved).
OPEN = CLOCK_RUNNING_STATUSES


@dataclass(frozen=True)
class TicketFilter:
    status: Status | None = None
    category: Category | None = None
    overdue: bool | None = None
    village: int | None = None
    gp: int | None = None
    block: int | None = None


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last ticket's filing time and id (the sort key)."""

    filed_at: datetime
    ticket_id: int

    def encode(self) -> str:
        raw = json.dumps([self.filed_at.isoformat(), self.ticket_id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            filed_at, ticket_id = json.loads(raw)
            at = datetime.fromisoformat(filed_at)
            if at.tzinfo is None or not isinstance(ticket_id, int):
                raise ValueError(text)
            return cls(at, ticket_id)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise ValidationError("the cursor is not one this API gave out") from exc


@dataclass(frozen=True)
class Page:
    rows: Sequence[Ticket]
    next_cursor: Cursor | None


def tickets(
    session: Session,
    principal: Principal,
    wanted: TicketFilter,
    now: datetime,
    limit: int,
    after: Cursor | None = None,
) -> Page:
    """Tickets oldest first (filing time, then id: a stable order for paging)."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"a page holds 1 to {MAX_PAGE} tickets")
    start = (after.filed_at, after.ticket_id) if after is not None else None
    conditions = filter_conditions(wanted, now)
    rows = repository.tickets_in_jurisdiction(session, principal, conditions, start, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more else None
    return Page(rows, Cursor(last.created_at, last.id) if last is not None else None)


def open_incidents(
    session: Session,
    principal: Principal,
    now: datetime,
    limit: int,
    *,
    status: Status | None = None,
    overdue: bool | None = None,
    offset: int = 0,
) -> Sequence[Incident]:
    """The work queue: incidents in the jurisdiction, soonest due first (overdue at the top);
    open work (`OPEN`) unless a `status` is asked for. The web queue pages through it, a LIST by
    chat shows its first few."""
    conditions = filter_conditions(TicketFilter(status=status, overdue=overdue), now)
    if status is None:
        conditions.append(Incident.status.in_(OPEN))
    return repository.open_incidents(session, principal, conditions, offset, limit)


def filter_conditions(wanted: TicketFilter, now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a queue filter; shared by the API's list and the web queue."""
    conditions: list[ColumnElement[bool]] = []
    if wanted.status is not None:
        conditions.append(Incident.status == wanted.status)
    if wanted.category is not None:
        conditions.append(Incident.category == wanted.category)
    if wanted.overdue is True:
        conditions.append(Incident.due_at < now)
    elif wanted.overdue is False:
        conditions.append(or_(Incident.due_at.is_(None), Incident.due_at >= now))
    if wanted.village is not None:
        conditions.append(Incident.village_code == wanted.village)
    if wanted.gp is not None:
        in_gp = select(VillagePanchayat.village_code).where(VillagePanchayat.gp_code == wanted.gp)
        conditions.append(Incident.village_code.in_(in_gp))
    if wanted.block is not None:
        in_block = select(VillagePanchayat.village_code).where(
            VillagePanchayat.block_code == wanted.block
        )
        conditions.append(Incident.village_code.in_(in_block))
    return conditions
