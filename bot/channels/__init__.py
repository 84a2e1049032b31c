"""Channels: webhooks that turn provider payloads into `Inbound`s and replies into each medium.

`mount_channels(app, runtime, handler_factory)` adds the routes of every channel whose settings
are present and runs the Telegram application inside the app's lifespan.

Importing `bot.channels.models` (as the tests and Alembic do) must not need twilio or
python-telegram-bot, so the names below are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.channels.handler import Handler, HandlerFactory
    from bot.channels.mount import mount_channels
    from bot.channels.settings import ChannelSettings

__all__ = ["ChannelSettings", "Handler", "HandlerFactory", "mount_channels"]

_HOMES = {
    "ChannelSettings": "bot.channels.settings",
    "Handler": "bot.channels.handler",
    "HandlerFactory": "bot.channels.handler",
    "mount_channels": "bot.channels.mount",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
