"""Pages from Jinja templates, in one language: `t` translates through the gettext catalogs.

Autoescaping is on for every template, so what households and staff wrote cannot become markup.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from api.web import messages
from grievance import i18n, labels

RTL = frozenset({"ur"})
# Pages are never cached: they show live work and carry the session's CSRF token.
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("api.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Words:
    """What a template may say, in one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.m = messages

    def t(self, message: str, **params: Any) -> str:
        return i18n.say(message, self.language, **params)

    def status(self, value: str, closure: str | None = None) -> str:
        return self.t(labels.status_label(value, closure))

    def channel(self, value: str) -> str:
        """SMS, WhatsApp and Telegram are names; a call is said in the page's language."""
        names = {"sms": "SMS", "whatsapp": "WhatsApp", "telegram": "Telegram"}
        return self.t(messages.PHONE_CALL) if value == "voice" else names.get(value, value)

    def category(self, value: str) -> str:
        label = labels.CATEGORY_LABELS.get(value)
        return self.t(label) if label else value

    def level(self, value: str) -> str:
        label = messages.LEVEL_LABELS.get(value)
        return self.t(label) if label else value

    def when(self, at: datetime) -> str:
        return i18n.format_deadline(at, self.language)

    @property
    def html_lang(self) -> str:
        return i18n.tag_of(i18n.locale_for(self.language))

    @property
    def direction(self) -> str:
        return "rtl" if i18n.locale_for(self.language) in RTL else "ltr"


def page(template: str, language: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(template).render(w=Words(language), **context)
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)
