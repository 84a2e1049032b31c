"""`jalsamvad telegram register | status | unregister`: point Telegram at our webhook.

`register` calls the Bot API's setWebhook with the public URL of `/webhooks/telegram`, our
secret token (Telegram echoes it in X-Telegram-Bot-Api-Secret-Token, which the route checks) and
only the update types our handlers use; updates waiting at Telegram are kept. The bot token is
never printed: it is part of every Bot API URL, so error messages are scrubbed of it too.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar
from urllib.parse import urlsplit

import typer
from rich.markup import escape
from telegram import Bot, WebhookInfo
from telegram.constants import SUPPORTED_WEBHOOK_PORTS, WebhookLimit
from telegram.error import TelegramError
from telegram.request import BaseRequest

from bot.channels.telegram.view import ALLOWED_UPDATES, PATH
from grievance.settings import Settings
from jalsamvad.cli.common import console, fail

app = typer.Typer(no_args_is_help=True, help="The Telegram webhook: register, check, remove.")

CONFIG_ERROR = 2  # a missing or malformed setting; 1 is Telegram refusing or not answering
SECRET_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
T = TypeVar("T")

# The HTTP layer under telegram.Bot: None is PTB's own (httpx). Tests put a fake here.
request_factory: Callable[[], BaseRequest] | None = None


class ConfigurationError(ValueError):
    """A setting is missing or Telegram would refuse it; the message names the variable."""


def webhook_url(public_base_url: str | None) -> str:
    """The URL Telegram posts updates to: the public base URL + `/webhooks/telegram`."""
    base = (public_base_url or "").strip()
    if not base:
        raise ConfigurationError(
            "JALSAMVAD_PUBLIC_BASE_URL is not set (e.g. https://jal.example.in)"
        )
    try:
        parts = urlsplit(base)
        port = parts.port
    except ValueError as exc:  # a bracketed host that is no IP address, a port out of range
        raise ConfigurationError(f"JALSAMVAD_PUBLIC_BASE_URL is not a URL: {base!r}") from exc
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ConfigurationError(
            f"JALSAMVAD_PUBLIC_BASE_URL must be an https:// URL (Telegram posts only to "
            f"https), not {base!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"JALSAMVAD_PUBLIC_BASE_URL must not have a query or fragment: {base!r}"
        )
    if port is not None and port not in SUPPORTED_WEBHOOK_PORTS:
        ports = ", ".join(str(p) for p in SUPPORTED_WEBHOOK_PORTS)
        raise ConfigurationError(
            f"JALSAMVAD_PUBLIC_BASE_URL uses port {port}; Telegram posts only to ports {ports}"
        )
    return base.rstrip("/") + PATH


def bot_token(settings: Settings) -> str:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token.strip():
        raise ConfigurationError(
            "JALSAMVAD_TELEGRAM_BOT_TOKEN is not set (the token @BotFather gave the bot)"
        )
    return token.strip()


def secret_token(settings: Settings) -> str:
    """The webhook secret, checked against Telegram's rules (1-256 of A-Z a-z 0-9 _ -)."""
    secret = settings.telegram_secret_token
    value = secret.get_secret_value() if secret else ""
    if not value:
        raise ConfigurationError(
            "JALSAMVAD_TELEGRAM_SECRET_TOKEN is not set (the route refuses calls without it)"
        )
    low, high = WebhookLimit.MIN_SECRET_TOKEN_LENGTH, WebhookLimit.MAX_SECRET_TOKEN_LENGTH
    if not low <= len(value) <= high or not SECRET_CHARACTERS.fullmatch(value):
        raise ConfigurationError(
            f"JALSAMVAD_TELEGRAM_SECRET_TOKEN must be {low}-{high} characters of A-Z, a-z, "
            "0-9, _ and - (Telegram refuses others)"
        )
    return value


def _config_error(exc: ConfigurationError) -> NoReturn:
    fail(escape(str(exc)), CONFIG_ERROR)


def _call(token: str, action: Callable[[Bot], Awaitable[T]]) -> T:
    """Run `action` with an initialised Bot (initialising calls getMe, checking the token)."""

    async def run() -> T:
        factory = request_factory
        if factory is None:
            bot = Bot(token)
        else:
            bot = Bot(token, request=factory(), get_updates_request=factory())
        async with bot:
            return await action(bot)

    try:
        return asyncio.run(run())
    except TelegramError as exc:
        # PTB names the token in some messages ("The token `…` was rejected"): never show it.
        message = str(exc).replace(token, "<bot token>")
        fail(f"Telegram: {escape(message)}")


def _line(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@app.command()
def register() -> None:
    """Tell Telegram to post updates to JALSAMVAD_PUBLIC_BASE_URL/webhooks/telegram."""
    settings = Settings()
    try:
        token, secret = bot_token(settings), secret_token(settings)
        url = webhook_url(settings.public_base_url)
    except ConfigurationError as exc:
        _config_error(exc)

    async def set_webhook(bot: Bot) -> str:
        await bot.set_webhook(
            url=url,
            secret_token=secret,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
        return bot.username

    username = _call(token, set_webhook)
    _line(f"Telegram webhook registered for @{username}")
    _line(f"  url              {url}")
    _line(f"  updates          {', '.join(ALLOWED_UPDATES)}")
    _line("  pending updates  kept (drop_pending_updates=False)")
    _line("  secret token     set (JALSAMVAD_TELEGRAM_SECRET_TOKEN, checked on every call)")


@app.command()
def status() -> None:
    """Show what Telegram has registered: URL, updates waiting, the last delivery error."""
    settings = Settings()
    try:
        token = bot_token(settings)
    except ConfigurationError as exc:
        _config_error(exc)

    async def webhook_info(bot: Bot) -> tuple[str, WebhookInfo]:
        return bot.username, await bot.get_webhook_info()

    username, info = _call(token, webhook_info)
    error = info.last_error_message or "none"
    if info.last_error_message and info.last_error_date is not None:
        error = f"{info.last_error_date.isoformat()}: {info.last_error_message}"
    _line(f"Telegram webhook of @{username}")
    _line(f"  url                   {info.url or '(none: no webhook registered)'}")
    _line(f"  pending_update_count  {info.pending_update_count}")
    _line(f"  last_error_message    {error}")
    if info.allowed_updates is not None:
        _line(f"  allowed_updates       {', '.join(info.allowed_updates) or '(default)'}")
    try:
        expected = webhook_url(settings.public_base_url)
    except ConfigurationError:
        return
    if info.url != expected:
        _line(f"  note: JALSAMVAD_PUBLIC_BASE_URL gives {expected}")
        _line("        run `jalsamvad telegram register` to point Telegram there")


@app.command()
def unregister() -> None:
    """Remove the webhook; Telegram keeps updates that were waiting."""
    settings = Settings()
    try:
        token = bot_token(settings)
    except ConfigurationError as exc:
        _config_error(exc)

    async def delete_webhook(bot: Bot) -> str:
        await bot.delete_webhook()
        return bot.username

    username = _call(token, delete_webhook)
    _line(f"Telegram webhook removed for @{username}; Telegram keeps updates that were waiting")
