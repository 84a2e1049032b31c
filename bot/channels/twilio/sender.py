"""Messages we send first: SMS and WhatsApp through Twilio's REST API (Messages resource).

Every message is recorded in `outbound_messages` before it leaves, under a local id, so nothing
is lost if Twilio refuses it or the process dies mid-send; Twilio's answer gives it its sid and
status ("queued"), and the status webhook (`/webhooks/twilio/status`) moves it forward from
there, never backwards. A refusal (HTTP 4xx/5xx) marks the row failed with Twilio's error code
and raises `OutboundError`. The recipient is stored only as its keyed lookup hash.

WhatsApp allows free-form text only within 24 hours of the citizen's last message to us (the
latest `inbound_messages` row with the same sender hash); after that only an approved template
may be sent: `ContentSid` + `ContentVariables` instead of `Body`. With no template configured
for the purpose, the message is refused before anything is sent (`NoTemplateError`).

The sender keeps no mutable state of its own (each send uses its own transactions), so one
instance can be shared by threads; the HTTP client must be thread-safe too (Twilio's default,
a pooled `requests.Session`, is).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from twilio.base.exceptions import (  # type: ignore[import-untyped]
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.http_client import TwilioHttpClient  # type: ignore[import-untyped]
from twilio.rest import Client  # type: ignore[import-untyped]

from bot.channels import render
from bot.exchange import Reply
from grievance.channel_messages import repository as channel_messages
from grievance.clock import Clock, utcnow
from grievance.db import unit_of_work
from grievance.privacy import Contact, mask
from grievance.settings import TwilioSettings
from grievance.types import Channel

log = logging.getLogger(__name__)

WHATSAPP = "whatsapp:"
WHATSAPP_WINDOW = timedelta(hours=24)
DEFAULT_TEMPLATE = "reply"  # the purpose used when a caller names none
LOCAL_PREFIX = "local-"  # provider_sid of a row Twilio has not (yet) given a sid
PENDING = "pending"  # not a Twilio status: ranks below all of them, so any real one moves on
FAILED = "failed"
HTTP_TIMEOUT_SECONDS = 15.0
_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
_SPACES = re.compile(r"\s+")


class OutboundError(RuntimeError):
    """A message could not be sent. The text never holds the phone number in clear.

    `row_id` is its `outbound_messages` row (None if nothing was recorded), `code` Twilio's
    error code, `http_status` the HTTP status, and `sent` the messages of the same reply that
    went out before it.
    """

    def __init__(
        self,
        message: str,
        *,
        row_id: int | None = None,
        code: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.row_id, self.code, self.http_status = row_id, code, http_status
        self.sent: tuple[Sent, ...] = ()


class NoTemplateError(OutboundError):
    """WhatsApp outside the 24-hour window and no approved template for the purpose."""


class ChannelNotConfiguredError(OutboundError):
    """No sender is configured for this channel (or it cannot send messages at all)."""


@dataclass(frozen=True, slots=True)
class Sent:
    row_id: int  # the outbound_messages row
    sid: str  # Twilio's MessageSid
    status: str  # as Twilio answered (normally "queued")


def _sender_fields(sender: str, whatsapp: bool) -> dict[str, str]:
    """`MessagingServiceSid` for an MG… sid, else `From` (with the whatsapp: prefix on WhatsApp)."""
    sender = sender.strip()
    if _SERVICE_SID.match(sender):
        return {"messaging_service_sid": sender}
    if whatsapp and not sender.startswith(WHATSAPP):
        sender = WHATSAPP + sender
    return {"from_": sender}


def template_text(reply: Reply) -> str:
    """The reply as one template variable: WhatsApp refuses line breaks and runs of spaces."""
    return _SPACES.sub(" ", render.as_text(reply)).strip()


class TwilioSender:
    """Sends `Reply`s to a phone by SMS or WhatsApp and records each message it sends."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        account_sid: str,
        auth_token: str,
        messaging_from: str | None,
        whatsapp_from: str | None,
        status_callback_url: str | None,
        templates: Mapping[str, str],
        clock: Clock = utcnow,
        http_client: Any = None,
    ) -> None:
        """`http_client`: a `twilio.http.HttpClient`; Twilio's own (with a timeout) if None."""
        if not (messaging_from or whatsapp_from):
            raise ValueError("a sender needs an SMS or a WhatsApp sender address")
        self.sessions = sessions
        self.clock = clock
        self.templates = dict(templates)
        self.status_callback_url = status_callback_url
        self._from: dict[Channel, dict[str, str]] = {}
        if messaging_from:
            self._from[Channel.SMS] = _sender_fields(messaging_from, whatsapp=False)
        if whatsapp_from:
            self._from[Channel.WHATSAPP] = _sender_fields(whatsapp_from, whatsapp=True)
        http = http_client or TwilioHttpClient(timeout=HTTP_TIMEOUT_SECONDS)
        client = Client(account_sid, auth_token, http_client=http)
        # Resolved once here: Twilio builds these lazily, which is not safe across threads.
        self._messages = client.api.v2010.account.messages

    @classmethod
    def from_settings(
        cls,
        sessions: sessionmaker[Session],
        settings: TwilioSettings,
        status_path: str,
        **kwargs: Any,
    ) -> TwilioSender | None:
        """The configured sender, or None if the settings do not allow sending."""
        if not settings.can_send:
            return None
        base = settings.public_base_url
        if not base:
            log.warning("no JALSAMVAD_PUBLIC_BASE_URL: sent messages get no status callbacks")
        return cls(
            sessions,
            account_sid=settings.account_sid,
            auth_token=settings.auth_token,
            messaging_from=settings.sms_from,
            whatsapp_from=settings.whatsapp_from,
            status_callback_url=f"{base}{status_path}" if base else None,
            templates=settings.templates,
            **kwargs,
        )

    def serves(self, channel: Channel) -> bool:
        return channel in self._from

    def in_window(self, channel: Channel, to: Contact) -> bool:
        """May free-form text go to `to`? Always on SMS; on WhatsApp within 24 h of their last."""
        if channel is not Channel.WHATSAPP:
            return True
        with self.sessions() as session:
            last = channel_messages.last_inbound_at(session, Channel.WHATSAPP, to.lookup_hash)
        return last is not None and self.clock() - last < WHATSAPP_WINDOW

    def send(
        self,
        channel: Channel,
        to: Contact,
        reply: Reply,
        *,
        template: str = DEFAULT_TEMPLATE,
        variables: Mapping[str, str] | None = None,
    ) -> list[Sent]:
        """Send one reply; returns each message sent (an SMS over 1,600 characters is several).

        Outside WhatsApp's window the `template` purpose is sent instead, with `variables`
        (default: {"1": the reply's text on one line}). Raises `OutboundError` (after recording
        the failure) if Twilio refuses, `NoTemplateError` if no template is configured.
        """
        fields = self._from.get(channel)
        if fields is None:
            raise ChannelNotConfiguredError(f"no Twilio sender is configured for {channel}")
        phone = to.canonical
        address = WHATSAPP + phone if channel is Channel.WHATSAPP else phone
        if self.in_window(channel, to):
            requests = [{"body": body} for body in render.sms_bodies([reply])]
        else:
            content_sid = self.templates.get(template)
            if content_sid is None:
                raise NoTemplateError(
                    f"WhatsApp to {to}: the 24-hour window is closed and no approved "
                    f"template is configured for {template!r} (JALSAMVAD_TWILIO_TEMPLATES)"
                )
            values = dict(variables) if variables is not None else {"1": template_text(reply)}
            requests = [
                {
                    "content_sid": content_sid,
                    "content_variables": json.dumps(values, ensure_ascii=False),
                }
            ]
        sent: list[Sent] = []
        for request in requests:
            try:
                sent.append(self._send_one(channel, to, address, {**fields, **request}))
            except OutboundError as exc:
                exc.sent = tuple(sent)
                raise
        return sent

    def send_all(self, channel: Channel, to: Contact, replies: Sequence[Reply]) -> list[Sent]:
        """Send replies in order; the first failure stops the rest (order matters in a chat)."""
        return [sent for reply in replies for sent in self.send(channel, to, reply)]

    def _send_one(
        self, channel: Channel, to: Contact, address: str, fields: Mapping[str, str]
    ) -> Sent:
        to_hash, phone = to.lookup_hash, to.canonical
        local_id = f"{LOCAL_PREFIX}{uuid.uuid4().hex}"
        with unit_of_work(self.sessions) as session:
            row = channel_messages.add_outbound(
                session, channel, local_id, to_hash, PENDING, self.clock()
            )
            row_id = row.id
        extra = {"status_callback": self.status_callback_url} if self.status_callback_url else {}
        try:
            message = self._messages.create(to=address, **fields, **extra)
        except (TwilioRestException, TwilioServiceException) as exc:
            code = None if exc.code is None else str(exc.code)
            self._fail(row_id, code)
            detail = str(getattr(exc, "msg", "") or getattr(exc, "detail", "") or "")
            # Not chained: Twilio's own message may quote the number, and tracebacks get logged.
            raise OutboundError(
                f"Twilio refused the {channel} message to {mask(phone)} "
                f"(HTTP {exc.status}, error {code}): {detail.replace(phone, mask(phone))}",
                row_id=row_id,
                code=code,
                http_status=exc.status,
            ) from None
        except Exception as exc:  # network, timeout: Twilio may or may not have it
            self._fail(row_id, None)
            raise OutboundError(
                f"could not reach Twilio for the {channel} message to {mask(phone)}: "
                f"{type(exc).__name__}",
                row_id=row_id,
            ) from exc
        sid, status = str(message.sid or ""), str(message.status or "queued").lower()[:24]
        if not sid:
            self._fail(row_id, None)
            raise OutboundError("Twilio answered without a MessageSid", row_id=row_id)
        return Sent(self._attach(row_id, channel, sid, status), sid, status)

    def _attach(self, row_id: int, channel: Channel, sid: str, status: str) -> int:
        """The row that now holds `sid`. The message is out: a database error is only logged."""
        try:
            try:
                with unit_of_work(self.sessions) as session:
                    return channel_messages.attach_sid(
                        session, row_id, channel, sid, status, self.clock()
                    ).id
            except IntegrityError:  # a status callback created the sid's row meanwhile: merge
                with unit_of_work(self.sessions) as session:
                    return channel_messages.attach_sid(
                        session, row_id, channel, sid, status, self.clock()
                    ).id
        except SQLAlchemyError:
            log.exception("sent %s but could not record it on outbound message %s", sid, row_id)
            return row_id

    def _fail(self, row_id: int, code: str | None) -> None:
        try:
            with unit_of_work(self.sessions) as session:
                channel_messages.mark_failed(session, row_id, code, self.clock())
        except Exception:  # the row stays "pending"; the send error is what the caller sees
            log.exception("could not record the failure of outbound message %s", row_id)
