"""What the channels keep: each raw inbound message once, and each outbound message's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grievance.db import Base, UTCDateTime
from grievance.types import BigId, Channel, enum_column


class InboundMessage(Base):
    """One webhook delivery as received, stored once per (channel, provider id).

    The sender is kept only as a keyed lookup hash; `payload` has the phone fields removed.
    `reply_rendered` is what we answered, so a redelivery gets the very same answer.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id", name="uq_inbound_messages_provider"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "inbound_channel"))
    provider_message_id: Mapped[str] = mapped_column(String(128))
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reply_rendered: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboundMessage(Base):
    """A message we sent through a provider, and the furthest delivery status it reached."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_sid", name="uq_outbound_messages_provider"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "outbound_channel"))
    provider_sid: Mapped[str] = mapped_column(String(64))
    to_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(24))
    status_updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    error_code: Mapped[str | None] = mapped_column(String(16))
