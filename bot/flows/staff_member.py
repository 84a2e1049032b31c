"""Who is staff on a chat channel: a VWSC member or an official, found by the keyed hash of
the registered phone (on Telegram, of the phone the chat was linked to, see
`bot/flows/staff_link.py`); and how to speak to them (in the language the directory has)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import i18n
from bot.protocol import Expect, Reply
from bot.turn import Services
from grievance.directory import chat_links
from grievance.directory.models import Official, VwscMember
from grievance.errors import ValidationError
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole
from grievance.tickets.intake import contact_of
from grievance.types import Channel

# Staff are recognised by phone: the sender's on SMS and WhatsApp, a linked one on Telegram.
STAFF_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.TELEGRAM})


@dataclass(frozen=True)
class StaffMember:
    actor: Actor
    language: str
    vwsc_id: int | None = None
    official_id: int | None = None


def recognise(
    session: Session, services: Services, channel: Channel, sender: str
) -> StaffMember | None:
    phone_hash = _phone_hash(session, services, channel, sender)
    return None if phone_hash is None else by_phone_hash(session, phone_hash)


def _phone_hash(session: Session, services: Services, channel: Channel, sender: str) -> str | None:
    vault = services.vault
    try:
        if channel is Channel.TELEGRAM:
            chat = contact_of(vault, channel, sender)
            return chat_links.phone_hash_of_chat(session, vault, chat)
        return vault.lookup_hash(vault.normalise_phone(sender))
    except ValidationError:
        return None


def by_phone_hash(session: Session, phone_hash: str) -> StaffMember | None:
    """The official, else the committee member, with this phone (an official who also sits on
    a committee acts as the official)."""
    official = session.scalars(select(Official).where(Official.phone_hash == phone_hash)).first()
    if official is not None:
        role = ActorRole(official.role.value)
        return StaffMember(
            Actor(role, f"official-{official.id}"), official.language, official_id=official.id
        )
    member = session.scalars(
        select(VwscMember).where(VwscMember.phone_hash == phone_hash).order_by(VwscMember.id)
    ).first()
    if member is not None:
        actor = Actor(ActorRole.VWSC, f"member-{member.id}")
        return StaffMember(actor, member.language, vwsc_id=member.vwsc_id)
    return None


def tag(member: StaffMember) -> str:
    return i18n.tag_of(i18n.locale_for(member.language))


def t(member: StaffMember, message: str, **params: str) -> str:
    return i18n.say(message, tag(member), **params)


def say(member: StaffMember, message: str, **params: str) -> Reply:
    return Reply(t(member, message, **params), tag(member), (), Expect.NOTHING)
