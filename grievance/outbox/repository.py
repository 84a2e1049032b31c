"""The outbox's queries: adding a notice once, claiming what is due, the dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from grievance.outbox.models import OutboxMessage, OutboxStatus
from grievance.types import Channel
from grievance.upsert import InsertIfAbsent, table_of

_OUTBOX = table_of(OutboxMessage)
_ADD = InsertIfAbsent(_OUTBOX, ["dedupe_key"], _OUTBOX.c.id)


def add_once(session: Session, row: dict[str, Any]) -> bool:
    """Insert `row` unless its dedupe key is there already; whether it was inserted."""
    return _ADD(session, row) is not None


def due_for_update(
    session: Session, channel: Channel, limit: int, now: datetime
) -> Sequence[OutboxMessage]:
    """Up to `limit` pending rows of `channel` due by `now`, replies first then oldest, locked;
    rows another worker holds are skipped (PostgreSQL), never waited for."""
    return session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.channel == channel,
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.priority, OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def bury_sending(session: Session, claimed_before: datetime, reason: str) -> int:
    """Rows left `sending` since before `claimed_before` become dead letters; how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < claimed_before,
        )
        .values(status=OutboxStatus.DEAD, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def dead_letters(session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Messages given up on, newest first (for the staff's dead-letter list)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.DEAD)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )
