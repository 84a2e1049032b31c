"""The composition root: the one module that builds JalSamvad from its settings.

    Settings ─► database (engine, sessions) ─► vault, policy
             ─► village-name index + NLU backend ─► dialogue engine
             ─► chat channels (Twilio, Telegram) + HTTP API and web pages ─► the FastAPI app
             ─► the worker (SLA sweep, unconfirmed closures, outbox delivery, session clean-up)

`jalsamvad serve`, the ASGI entry (`jalsamvad.asgi`), `worker`, `chat`, every other command
and the tests' app fixture build through here, so what runs is what is tested. Each part
receives only what it uses; nothing below `jalsamvad` imports this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from grievance.clock import Clock, utcnow
from grievance.db import make_engine, make_sessionmaker
from grievance.migrate import upgrade
from grievance.policy import Policy, load_policy
from grievance.privacy import ContactVault, derive_key
from grievance.settings import Settings
from grievance.staff import passwords

if TYPE_CHECKING:
    from fastapi import FastAPI

    from api.context import ApiContext
    from bot.channels.handler import Handler
    from bot.channels.telegram.view import RequestFactory
    from bot.channels.twilio.sender import TwilioSender
    from bot.engine import DialogueEngine
    from bot.villages import VillageIndexCache
    from jalsamvad.worker import Worker

# The web app, the bot, the NLU and the channels are imported by the methods that build them:
# a one-off command (a report, an export) needs only the database and starts a second sooner.

log = logging.getLogger(__name__)


class Assembly:
    """Every long-lived part of the service, each built once on first use."""

    def __init__(self, settings: Settings, *, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        passwords.use_cheapest_parameters(settings.fast_password_hashing())

    # -- storage and the core ---------------------------------------------------------------

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)

    @cached_property
    def secret(self) -> bytes:
        """The root secret, read once (it warns when the development default is used)."""
        return self.settings.secret()

    @cached_property
    def vault(self) -> ContactVault:
        return ContactVault(self.secret, self.settings.default_phone_region)

    @cached_property
    def policy(self) -> Policy:
        return load_policy(self.settings.policy_file)

    def migrate(self) -> None:
        upgrade(self.engine)

    def close(self) -> None:
        """Close pooled connections now, not at interpreter exit."""
        if "engine" in vars(self):
            self.engine.dispose()

    # -- the conversation -------------------------------------------------------------------

    @cached_property
    def villages(self) -> VillageIndexCache:
        """The village-name index, rebuilt on the directory cache's clock."""
        from bot.villages import VillageIndexCache

        return VillageIndexCache(self.settings.directory_cache_seconds)

    @cached_property
    def dialogue(self) -> DialogueEngine:
        import nlu
        from bot.engine import DialogueEngine

        return DialogueEngine(
            self.sessions,
            self.vault,
            self.policy,
            clock=self.clock,
            nlu_backend=nlu.make_backend(self.settings.nlu_backend, self.settings.rasa_url),
            villages=self.villages,
            directory_cache_seconds=self.settings.directory_cache_seconds,
            ivr_prompts_url=self.settings.ivr_prompts_url,
        )

    # -- what serves ------------------------------------------------------------------------

    def api_context(self) -> ApiContext:
        from api.context import ApiContext

        return ApiContext(
            engine=self.engine,
            sessions=self.sessions,
            vault=self.vault,
            policy=self.policy,
            login_form_key=derive_key(self.secret, b"jalsamvad web login form v1"),
            secure_cookies=self.settings.environment != "development",
            threads=self.settings.threads,
            villages=self.villages.get,
        )

    def app(
        self,
        *,
        handler: Handler | None = None,
        twilio_http_client: Any = None,
        telegram_requests: RequestFactory | None = None,
    ) -> FastAPI:
        """The whole HTTP service: API, web pages and every configured chat channel.

        `handler` stands in for the dialogue (channel tests echo); the HTTP layers of
        Twilio's REST client and Telegram's Bot API are what tests fake."""
        from api.app import create_app
        from bot.channels.mount import mount_channels

        app = create_app(self.api_context())
        twilio, telegram = self.settings.twilio(), self.settings.telegram()
        if twilio is None and telegram is None:
            log.info("no chat channel configured (JALSAMVAD_TWILIO_* / JALSAMVAD_TELEGRAM_*)")
            return app
        mount_channels(
            app,
            self.sessions,
            self.vault,
            handler or self.dialogue,
            twilio,
            telegram,
            twilio_sender=self.twilio_sender(twilio_http_client),
            telegram_requests=telegram_requests,
        )
        return app

    def twilio_sender(self, http_client: Any = None) -> TwilioSender | None:
        """Sends through Twilio's REST API, when a sender address is configured."""
        from bot.channels.twilio.sender import TwilioSender
        from bot.channels.twilio.view import PREFIX as TWILIO_PREFIX

        twilio = self.settings.twilio()
        if twilio is None:
            return None
        kwargs = {"http_client": http_client} if http_client is not None else {}
        return TwilioSender.from_settings(
            self.sessions, twilio, f"{TWILIO_PREFIX}/status", clock=self.clock, **kwargs
        )

    def worker(
        self,
        *,
        twilio_http_client: Any = None,
        telegram_request: Callable[[], Any] | None = None,
    ) -> Worker:
        from bot.channels.notify import ChannelDeliverer
        from bot.channels.telegram.sender import TelegramSender
        from jalsamvad.worker import Worker

        telegram = self.settings.telegram()
        telegram_sender = (
            TelegramSender(telegram.bot_token, telegram_request) if telegram is not None else None
        )
        deliverer = ChannelDeliverer(
            self.sessions, self.twilio_sender(twilio_http_client), telegram_sender
        )
        return Worker(self.settings, self.sessions, self.vault, self.policy, deliverer, self.clock)
