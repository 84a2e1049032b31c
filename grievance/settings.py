"""The one place configuration comes from: environment variables prefixed ``JALSAMVAD_``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

# Only for a laptop demo: `Settings.secret()` refuses it when JALSAMVAD_ENVIRONMENT=production.
DEVELOPMENT_SECRET = "jalsamvad-development-secret-do-not-use-in-production"  # noqa: S105


class InsecureConfigurationError(RuntimeError):
    """Raised when production is started with a development default."""


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
        description="How long the bot and filing keep who serves a village in memory "
        "(an import shows within this time); 0 reads the database every time.",
    )
    escalation_batch_size: int = 5000
    nlu_backend: Literal["embedded", "rasa"] = Field(
        default="embedded", description="embedded (default, in process) | rasa (a Rasa server)"
    )
    rasa_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:5005")

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
