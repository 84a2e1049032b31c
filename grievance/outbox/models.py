"""One notification waiting to go out, being sent, sent, or given up on (dead letter)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from grievance.db import Base, UTCDateTime
from grievance.types import BigId, Channel, enum_column


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # handed to the provider; committed before the provider is called
    SENT = "sent"
    DEAD = "dead"  # given up on: staff see it in the dead-letter list


class Priority(StrEnum):
    """Replies to someone waiting go before bulk notices."""

    REPLY = "reply"
    BULK = "bulk"


PRIORITY_ORDER = {Priority.REPLY: 0, Priority.BULK: 1}


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # Only pending rows are ever looked for, by when they are due.
        Index(
            "ix_outbox_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Enqueuing the same thing twice (a retried transaction, two workers) keeps one row.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "outbox_channel"))
    recipient_hash: Mapped[str] = mapped_column(String(64), index=True)
    recipient_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    purpose: Mapped[str] = mapped_column(String(64))  # what it says, e.g. "fix_question"
    priority: Mapped[int] = mapped_column(SmallInteger)  # PRIORITY_ORDER: lower goes first
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # rendered when delivered
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, "outbox_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_id: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
