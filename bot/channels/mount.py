"""Mounting: the routes of each configured channel, and Telegram's start/stop in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.handler import Handler
from bot.channels.telegram.view import RequestFactory, TelegramChannel, telegram_router
from bot.channels.twilio.sender import TwilioSender
from bot.channels.twilio.view import PREFIX as TWILIO_PREFIX
from bot.channels.twilio.view import TwilioWebhooks, twilio_router
from grievance.privacy import ContactVault
from grievance.settings import TelegramSettings, TwilioSettings

log = logging.getLogger(__name__)


def mount_channels(
    app: FastAPI,
    sessions: sessionmaker[Session],
    vault: ContactVault,
    handler: Handler,
    twilio: TwilioSettings | None,
    telegram: TelegramSettings | None,
    *,
    twilio_sender: TwilioSender | None = None,
    telegram_requests: RequestFactory | None = None,
) -> list[str]:
    """Mount the channels whose settings are given; returns their names.

    `twilio_sender` sends replies after the first (built from the settings if None and they
    name a sender); `telegram_requests` is the Bot API's HTTP layer (tests fake it)."""
    mounted: list[str] = []
    if twilio is not None:
        sender = twilio_sender or TwilioSender.from_settings(
            sessions, twilio, f"{TWILIO_PREFIX}/status"
        )
        app.include_router(twilio_router(TwilioWebhooks(sessions, vault, handler, twilio, sender)))
        mounted.append("twilio")
        if not twilio.public_base_url:
            log.warning(
                "JALSAMVAD_PUBLIC_BASE_URL is not set: Twilio signatures are checked against "
                "the URL rebuilt from X-Forwarded-Proto/Host"
            )
    else:
        log.info("Twilio (SMS, WhatsApp, voice) not mounted: JALSAMVAD_TWILIO_* not set")
    if telegram is not None:
        channel = TelegramChannel(sessions, vault, handler, telegram, telegram_requests)
        app.include_router(telegram_router(channel))
        _run_in_lifespan(app, channel)
        mounted.append("telegram")
    else:
        log.info("Telegram not mounted: JALSAMVAD_TELEGRAM_BOT_TOKEN/_SECRET_TOKEN not set")
    log.info("channels mounted: %s", ", ".join(mounted) or "none")
    return mounted


def _run_in_lifespan(app: FastAPI, telegram: TelegramChannel) -> None:
    """Start the Telegram application after the app's own start-up; stop it before shutdown."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with inner(application) as state:
            await telegram.start()
            try:
                yield state
            finally:
                await telegram.stop()

    app.router.lifespan_context = lifespan
