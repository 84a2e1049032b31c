"""Telegram: a webhook route feeding a python-telegram-bot Application run in our lifespan.

Telegram posts each update with our secret in X-Telegram-Bot-Api-Secret-Token. PTB's handlers
turn commands, text, button taps, locations, photos and voice notes into an `Inbound`; the
dialogue handler answers and we send the replies with buttons (`keyboard`, also used by
`bot.channels.telegram.sender`). Edited messages and channel posts are answered 200 and ignored.
An update_id is processed once within 24 hours (Telegram may reuse ids after a week of silence).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels import render
from bot.channels.exactly_once import handle_once
from bot.channels.handler import Handler
from bot.exchange import Inbound, Media, Reply, SharedContact
from grievance.clock import utcnow
from grievance.privacy import ContactVault
from grievance.settings import TelegramSettings
from grievance.types import Channel

log = logging.getLogger(__name__)

PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
DEDUPE_WINDOW = timedelta(hours=24)
COMMANDS = ("start", "status", "language", "help", "staff")
# The update types the handlers below act on; `jalsamvad telegram register` subscribes to
# exactly these, so Telegram does not post edits, channel posts or reactions we would ignore.
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)
MAX_BODY_BYTES = 1_000_000

RequestFactory = Callable[[], BaseRequest]
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


# Who the citizen is (names, usernames, ids, a shared phone number) is not kept in the raw copy.
PERSONAL_KEYS = frozenset(
    {"from", "chat", "contact", "sender_chat", "first_name", "last_name", "username"}
)


def scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def rendered(replies: Sequence[Reply]) -> str:
    """What we store as the answer: the messages and their buttons, as JSON."""
    messages = [m for reply in replies for m in render.telegram_messages(reply)]
    return json.dumps(
        [
            {"text": m.text, "buttons": m.buttons, "share_contact": m.share_contact_button}
            for m in messages
        ],
        ensure_ascii=False,
    )


def keyboard(message: render.TelegramMessage) -> ReplyMarkup | None:
    if message.share_contact_button:
        # Telegram sends the tapper's own number (and user id) back as a contact message.
        button = KeyboardButton(message.share_contact_button, request_contact=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=key) for label, key in row]
            for row in message.buttons
        ]
    )


def shared_contact(message: Message) -> SharedContact | None:
    """A shared phone number, vouched as the sender's own only if Telegram says the contact is
    the sender's account and the chat is the private one with them (never a group)."""
    contact = message.contact
    if contact is None:
        return None
    sender = message.from_user
    own = (
        sender is not None
        and contact.user_id == sender.id
        and message.chat.type == Chat.PRIVATE
        and message.chat.id == sender.id
    )
    return SharedContact(contact.phone_number, own)


class TelegramChannel:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        vault: ContactVault,
        handler: Handler,
        settings: TelegramSettings,
        requests: RequestFactory | None = None,
    ) -> None:
        """`requests`: the HTTP layer for the Bot API (tests give a fake); PTB's own if None."""
        self.sessions, self.vault = sessions, vault
        self.handler = handler
        self._secret = settings.secret_token.encode()
        self._failures: dict[int, BaseException] = {}
        builder = Application.builder().token(settings.bot_token).updater(None)
        if requests is not None:
            builder = builder.request(requests()).get_updates_request(requests())
        self.application = builder.build()
        self._add_handlers()

    def _add_handlers(self) -> None:
        app = self.application
        # Only new messages: PTB's message filters also match an edited message (or a channel
        # post), which the dialogue would take for a new answer. Those are ignored (200).
        new = filters.UpdateType.MESSAGE
        app.add_handler(CommandHandler(list(COMMANDS), self._on_command, filters=new))
        app.add_handler(CallbackQueryHandler(self._on_button))
        app.add_handler(MessageHandler(new & filters.LOCATION, self._on_message))
        app.add_handler(MessageHandler(new & (filters.PHOTO | filters.VOICE), self._on_message))
        app.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, self._on_message))
        app.add_handler(MessageHandler(new, self._on_message))

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()

    async def stop(self) -> None:
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    # -- the route -------------------------------------------------------------------------

    async def receive(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            raise HTTPException(403, "invalid secret token")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, "update too large")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HTTPException(400, "the body is not JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise HTTPException(400, "not a Telegram update: no update_id")
        try:
            update = Update.de_json(data, self.application.bot)
        except (KeyError, TypeError, ValueError) as exc:
            raise HTTPException(400, f"malformed update: {exc}") from exc
        await self.application.process_update(update)
        failure = self._failures.pop(update.update_id, None)
        if failure is not None:
            # Telegram retries a failed delivery; nothing was committed for it.
            raise HTTPException(500, "the update could not be processed") from failure
        return Response(status_code=200)

    # -- PTB handlers -----------------------------------------------------------------------

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        command = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
        rest = (message.text or "").partition(" ")[2].strip()
        await self._dispatch(update, message, text=rest, payload=command)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()  # stops the button's spinner; the reply follows
        except TelegramError as exc:
            log.warning("could not answer callback query: %s", exc)
        if isinstance(query.message, Message):
            await self._dispatch(update, query.message, payload=query.data or "")

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return  # edited messages, channel posts: nothing for the dialogue (never matched)
        media: tuple[Media, ...] = ()
        if message.photo:
            media = (Media(f"tg-file:{message.photo[-1].file_id}", "image/jpeg"),)
        elif message.voice:
            voice = message.voice
            media = (Media(f"tg-file:{voice.file_id}", voice.mime_type or "audio/ogg"),)
        location = None
        if message.location:
            location = (message.location.latitude, message.location.longitude)
        await self._dispatch(
            update,
            message,
            text=message.text or message.caption or "",
            media=media,
            location=location,
            contact=shared_contact(message),
        )

    async def _dispatch(
        self,
        update: Update,
        message: Message,
        text: str = "",
        payload: str = "",
        media: tuple[Media, ...] = (),
        location: tuple[float, float] | None = None,
        contact: SharedContact | None = None,
    ) -> None:
        chat_id = message.chat.id
        inbound = Inbound(
            channel=Channel.TELEGRAM,
            sender=self.vault.resolve(Channel.TELEGRAM, str(chat_id)),
            message_id=str(update.update_id),
            received_at=utcnow(),
            text=text,
            payload=payload,
            media=media,
            location=location,
            shared_contact=contact,
        )
        try:
            outcome = await run_in_threadpool(
                handle_once,
                self.sessions,
                self.handler,
                inbound,
                scrub(update.to_dict()),
                rendered,
                DEDUPE_WINDOW,
            )
        except Exception as exc:  # reported by the route as a 500, so Telegram retries
            log.exception("telegram update %s failed", update.update_id)
            self._failures[update.update_id] = exc
            return
        for reply in outcome.replies:
            for piece in render.telegram_messages(reply):
                markup = keyboard(piece)
                if markup is None and contact is not None:
                    markup = ReplyKeyboardRemove()  # the share button has done its job
                await self.application.bot.send_message(chat_id, piece.text, reply_markup=markup)


def telegram_router(channel: TelegramChannel) -> APIRouter:
    router = APIRouter(tags=["webhooks"], include_in_schema=False)

    @router.post(PATH)
    async def telegram_update(request: Request) -> Response:
        return await channel.receive(request)

    return router
