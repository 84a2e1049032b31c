"""Channel credentials, from environment variables prefixed ``JALSAMVAD_``.

Kept apart from `grievance.settings` for now; each channel is mounted only when its settings
are all present.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JALSAMVAD_", extra="ignore")

    public_base_url: str | None = Field(
        default=None,
        description="The URL Twilio calls, e.g. https://jal.example.in (signatures cover it).",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = Field(
        default=None, description="Given to setWebhook as secret_token; checked on every call."
    )

    @property
    def twilio_ready(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def telegram_ready(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_secret_token)
