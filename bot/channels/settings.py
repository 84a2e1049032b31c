"""Channel credentials, from environment variables prefixed ``JALSAMVAD_``.

Kept apart from `grievance.settings` for now; each channel is mounted only when its settings
are all present.
"""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JALSAMVAD_", extra="ignore")

    public_base_url: str | None = Field(
        default=None,
        description="The URL Twilio calls, e.g. https://jal.example.in (signatures cover it).",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    # Sending through Twilio's REST API (replies after the first, WhatsApp templates).
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
    telegram_bot_token: SecretStr | None = None
    telegram_secret_token: SecretStr | None = Field(
        default=None, description="Given to setWebhook as secret_token; checked on every call."
    )

    @property
    def twilio_ready(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @field_validator("twilio_templates")
    @classmethod
    def _content_sids(cls, templates: dict[str, str]) -> dict[str, str]:
        bad = [name for name, sid in templates.items() if not name or not CONTENT_SID.match(sid)]
        if bad:
            raise ValueError(f"not a ContentSid (HX + 32 hex digits) for: {', '.join(bad)}")
        return templates

    @property
    def twilio_sender_ready(self) -> bool:
        """Messages can be sent through the REST API on at least one of SMS and WhatsApp."""
        return self.twilio_ready and bool(self.twilio_sms_from or self.twilio_whatsapp_from)

    @property
    def telegram_ready(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_secret_token)
