"""Delivering the outbox: claim what is due, hand it to the channel, record what happened.

- **Never twice.** A row is marked `sending` and committed before the provider is called. If
  the process dies before the outcome is recorded, nobody can tell whether it went out, so a
  row left `sending` longer than `lease` goes to the dead-letter list for staff to check
  instead of being sent again.
- **Retries** after a temporary failure wait `Backoff.after(attempts)` (exponential, capped);
  after `max_attempts`, or at once on a permanent failure, the row is dead.
- **Rate limits:** each pass takes at most `budget[channel]` rows per channel, replies before
  bulk, oldest first. A channel with no budget (no sender configured) keeps its rows waiting.
- Workers on PostgreSQL claim with FOR UPDATE SKIP LOCKED, so two never take the same row.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.outbox import repository
from grievance.outbox.models import OutboxMessage, OutboxStatus
from grievance.privacy import Contact, ContactVault
from grievance.types import Channel

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted while sending: it may or may not have gone out"
MAX_ERROR_CHARS = 500


class DeliveryError(Exception):
    """The channel did not take the message. `permanent`: trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Deliverer(Protocol):
    def __call__(
        self, channel: Channel, contact: Contact, purpose: str, payload: Mapping[str, Any]
    ) -> str | None:
        """Send one message; the provider's id for it, if any. Raises DeliveryError."""


@dataclass(frozen=True)
class Backoff:
    first: timedelta = timedelta(minutes=1)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 8

    def after(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt (1, 2, …)."""
        return min(self.first * self.factor ** (attempts - 1), self.cap)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    interrupted: int = 0  # found `sending` after a crash: moved to the dead letters
    by_channel: dict[Channel, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Claimed:
    id: int
    channel: Channel
    contact: Contact
    purpose: str
    payload: Mapping[str, Any]
    attempts: int


def deliver_due(
    sessions: sessionmaker[Session],
    vault: ContactVault,
    deliver: Deliverer,
    now: datetime,
    budget: Mapping[Channel, int],
    backoff: Backoff = Backoff(),
    lease: timedelta = timedelta(minutes=10),
) -> DeliveryReport:
    """One delivery pass: give up on interrupted sends, then send what is due, within budget."""
    report = DeliveryReport()
    with unit_of_work(sessions) as session:
        report.interrupted = repository.bury_sending(session, now - lease, INTERRUPTED)
        claimed = [
            row
            for channel, limit in budget.items()
            for row in _claim(session, vault, channel, limit, now)
        ]
    for row in claimed:
        _deliver_one(sessions, deliver, row, now, backoff, report)
    return report


def _claim(
    session: Session, vault: ContactVault, channel: Channel, limit: int, now: datetime
) -> list[_Claimed]:
    if limit <= 0:
        return []
    claimed = []
    for row in repository.due_for_update(session, channel, limit, now):
        row.status, row.claimed_at, row.attempts = OutboxStatus.SENDING, now, row.attempts + 1
        contact = vault.opened(row.recipient_ciphertext, row.recipient_hash)
        claimed.append(
            _Claimed(row.id, row.channel, contact, row.purpose, dict(row.payload), row.attempts)
        )
    return claimed


def _deliver_one(
    sessions: sessionmaker[Session],
    deliver: Deliverer,
    row: _Claimed,
    now: datetime,
    backoff: Backoff,
    report: DeliveryReport,
) -> None:
    try:
        provider_id = deliver(row.channel, row.contact, row.purpose, row.payload)
    except DeliveryError as error:
        _failed(sessions, row, str(error), error.permanent, now, backoff, report)
        return
    except Exception as error:  # a bug in a channel adapter: retried like a temporary failure
        log.exception("outbox %d: delivery raised", row.id)
        _failed(sessions, row, f"{type(error).__name__}: {error}", False, now, backoff, report)
        return
    with unit_of_work(sessions) as session:
        message = session.get_one(OutboxMessage, row.id)
        message.status, message.sent_at = OutboxStatus.SENT, now
        message.provider_id, message.last_error = provider_id, None
    report.sent += 1
    report.by_channel[row.channel] = report.by_channel.get(row.channel, 0) + 1


def _failed(
    sessions: sessionmaker[Session],
    row: _Claimed,
    reason: str,
    permanent: bool,
    now: datetime,
    backoff: Backoff,
    report: DeliveryReport,
) -> None:
    give_up = permanent or row.attempts >= backoff.max_attempts
    with unit_of_work(sessions) as session:
        message = session.get_one(OutboxMessage, row.id)
        message.last_error = reason[:MAX_ERROR_CHARS]
        if give_up:
            message.status = OutboxStatus.DEAD
        else:
            message.status = OutboxStatus.PENDING
            message.next_attempt_at = now + backoff.after(row.attempts)
    if give_up:
        report.dead += 1
        log.warning("outbox %d: dead after %d attempt(s): %s", row.id, row.attempts, reason)
    else:
        report.retrying += 1
