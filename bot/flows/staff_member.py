"""Who is staff on a chat channel: a VWSC member or an official, found by the keyed hash of
the registered phone (on Telegram, of the phone the chat was linked to, see
`bot/flows/staff_link.py`); and how to speak to them (in the language the directory has).

The person is a `Principal` built from the directory row (`grievance.staff.directory_principal`):
the official's jurisdiction, or the committee's village (or gram panchayat), with their role, as
the web queue and the staff API see the same person.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.exchange import Expect, Reply
from bot.turn import Services
from grievance import i18n
from grievance.directory import chat_links
from grievance.privacy import Contact
from grievance.staff.directory_principal import principal_by_phone_hash
from grievance.staff.principal import Principal
from grievance.types import Channel

# Staff are recognised by phone: the sender's on SMS and WhatsApp, a linked one on Telegram.
STAFF_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.TELEGRAM})


def recognise(
    session: Session, services: Services, channel: Channel, sender: Contact
) -> Principal | None:
    phone_hash = _phone_hash(session, channel, sender)
    return None if phone_hash is None else by_phone_hash(session, phone_hash)


def _phone_hash(session: Session, channel: Channel, sender: Contact) -> str | None:
    if not sender.reachable:
        return None
    if channel is Channel.TELEGRAM:
        return chat_links.phone_hash_of_chat(session, sender)
    return sender.lookup_hash


def by_phone_hash(session: Session, phone_hash: str) -> Principal | None:
    """The official, else the committee member, with this phone (an official who also sits on
    a committee acts as the official)."""
    return principal_by_phone_hash(session, phone_hash)


def tag(member: Principal) -> str:
    return i18n.tag_of(i18n.locale_for(member.language))


def t(member: Principal, message: str, **params: str) -> str:
    return i18n.say(message, tag(member), **params)


def say(member: Principal, message: str, **params: str) -> Reply:
    return Reply(t(member, message, **params), tag(member), (), Expect.NOTHING)
