"""Writing a notification into the outbox, in the caller's transaction (never commits)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from grievance.outbox import repository
from grievance.outbox.models import PRIORITY_ORDER, OutboxStatus, Priority
from grievance.privacy import Sealed
from grievance.types import Channel


@dataclass(frozen=True)
class Notice:
    """What to tell whom. `dedupe_key` names the event (e.g. "fix_question:ticket-42"), so the
    same event enqueued twice is sent once. `contact` is stored as it comes, already hashed
    and encrypted."""

    dedupe_key: str
    channel: Channel
    contact: Sealed
    purpose: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    priority: Priority = Priority.BULK


def enqueue(session: Session, notice: Notice, now: datetime) -> bool:
    """Add `notice`, due now; False if its dedupe key was enqueued before."""
    row = {
        "dedupe_key": notice.dedupe_key[:200],
        "channel": notice.channel,
        "recipient_hash": notice.contact.lookup_hash,
        "recipient_ciphertext": notice.contact.ciphertext,
        "purpose": notice.purpose,
        "priority": PRIORITY_ORDER[notice.priority],
        "payload": dict(notice.payload),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    return repository.add_once(session, row)
