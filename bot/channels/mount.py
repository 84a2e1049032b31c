"""Mounting: the routes of each configured channel, and Telegram's start/stop in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from bot.channels.handler import Handler, HandlerFactory
from bot.channels.settings import ChannelSettings
from bot.channels.telegram_webhook import RequestFactory, TelegramChannel, telegram_router
from bot.channels.twilio_webhooks import twilio_router
from jalsamvad.runtime import Runtime

log = logging.getLogger(__name__)


def mount_channels(
    app: FastAPI,
    runtime: Runtime,
    handler_factory: HandlerFactory,
    settings: ChannelSettings | None = None,
    telegram_requests: RequestFactory | None = None,
) -> list[str]:
    """Mount the configured channels; returns their names. `telegram_requests` is for tests."""
    settings = settings or ChannelSettings()
    mounted: list[str] = []
    handler: Handler | None = None
    if settings.twilio_ready or settings.telegram_ready:
        handler = handler_factory(runtime)  # one engine for every channel
    if handler is not None and settings.twilio_ready:
        app.include_router(twilio_router(runtime, handler, settings))
        mounted.append("twilio")
        if not settings.public_base_url:
            log.warning(
                "JALSAMVAD_PUBLIC_BASE_URL is not set: Twilio signatures are checked against "
                "the URL rebuilt from X-Forwarded-Proto/Host"
            )
    else:
        log.info("Twilio (SMS, WhatsApp, voice) not mounted: JALSAMVAD_TWILIO_* not set")
    if handler is not None and settings.telegram_ready:
        assert settings.telegram_bot_token is not None
        assert settings.telegram_secret_token is not None
        telegram = TelegramChannel(
            runtime,
            handler,
            settings.telegram_bot_token.get_secret_value(),
            settings.telegram_secret_token.get_secret_value(),
            telegram_requests,
        )
        app.include_router(telegram_router(telegram))
        _run_in_lifespan(app, telegram)
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
