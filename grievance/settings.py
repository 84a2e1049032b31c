"""The one place configuration comes from: environment variables prefixed ``JALSAMVAD_``.

One tree for the whole service, channel credentials included. The composition root
(`jalsamvad/assembly.py`) reads it once and hands each part only its own section
(`Settings.twilio()`, `Settings.telegram()`), so nothing else reads the environment.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

# Only for a laptop demo: `Settings.secret()` refuses it when JALSAMVAD_ENVIRONMENT=production.
DEVELOPMENT_SECRET = "jalsamvad-development-secret-do-not-use-in-production"  # noqa: S105
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")


class InsecureConfigurationError(RuntimeError):
    """Raised when production is started with a development default."""


@dataclass(frozen=True)
class TwilioSettings:
    """What the Twilio channel (SMS, WhatsApp, voice) needs; built only when it is configured."""

    account_sid: str
    auth_token: str
    public_base_url: str | None
    sms_from: str | None
    whatsapp_from: str | None
    templates: dict[str, str]
    ivr_prompts_url: str | None

    @property
    def can_send(self) -> bool:
        """Messages can go out through the REST API on at least one of SMS and WhatsApp."""
        return bool(self.sms_from or self.whatsapp_from)


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str
    secret_token: str  # given to setWebhook as secret_token; checked on every call


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JALSAMVAD_", extra="ignore")

    environment: str = Field(default="development", description="development | production")
    database_url: str = Field(default="sqlite:///jalsamvad.db")
    secret_key: SecretStr | None = Field(
        default=None, description="Root secret: phone encryption and keyed lookup hashes."
    )
    default_phone_region: str = "IN"
    policy_file: Path | None = Field(
        default=None, description="Routing and SLA rules (TOML); the packaged defaults if unset."
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="text (for a terminal) | json (one object a line)"
    )
    log_level: str = "INFO"
    worker_interval_seconds: float = 60.0
    confirmation_window_hours: float = Field(
        default=72.0,
        gt=0,
        description="How long households have to say whether water is back before a resolved "
        "incident is closed as unconfirmed.",
    )
    outbox_per_channel_per_pass: int = Field(
        default=60,
        ge=0,
        description="Notifications sent per channel in each worker pass (the rate limit).",
    )
    staff_session_retention_days: float = Field(
        default=30.0,
        ge=0,
        le=3650,
        description="How long ended staff web sessions (logged out, expired) are kept before "
        "the worker deletes them; 0 deletes them at the next pass.",
    )
    threads: int = Field(
        default=8,
        ge=1,
        description="Threads per server process for blocking work (dialogue, database).",
    )
    directory_cache_seconds: float = Field(
        default=60.0,
        description="How long the bot and filing keep villages, their names and who serves "
        "them in memory (an import shows within this time); 0 reads the database every time.",
    )
    escalation_batch_size: int = 5000
    nlu_backend: Literal["embedded", "rasa"] = Field(
        default="embedded", description="embedded (default, in process) | rasa (a Rasa server)"
    )
    rasa_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:5005")
    test_fast_password_hashing: bool = Field(
        default=False,
        description="The test suite's cheapest argon2 parameters; refused in production.",
    )

    # -- channels: each is mounted only when its credentials are all present -----------------
    public_base_url: str | None = Field(
        default=None,
        description="The URL Twilio calls, e.g. https://jal.example.in (signatures cover it).",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_sms_from: str | None = Field(
        default=None, description="SMS sender: an E.164 number or a Messaging Service SID (MG…)."
    )
    twilio_whatsapp_from: str | None = Field(
        default=None,
        description="WhatsApp sender: whatsapp:+E.164 (or +E.164) or a Messaging Service SID.",
    )
    twilio_templates: dict[str, str] = Field(
        default_factory=dict,
        description='Approved WhatsApp templates as JSON, purpose → ContentSid: {"reply": "HX…"}.',
    )
    ivr_prompts_url: str | None = Field(
        default=None,
        description="Base URL of recorded IVR prompts; with it, a call offers every language.",
    )
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = Field(
        default=None, description="Given to setWebhook as secret_token; checked on every call."
    )

    @field_validator("twilio_templates")
    @classmethod
    def _content_sids(cls, templates: dict[str, str]) -> dict[str, str]:
        bad = [name for name, sid in templates.items() if not name or not CONTENT_SID.match(sid)]
        if bad:
            raise ValueError(f"not a ContentSid (HX + 32 hex digits) for: {', '.join(bad)}")
        return templates

    @field_validator("ivr_prompts_url", "public_base_url")
    @classmethod
    def _no_trailing_slash(cls, url: str | None) -> str | None:
        return (url or "").strip().rstrip("/") or None

    def secret(self) -> bytes:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        if self.environment == "production":
            raise InsecureConfigurationError(
                "JALSAMVAD_SECRET_KEY must be set in production: phone numbers are encrypted "
                "with it"
            )
        log.warning("JALSAMVAD_SECRET_KEY is not set: using the development secret")
        return DEVELOPMENT_SECRET.encode()

    def fast_password_hashing(self) -> bool:
        if self.test_fast_password_hashing and self.environment == "production":
            raise InsecureConfigurationError(
                "JALSAMVAD_TEST_FAST_PASSWORD_HASHING is for the test suite only"
            )
        return self.test_fast_password_hashing

    def twilio(self) -> TwilioSettings | None:
        """The Twilio section, or None when its account SID or auth token is missing."""
        if not (self.twilio_account_sid and self.twilio_auth_token):
            return None
        return TwilioSettings(
            account_sid=self.twilio_account_sid,
            auth_token=self.twilio_auth_token.get_secret_value(),
            public_base_url=self.public_base_url,
            sms_from=self.twilio_sms_from,
            whatsapp_from=self.twilio_whatsapp_from,
            templates=dict(self.twilio_templates),
            ivr_prompts_url=self.ivr_prompts_url,
        )

    def telegram(self) -> TelegramSettings | None:
        """The Telegram section, or None unless both its tokens are set."""
        if not (self.telegram_bot_token and self.telegram_secret_token):
            return None
        return TelegramSettings(
            self.telegram_bot_token.get_secret_value(),
            self.telegram_secret_token.get_secret_value(),
        )
