"""Outbox notices on the chat channels: worded by the bot in the recipient's language, then
sent through Twilio's REST API.

- `fix_question` ("is water back?"): the household's conversation is put on the question
  first (committed before it leaves), so its answer is understood.
- `unsafe_water`: the advisory not to drink the water, in the household's language.
- `ftk_request`: a village's field-test-kit tester is asked to test, in the tester's language.
- `new_incident`, `escalated`, `assigned`: the incident's owner is told what, where and by when;
  `escalation_digest`: an official is told how many incidents a sweep gave them.

`jalsamvad worker` hands this to `grievance.outbox.delivery.deliver_due`; SMS and WhatsApp go
through Twilio's REST API, Telegram through the Bot API (`TelegramSender`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.channels.telegram.sender import TelegramSender
from bot.channels.twilio.sender import (
    ChannelNotConfiguredError,
    NoTemplateError,
    OutboundError,
    TwilioSender,
    template_text,
)
from bot.exchange import Expect, Option, Reply
from bot.flows import fix
from bot.villages import village_by_code
from grievance import i18n, labels
from grievance.conversations import repository as conversations
from grievance.db import unit_of_work
from grievance.outbox.delivery import DeliveryError
from grievance.privacy import Contact
from grievance.tickets import repository as tickets
from grievance.tickets.enums import FINAL_STATUSES
from grievance.tickets.models import Incident
from grievance.tickets.service import FIX_QUESTION, FTK_REQUEST, UNSAFE_WATER
from grievance.tickets.staff_notices import ASSIGNED, ESCALATED, ESCALATION_DIGEST, NEW_INCIDENT
from grievance.types import Channel

Wording = Callable[[Session, Channel, Contact, Mapping[str, Any]], Reply | None]


def _fix_question(
    session: Session,
    channel: Channel,
    contact: Contact,
    payload: Mapping[str, Any],
) -> Reply | None:
    try:
        return fix.question_for(session, channel, contact, str(payload["reference"]))
    except fix.CannotAskError as error:
        raise DeliveryError(str(error), permanent=error.permanent) from error


def _unsafe_water(
    session: Session,
    channel: Channel,
    contact: Contact,
    payload: Mapping[str, Any],
) -> Reply | None:
    reference = str(payload["reference"])
    ticket = tickets.ticket_by_reference(session, reference)
    if ticket is None:
        raise DeliveryError(f"no complaint {reference}", permanent=True)
    conversation = conversations.load(session, channel, contact.lookup_hash)
    language = (
        conversation.language if conversation else i18n.tag_of(i18n.locale_for(ticket.language))
    )
    return _say(
        session, messages.UNSAFE_WATER, language, ticket.incident.village_code, reference=reference
    )


def _ftk_request(
    session: Session,
    channel: Channel,
    contact: Contact,
    payload: Mapping[str, Any],
) -> Reply | None:
    return _say(
        session, messages.FTK_REQUEST, _staff_language(payload), int(payload["village_code"])
    )


def _say(session: Session, message: str, language: str, village_code: int, **params: Any) -> Reply:
    row = village_by_code(session, village_code)
    village = row.name if row else str(village_code)
    return Reply(
        i18n.say(message, language, village=village, **params), language, (), Expect.NOTHING
    )


def _staff_language(payload: Mapping[str, Any]) -> str:
    return i18n.tag_of(i18n.locale_for(str(payload.get("language", ""))))


def _incident_notice(message: str) -> Wording:
    """A new or escalated incident, for its owner: what, where, how many, and by when."""

    def word(
        session: Session,
        channel: Channel,
        contact: Contact,
        payload: Mapping[str, Any],
    ) -> Reply | None:
        incident = session.get(Incident, int(payload["incident"]))
        if incident is None or incident.status in FINAL_STATUSES:
            return None  # closed meanwhile: nothing to act on
        language = _staff_language(payload)
        label = labels.CATEGORY_LABELS.get(incident.category.value)
        return _say(
            session,
            message,
            language,
            incident.village_code,
            number=str(incident.id),
            problem=i18n.say(label, language) if label else incident.category.value,
            households=str(incident.households),
            deadline=i18n.format_deadline(incident.due_at or incident.opened_at, language),
        )

    return word


def _escalation_digest(
    session: Session,
    channel: Channel,
    contact: Contact,
    payload: Mapping[str, Any],
) -> Reply | None:
    language = _staff_language(payload)
    text = i18n.say(messages.ESCALATION_DIGEST, language, count=str(payload["count"]))
    return Reply(text, language, (), Expect.NOTHING)


# Staff notices with a one-tap "seen" button: an inline button on Telegram; on WhatsApp, the
# quick-reply template's button, whose id is the second template variable. Either way the
# button's id comes back as the payload "ACK <number>" and acknowledges the incident.
ONE_TAP = frozenset({NEW_INCIDENT, ESCALATED, ASSIGNED})

WORDINGS: dict[str, Wording] = {
    FIX_QUESTION: _fix_question,
    UNSAFE_WATER: _unsafe_water,
    FTK_REQUEST: _ftk_request,
    NEW_INCIDENT: _incident_notice(messages.NEW_INCIDENT_STAFF),
    ESCALATED: _incident_notice(messages.ESCALATED_STAFF),
    ASSIGNED: _incident_notice(messages.ASSIGNED_STAFF),
    ESCALATION_DIGEST: _escalation_digest,
}


class ChannelDeliverer:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        twilio: TwilioSender | None,
        telegram: TelegramSender | None = None,
    ) -> None:
        self.sessions, self.twilio, self.telegram = sessions, twilio, telegram

    @property
    def channels(self) -> frozenset[Channel]:
        """The channels this deliverer can send on."""
        found = {Channel.TELEGRAM} if self.telegram is not None else set()
        if self.twilio is not None:
            found |= {c for c in (Channel.SMS, Channel.WHATSAPP) if self.twilio.serves(c)}
        return frozenset(found)

    def __call__(
        self, channel: Channel, contact: Contact, purpose: str, payload: Mapping[str, Any]
    ) -> str | None:
        wording = WORDINGS.get(purpose)
        if wording is None:
            raise DeliveryError(f"nothing says how to word a {purpose!r} notice", permanent=True)
        if channel not in self.channels:
            raise DeliveryError(f"no sender for {channel.value}", permanent=True)
        with unit_of_work(self.sessions) as session:  # committed before it leaves
            reply = wording(session, channel, contact, payload)
        if reply is None:
            return None  # nothing left to say (e.g. answered meanwhile)
        if channel is Channel.TELEGRAM:
            assert self.telegram is not None
            if purpose in ONE_TAP:  # an inline button whose data comes back as the command
                label = i18n.say(messages.STAFF_SEEN_BUTTON, reply.language)
                seen = Option(f"ACK {payload['incident']}", label)
                reply = dataclasses.replace(reply, options=(seen,))
            return self.telegram.send(contact.canonical, reply)
        assert self.twilio is not None
        variables = None
        if purpose in ONE_TAP:  # a quick-reply template's button can carry {{2}} as its id
            variables = {"1": template_text(reply), "2": f"ACK {payload['incident']}"}
        try:
            sent = self.twilio.send(channel, contact, reply, template=purpose, variables=variables)
        except (NoTemplateError, ChannelNotConfiguredError) as error:
            raise DeliveryError(str(error), permanent=True) from error
        except OutboundError as error:
            raise DeliveryError(str(error)) from error
        return sent[0].sid if sent else None
