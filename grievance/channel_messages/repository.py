"""Reads and writes of the channel message log: inbound messages claimed once by provider id,
outbound delivery statuses that only move forward. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from grievance.channel_messages.models import InboundMessage, OutboundMessage
from grievance.types import Channel
from grievance.upsert import InsertIfAbsent, table_of

# Fields that carry a phone number, a person's name or their WhatsApp user id: never stored
# with the raw payload. WhatsApp's ChannelMetadata repeats WaId and ProfileName inside its JSON.
PERSONAL_FIELDS = frozenset(
    {
        "From",
        "To",
        "WaId",
        "Caller",
        "Called",
        "ForwardedFrom",
        "ProfileName",
        "CallerName",
        "ChannelMetadata",
        "ExternalUserId",
    }
)

# Delivery statuses in the order they can only move forward; failures end the story.
STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
TERMINAL = frozenset({"undelivered", "failed", "canceled"})


def scrub(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in PERSONAL_FIELDS}


def find_inbound(session: Session, channel: Channel, provider_id: str) -> InboundMessage | None:
    return session.scalars(
        select(InboundMessage).where(
            InboundMessage.channel == channel, InboundMessage.provider_message_id == provider_id
        )
    ).one_or_none()


def retire_stale(session: Session, found: InboundMessage, now: datetime, keep: timedelta) -> bool:
    """An id seen longer ago than `keep` is a new message (Telegram reuses update_ids).

    The old row is kept under a retired id so the new one can take the id. True if retired.
    """
    if now - found.received_at <= keep:
        return False
    found.provider_message_id = f"{found.provider_message_id}#retired-{found.id}"
    session.flush()
    return True


# Core statements on the table (the ORM's bulk machinery costs more than the insert itself).
_INBOUND = table_of(InboundMessage)
_CLAIM = InsertIfAbsent(_INBOUND, ["channel", "provider_message_id"], _INBOUND.c.id)
_FINISH = (
    update(_INBOUND)
    .where(_INBOUND.c.id == bindparam("row_id"))
    .values(reply_rendered=bindparam("rendered"), processed_at=bindparam("now"))
)


def claim_inbound(
    session: Session,
    channel: Channel,
    provider_id: str,
    sender_hash: str,
    payload: Mapping[str, Any],
    now: datetime,
) -> int | None:
    """Store the message and return its row id; None if (channel, id) is stored already.

    A concurrent transaction holding the same id makes this wait until it ends."""
    row = {
        "channel": channel,
        "provider_message_id": provider_id,
        "sender_hash": sender_hash,
        "received_at": now,
        "payload": scrub(payload),
    }
    claimed = _CLAIM(session, row)
    return None if claimed is None else int(claimed)


def finish_inbound(session: Session, row_id: int, rendered: str, now: datetime) -> None:
    session.execute(_FINISH, {"row_id": row_id, "rendered": rendered, "now": now})


def record_status(
    session: Session,
    channel: Channel,
    provider_sid: str,
    to_hash: str,
    status: str,
    error_code: str | None,
    now: datetime,
) -> OutboundMessage:
    """Apply a delivery status callback; an older status arriving late changes nothing."""
    row = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.channel == channel, OutboundMessage.provider_sid == provider_sid)
        .with_for_update()
    ).one_or_none()
    if row is None:
        return add_outbound(session, channel, provider_sid, to_hash, status, now, error_code)
    if moves_forward(row.status, status):
        row.status, row.status_updated_at = status, now
        row.error_code = error_code or row.error_code
    return row


def add_outbound(
    session: Session,
    channel: Channel,
    sid: str,
    to_hash: str,
    status: str,
    now: datetime,
    error_code: str | None = None,
) -> OutboundMessage:
    """A new outbound row: a message about to be sent (under a local id until the provider
    gives its sid), or one first heard of through a status callback."""
    row = OutboundMessage(
        channel=channel,
        provider_sid=sid,
        to_hash=to_hash,
        status=status,
        status_updated_at=now,
        error_code=error_code,
    )
    session.add(row)
    session.flush()
    return row


def attach_sid(
    session: Session, row_id: int, channel: Channel, provider_sid: str, status: str, now: datetime
) -> OutboundMessage:
    """Give a sent message its provider sid and the status the provider answered with.

    A status callback may have arrived first and created a row for that sid: the statuses are
    merged into that row (never backwards) and the local one goes. A concurrent first callback
    makes the flush raise IntegrityError; the caller retries in a new transaction.
    """
    pending = session.get(OutboundMessage, row_id, with_for_update=True)
    found = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.channel == channel, OutboundMessage.provider_sid == provider_sid)
        .with_for_update()
    ).one_or_none()
    row = found if found is not None else pending
    if row is None:
        raise LookupError(f"outbound message {row_id} is gone")
    if found is not None and pending is not None and pending is not found:
        session.delete(pending)
    row.provider_sid = provider_sid
    if moves_forward(row.status, status):
        row.status, row.status_updated_at = status, now
    session.flush()
    return row


def mark_failed(
    session: Session, row_id: int, error_code: str | None, now: datetime
) -> OutboundMessage | None:
    row = session.get(OutboundMessage, row_id, with_for_update=True)
    if row is not None:
        row.status, row.status_updated_at = "failed", now
        row.error_code = error_code[:16] if error_code else None
    return row


def last_inbound_at(session: Session, channel: Channel, sender_hash: str) -> datetime | None:
    """When this sender's latest message on `channel` arrived (None: never)."""
    return session.scalars(
        select(InboundMessage.received_at)
        .where(InboundMessage.channel == channel, InboundMessage.sender_hash == sender_hash)
        .order_by(InboundMessage.received_at.desc())
        .limit(1)
    ).first()


def moves_forward(current: str, new: str) -> bool:
    if current in TERMINAL:
        return False
    return STATUS_RANK.get(new, -1) > STATUS_RANK.get(current, -1)
