"""Twilio webhooks: SMS and WhatsApp messages, delivery statuses, and phone calls (IVR).

Every request is checked against X-Twilio-Signature before anything is stored; the form body is
read strictly (a broken one gets 400 with the reason). Messages are processed once per
MessageSid (per CallSid and step on a call) and a redelivery gets the stored answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from twilio.twiml.messaging_response import MessagingResponse  # type: ignore[import-untyped]

from bot.channels import render
from bot.channels.exactly_once import handle_once
from bot.channels.handler import Handler
from bot.channels.twilio.form import FormError, FormParams, parse_form
from bot.channels.twilio.sender import OutboundError, TwilioSender
from bot.channels.twilio.signature import TwilioSignature
from bot.channels.twilio.twiml import CallUrls, call_twiml, recorded_prompts
from bot.exchange import Inbound, Media, Reply
from grievance.channel_messages import repository as channel_messages
from grievance.clock import utcnow
from grievance.db import unit_of_work
from grievance.privacy import Contact, ContactVault
from grievance.settings import TwilioSettings
from grievance.types import Channel

log = logging.getLogger(__name__)

PREFIX = "/webhooks/twilio"
XML = "application/xml"
WHATSAPP = "whatsapp:"
MAX_MEDIA = 10
MAX_CALL_STEPS = 200
MAX_SID = 64
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def messaging_twiml(channel: Channel, replies: Sequence[Reply]) -> str:
    response = MessagingResponse()
    to_bodies = render.whatsapp_bodies if channel is Channel.WHATSAPP else render.sms_bodies
    for body in to_bodies(replies):
        response.message(body)
    return str(response.to_xml())


class TwilioWebhooks:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        vault: ContactVault,
        handler: Handler,
        settings: TwilioSettings,
        sender: TwilioSender | None = None,
    ) -> None:
        """`sender`: sends replies after the first through the REST API (None: all as TwiML)."""
        self.sessions, self.vault = sessions, vault
        self.handler = handler
        self.sender = sender
        self.signature = TwilioSignature(settings.auth_token, settings.public_base_url)
        self.recorded = recorded_prompts(settings.ivr_prompts_url)

    async def form(self, request: Request, *required: str) -> FormParams:
        try:
            params = parse_form(await request.body())
        except FormError as exc:
            raise HTTPException(400, f"unreadable form body: {exc}") from exc
        if not self.signature.valid(request, params):
            raise HTTPException(403, "invalid X-Twilio-Signature")
        missing = [name for name in required if not params.first(name).strip()]
        if missing:
            raise HTTPException(400, f"missing fields: {', '.join(missing)}")
        too_long = [n for n in ("MessageSid", "CallSid") if len(params.first(n)) > MAX_SID]
        if too_long:
            raise HTTPException(400, f"not a Twilio id: {', '.join(too_long)}")
        return params

    def contact(self, channel: Channel, raw: str) -> Contact:
        """The sender or recipient, resolved once for everything this request does."""
        return self.vault.resolve(channel, raw.removeprefix(WHATSAPP))

    async def messaging(self, request: Request) -> Response:
        params = await self.form(request, "MessageSid", "From")
        sender = params.first("From")
        channel = Channel.WHATSAPP if sender.startswith(WHATSAPP) else Channel.SMS
        inbound = Inbound(
            channel=channel,
            sender=self.contact(channel, sender),
            message_id=params.first("MessageSid"),
            received_at=utcnow(),
            text=params.first("Body"),
            payload=params.first("ButtonPayload"),
            media=_media(params),
            location=_location(params),
        )
        if self.sender is not None and self.sender.serves(channel):
            # Answer quickly: the first reply as TwiML, the rest through the REST API after.
            return await self.answer(
                inbound, params, lambda r: messaging_twiml(channel, r[:1]), self.send_rest
            )
        return await self.answer(inbound, params, lambda r: messaging_twiml(channel, r))

    # -- replies after the first go through the REST API (only with a sender) ---------------

    def send_rest(self, inbound: Inbound, replies: Sequence[Reply]) -> None:
        """Runs after the HTTP answer; a failure is recorded on its row and logged, not raised."""
        assert self.sender is not None
        where = f"{inbound.channel} {inbound.message_id}: later replies to {inbound.sender}"
        try:
            self.sender.send_all(inbound.channel, inbound.sender, replies[1:])
        except OutboundError as exc:  # already recorded on its row; says why, phone masked
            log.error("%s not all sent: %s", where, exc)
        except Exception:
            log.exception("%s not all sent", where)

    # ---------------------------------------------------------------------------------------

    async def answer(
        self,
        inbound: Inbound,
        params: FormParams,
        to_xml: Callable[[Sequence[Reply]], str],
        send_rest: Callable[[Inbound, Sequence[Reply]], None] | None = None,
    ) -> Response:
        outcome = await run_in_threadpool(
            handle_once, self.sessions, self.handler, inbound, params.flat(), to_xml
        )
        log.info(
            "%s %s from %s%s",
            inbound.channel,
            inbound.message_id,
            inbound.sender,
            " (redelivery)" if outcome.duplicate else "",
        )
        later = None
        if send_rest is not None and len(outcome.replies) > 1:  # empty for a redelivery
            later = BackgroundTask(send_rest, inbound, outcome.replies)
        # A duplicate still being answered by its first delivery gets an empty response.
        return Response(outcome.rendered or EMPTY_TWIML, media_type=XML, background=later)

    async def status(self, request: Request) -> Response:
        params = await self.form(request, "MessageSid", "MessageStatus")
        to = params.first("To")
        channel = Channel.WHATSAPP if to.startswith(WHATSAPP) else Channel.SMS
        to_hash = self.contact(channel, to).lookup_hash

        def save() -> None:
            with unit_of_work(self.sessions) as session:
                channel_messages.record_status(
                    session,
                    channel,
                    params.first("MessageSid"),
                    to_hash,
                    params.first("MessageStatus").lower()[:24],
                    params.first("ErrorCode")[:16] or None,
                    utcnow(),
                )

        try:
            await run_in_threadpool(save)
        except IntegrityError:  # a concurrent first callback created the row: apply on it
            await run_in_threadpool(save)
        return Response(status_code=204)

    async def call(self, request: Request, step: int, kind: str) -> Response:
        required = {"start": (), "gather": (), "record": ("RecordingUrl",)}[kind]
        params = await self.form(request, "CallSid", "From", *required)
        media: tuple[Media, ...] = ()
        if kind == "record":
            media = (Media(params.first("RecordingUrl"), "audio/wav"),)
        inbound = Inbound(
            channel=Channel.VOICE,
            sender=self.contact(Channel.VOICE, params.first("From")),
            message_id=f"{params.first('CallSid')}:{step}",
            received_at=utcnow(),
            text=params.first("SpeechResult"),
            digits=params.first("Digits"),
            media=media,
            transcript_confidence=_float(params.first("Confidence")),
        )
        urls = CallUrls(
            gather=f"{PREFIX}/voice/gather?step={step + 1}",
            record=f"{PREFIX}/voice/record?step={step + 1}",
        )
        return await self.answer(inbound, params, lambda r: call_twiml(r, urls, self.recorded))


def _step(request: Request) -> int:
    raw = request.query_params.get("step", "")
    if not raw.isdigit() or not 0 < int(raw) <= MAX_CALL_STEPS:
        raise HTTPException(400, "step must be a number from 1")
    return int(raw)


def _media(params: FormParams) -> tuple[Media, ...]:
    count = params.first("NumMedia", "0")
    if not count.isdigit():
        raise HTTPException(400, "NumMedia is not a number")
    items = []
    for n in range(min(int(count), MAX_MEDIA)):
        url = params.first(f"MediaUrl{n}")
        if url:
            kind = params.first(f"MediaContentType{n}", "application/octet-stream")
            items.append(Media(url, kind))
    return tuple(items)


def _float(raw: str) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def _location(params: FormParams) -> tuple[float, float] | None:
    lat, lon = _float(params.first("Latitude")), _float(params.first("Longitude"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon)


def twilio_router(hooks: TwilioWebhooks) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["webhooks"], include_in_schema=False)

    @router.post("/messaging")
    async def messaging(request: Request) -> Response:
        return await hooks.messaging(request)

    @router.post("/status")
    async def status(request: Request) -> Response:
        return await hooks.status(request)

    @router.post("/voice")
    async def voice(request: Request) -> Response:
        return await hooks.call(request, 0, "start")

    @router.post("/voice/gather")
    async def voice_gather(request: Request) -> Response:
        return await hooks.call(request, _step(request), "gather")

    @router.post("/voice/record")
    async def voice_record(request: Request) -> Response:
        return await hooks.call(request, _step(request), "record")

    return router
