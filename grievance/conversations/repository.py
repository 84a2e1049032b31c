"""Loading and saving conversation rows; the sender is only ever its keyed hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from grievance.conversations.models import Conversation
from grievance.types import Channel

# An unfinished complaint lapses after this long without a message.
INACTIVITY = timedelta(minutes=30)


def load(session: Session, channel: Channel, key: str) -> Conversation | None:
    """The conversation of the sender whose lookup hash is `key` (`Contact.lookup_hash`)."""
    return session.get(Conversation, (channel, key))


def new(channel: Channel, key: str, language: str, step: str, now: datetime) -> Conversation:
    """A first contact's conversation, waiting on `step` (not yet added to the session)."""
    return Conversation(
        channel=channel,
        sender_hash=key,
        language=language,
        step=step,
        slots={},
        updated_at=now,
    )


def lapsed(conversation: Conversation, now: datetime) -> bool:
    return conversation.expires_at is not None and now >= conversation.expires_at


def touch(conversation: Conversation, now: datetime, *, resting: bool) -> None:
    """Mark a message answered now; a step in the middle of something (not `resting`) lapses
    after INACTIVITY."""
    conversation.updated_at = now
    conversation.expires_at = None if resting else now + INACTIVITY
