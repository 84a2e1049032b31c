"""Loading and saving conversation rows; the sender is only ever its keyed hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.models import Conversation
from bot.turn import Step
from grievance.errors import ValidationError
from grievance.privacy import ContactVault
from grievance.tickets.intake import contact_of
from grievance.types import Channel

# An unfinished complaint lapses after this long without a message.
INACTIVITY = timedelta(minutes=30)
# Steps that are not in the middle of anything, so never lapse.
RESTING = frozenset({Step.IDLE, Step.CONSENT})


def sender_hash(vault: ContactVault, channel: Channel, sender: str) -> str:
    """The same hash the grievance core keys reporters by, so both name one household alike."""
    try:
        contact = contact_of(vault, channel, sender)
    except ValidationError:
        contact = f"{channel.value}:{sender.strip()}"  # not a phone; still never stored in clear
    return vault.lookup_hash(contact)


def load(session: Session, channel: Channel, key: str) -> Conversation | None:
    return session.get(Conversation, (channel, key))


def new(channel: Channel, key: str, language: str, now: datetime) -> Conversation:
    return Conversation(
        channel=channel,
        sender_hash=key,
        language=language,
        step=Step.CONSENT.value,
        slots={},
        updated_at=now,
    )


def lapsed(conversation: Conversation, now: datetime) -> bool:
    return conversation.expires_at is not None and now >= conversation.expires_at


def touch(conversation: Conversation, now: datetime) -> None:
    conversation.updated_at = now
    resting = Step(conversation.step) in RESTING
    conversation.expires_at = None if resting else now + INACTIVITY
