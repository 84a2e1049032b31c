"""Conversation state, one row per (channel, sender), so any process can answer any message.

The sender is stored only as its keyed lookup hash (`ContactVault.lookup_hash`), never in clear.
`version` is an optimistic lock: two processes answering the same sender at once cannot both
write; the loser retries once (`bot.engine`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from grievance.db import Base, UTCDateTime
from grievance.types import Channel, enum_column


class Conversation(Base):
    __tablename__ = "conversations"

    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, "conversation_channel"), primary_key=True
    )
    sender_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    village_code: Mapped[int | None] = mapped_column(Integer)
    # The dialogue step waited on (the bot's `Step`; the core stores it as a name).
    step: Mapped[str] = mapped_column(String(32))
    # What the unfinished complaint has gathered so far, and the options last offered.
    slots: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the unfinished step lapses; language, consent and village stay.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
