"""Messages we send first on Telegram (notifications from the outbox), outside any webhook.

The worker is synchronous, so the sender keeps one event loop of its own and runs the real
python-telegram-bot `Bot` on it: initialised once (getMe), then one `sendMessage` per piece,
with the same buttons as replies in a chat. A blocked bot or a bad request cannot succeed later
(permanent); timeouts, network errors and flood control can (temporary).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.request import BaseRequest

from bot.channels import render
from bot.channels.telegram.view import keyboard
from bot.exchange import Reply
from grievance.outbox.delivery import DeliveryError

PERMANENT = (Forbidden, BadRequest, InvalidToken)


class TelegramSender:
    def __init__(self, token: str, request: Callable[[], BaseRequest] | None = None) -> None:
        """`request`: the HTTP layer (tests give a fake); PTB's own if None."""
        if request is None:
            self._bot = Bot(token)
        else:
            self._bot = Bot(token, request=request(), get_updates_request=request())
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = False  # initialised (getMe answered); retried on the next send if not

    def send(self, contact: str, reply: Reply) -> str | None:
        """Send one reply (several pieces if long) to a chat id (or the core's "telegram:<id>");
        the id of the last message sent."""
        chat_id = contact.removeprefix("telegram:").strip()
        if not chat_id.lstrip("-").isdigit():
            raise DeliveryError("not a Telegram chat id", permanent=True)
        try:
            return self._run(self._send(int(chat_id), reply))
        except PERMANENT as error:
            raise DeliveryError(f"Telegram refused: {error}", permanent=True) from error
        except TelegramError as error:
            raise DeliveryError(f"Telegram: {error}") from error

    def close(self) -> None:
        if self._loop is not None:
            if self._ready:
                self._loop.run_until_complete(self._bot.shutdown())
            self._loop.close()
            self._loop, self._ready = None, False

    async def _send(self, chat_id: int, reply: Reply) -> str | None:
        sent = None
        for piece in render.telegram_messages(reply):
            message = await self._bot.send_message(
                chat_id, piece.text, reply_markup=keyboard(piece)
            )
            sent = str(message.message_id)
        return sent

    def _run(self, work: Coroutine[Any, Any, str | None]) -> str | None:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        if not self._ready:
            try:
                self._loop.run_until_complete(self._bot.initialize())
            except BaseException:
                work.close()  # never awaited: close it so Python does not warn
                raise
            self._ready = True
        return self._loop.run_until_complete(work)
