"""Staff phones verified on a chat that has no phone number (Telegram gives a chat id).

A person proves a chat is theirs by sharing their own contact in it (the channel checks that
the contact is the sender's). If that phone is registered as a committee member or official,
the chat is linked to the phone's keyed hash: the person is recognised there and notices go
there. The phone number itself is never stored here, only its hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from grievance.directory.models import StaffChatLink
from grievance.privacy import Contact
from grievance.types import Channel


def link(
    session: Session,
    channel: Channel,
    chat: Contact,
    phone_hash: str,
    now: datetime,
) -> None:
    """Link the chat to the phone, replacing any earlier link of either."""
    chat_hash = chat.lookup_hash
    session.execute(
        delete(StaffChatLink).where(
            or_(StaffChatLink.chat_hash == chat_hash, StaffChatLink.phone_hash == phone_hash)
        )
    )
    session.add(
        StaffChatLink(
            chat_hash=chat_hash,
            channel=channel,
            chat_ciphertext=chat.ciphertext,
            phone_hash=phone_hash,
            linked_at=now,
        )
    )
    session.flush()


def unlink(session: Session, chat: Contact) -> None:
    """Forget the chat's link (if it has one)."""
    session.execute(delete(StaffChatLink).where(StaffChatLink.chat_hash == chat.lookup_hash))


def phone_hash_of_chat(session: Session, chat: Contact) -> str | None:
    return session.scalar(
        select(StaffChatLink.phone_hash).where(StaffChatLink.chat_hash == chat.lookup_hash)
    )


def linked_chats(session: Session, phone_hashes: Iterable[str]) -> dict[str, StaffChatLink]:
    """The chat each of these phones is linked to, by phone hash (unlinked ones are absent)."""
    wanted = set(phone_hashes)
    if not wanted:
        return {}
    links = session.scalars(select(StaffChatLink).where(StaffChatLink.phone_hash.in_(wanted)))
    return {link.phone_hash: link for link in links}
