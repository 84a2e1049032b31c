"""Staff on Telegram: a chat is linked to a registered staff phone once, by its owner sharing
their own contact with the "share my phone number" button.

Telegram gives the bot a chat id, never a phone number, so the directory (which holds phones)
cannot recognise anybody there until they share it. The channel passes the number on only
with whether it is the sender's own (Telegram sets the contact's user id; a forwarded contact
card of somebody else cannot link). STAFF (or /staff) asks for the share, UNLINK forgets it.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.orm import Session

from bot import messages
from bot.exchange import Expect, Inbound, Reply
from bot.flows.staff_member import by_phone_hash, recognise, say
from bot.turn import Services
from grievance import i18n
from grievance.conversations import repository as conversations
from grievance.directory import chat_links
from grievance.errors import ValidationError
from grievance.privacy import Contact
from grievance.types import Channel

log = logging.getLogger(__name__)
# Chats without a phone number of their own, where staff link one.
LINKED_CHANNELS = frozenset({Channel.TELEGRAM})
_STAFF_WORDS = re.compile(r"^\s*/?(staff|unlink)\s*$", re.I)


def answer(
    session: Session, services: Services, inbound: Inbound, command: str
) -> list[Reply] | None:
    """The reply to a shared contact, STAFF or UNLINK on Telegram; None for anything else."""
    if inbound.channel not in LINKED_CHANNELS:
        return None
    if inbound.shared_contact is not None:
        return [_link(session, services, inbound)]
    found = _STAFF_WORDS.match(command)
    if found is None:
        return None
    if found.group(1).lower() == "staff":
        member = recognise(session, services, inbound.channel, inbound.sender)
        if member is None:
            return [invite(session, services, inbound.channel, inbound.sender)]
        return [say(member, messages.STAFF_LINKED)]
    return _unlink(session, services, inbound)


def invite(session: Session, services: Services, channel: Channel, sender: Contact) -> Reply:
    """Ask an unrecognised chat to share its owner's number, with the channel's button."""
    language = _chat_language(session, channel, sender)
    return _reply(messages.STAFF_SHARE_PHONE, language, share_button=True)


def _link(session: Session, services: Services, inbound: Inbound) -> Reply:
    shared = inbound.shared_contact
    assert shared is not None
    language = _chat_language(session, inbound.channel, inbound.sender)
    if not shared.own:
        return _reply(messages.SHARE_OWN_PHONE, language, share_button=True)
    vault, chat = services.vault, inbound.sender
    try:
        # Telegram gives the number in international form without the "+".
        phone = vault.normalise_phone("+" + shared.phone.strip().lstrip("+"))
    except ValidationError:
        return _reply(messages.STAFF_NOT_REGISTERED, language)
    if not chat.reachable:
        return _reply(messages.STAFF_NOT_REGISTERED, language)
    phone_hash = vault.lookup_hash(phone)
    member = by_phone_hash(session, phone_hash)
    if member is None:
        return _reply(messages.STAFF_NOT_REGISTERED, language)
    chat_links.link(session, inbound.channel, chat, phone_hash, services.clock())
    log.info("%s linked a %s chat", member.actor, inbound.channel.value)  # no number, no chat id
    return say(member, messages.STAFF_LINKED)


def _unlink(session: Session, services: Services, inbound: Inbound) -> list[Reply] | None:
    member = recognise(session, services, inbound.channel, inbound.sender)
    if member is None:
        return None  # not linked: the word means nothing special here
    chat_links.unlink(session, inbound.sender)
    log.info("%s unlinked a %s chat", member.actor, inbound.channel.value)
    return [say(member, messages.STAFF_UNLINKED)]


def _chat_language(session: Session, channel: Channel, sender: Contact) -> str:
    """The language this chat's conversation uses, for somebody not (yet) known as staff."""
    conversation = conversations.load(session, channel, sender.lookup_hash)
    return conversation.language if conversation else i18n.tag_of(i18n.SOURCE_LOCALE)


def _reply(message: str, language: str, share_button: bool = False) -> Reply:
    button = i18n.say(messages.SHARE_PHONE_BUTTON, language) if share_button else ""
    return Reply(
        i18n.say(message, language), language, (), Expect.NOTHING, share_contact_button=button
    )
