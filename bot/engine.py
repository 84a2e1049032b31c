"""The dialogue engine: one message in, the replies out, whatever the channel.

A readable state machine: `STEPS` maps each step to the handler that reads the answer and the
prompt that asks its question (again, e.g. after a language change). Commands that work at any
step (`bot.flows.commands`) are tried first. Each message is one database transaction; if
another process answered the same sender meanwhile (optimistic version), it is retried once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

import nlu
from bot import messages, words
from bot.exchange import Inbound, Reply
from bot.flows import (
    calls,
    commands,
    complaint,
    fix,
    idle,
    menus,
    onboarding,
    staff,
    staff_link,
)
from bot.turn import Services, Step, Turn
from bot.villages import Directory, VillageIndexCache
from grievance import i18n
from grievance.clock import Clock, utcnow
from grievance.conversations import repository as conversations
from grievance.conversations.models import Conversation
from grievance.db import unit_of_work
from grievance.errors import ConflictError
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.types import Channel
from nlu.embedded import EmbeddedBackend
from nlu.result import Backend, ParseResult
from nlu.village_index import VillageIndex

log = logging.getLogger(__name__)

# Messages in another language, in a row and each confidently so, that switch the language.
SWITCH_AFTER = 2
# How sure the language identification must be for a message to count towards a switch.
LANGUAGE_SURE = 0.8
# Steps that are not in the middle of anything, so never lapse.
RESTING = frozenset({Step.IDLE, Step.CONSENT})


@dataclass(frozen=True)
class StepTable:
    handle: Callable[[Turn], None]
    prompt: Callable[[Turn], None]


def _prompts() -> dict[Step, Callable[[Turn], None]]:
    return {step: entry.prompt for step, entry in STEPS.items()}


STEPS: dict[Step, StepTable] = {
    Step.CONSENT: StepTable(
        lambda turn: onboarding.on_consent(turn, then=idle.on_idle), onboarding.ask_consent
    ),
    Step.LANGUAGE: StepTable(
        lambda turn: onboarding.on_language(turn, _prompts()), menus.language_menu
    ),
    Step.IDLE: StepTable(idle.on_idle, menus.main_menu),
    Step.DID_YOU_MEAN: StepTable(idle.on_did_you_mean, idle.prompt_did_you_mean),
    Step.VILLAGE: StepTable(complaint.on_village, complaint.prompt_village),
    Step.VILLAGE_PICK: StepTable(complaint.on_village_pick, complaint.prompt_village_pick),
    Step.VILLAGE_CONFIRM: StepTable(complaint.on_village_confirm, complaint.prompt_village_confirm),
    Step.SINCE: StepTable(complaint.on_since, complaint.prompt_since),
    Step.MEDIA: StepTable(complaint.on_media, complaint.prompt_media),
    Step.CONFIRM: StepTable(complaint.on_confirm, complaint.prompt_confirm),
    Step.CONFIRM_FIX: StepTable(fix.on_fix_answer, fix.prompt_fix),
    Step.RATE: StepTable(lambda turn: fix.on_rating(turn, then=idle.on_idle), fix.prompt_rating),
}


class DialogueEngine:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        vault: ContactVault,
        policy: Policy,
        clock: Clock = utcnow,
        nlu_backend: Backend | None = None,
        villages: VillageIndex | VillageIndexCache | None = None,
        directory_cache_seconds: float = 60.0,
        ivr_prompts_url: str | None = None,
    ) -> None:
        """`villages`: the village-name index, refreshed from the directory (a cache), or a
        fixed one; None builds the cache. `directory_cache_seconds`: how long village rows and
        who serves each village are kept in memory (JALSAMVAD_DIRECTORY_CACHE_SECONDS); 0
        reads them every time. `ivr_prompts_url`: recorded prompts, with which a call can go
        on in any language."""
        self.sessions = sessions
        self._backend = nlu_backend or nlu.default_backend()
        self._named: tuple[VillageIndex, Backend] | None = None  # the backend for the index
        if villages is None:
            villages = VillageIndexCache(directory_cache_seconds)
        if isinstance(villages, VillageIndex):
            villages = VillageIndexCache.fixed(villages)
        self._villages = villages.get
        self.services = Services(
            policy,
            vault,
            clock,
            self._villages,
            self._parse,
            Directory(directory_cache_seconds),
            ivr_prompts_url,
        )

    def answer(
        self, session: Session, inbound: Inbound, *, language: str | None = None
    ) -> list[Reply]:
        """The replies to one message, written in the caller's transaction. May raise a
        conflict (another process answered the same sender meanwhile): retry the whole
        transaction. `language` is a hint for a first contact (e.g. the language of a chosen
        IVR line)."""
        return self._answer(session, inbound, language)

    def apology(
        self, session: Session, inbound: Inbound, *, language: str | None = None
    ) -> list[Reply]:
        """ "Something went wrong", in the conversation's language if it has one."""
        conversation = conversations.load(session, inbound.channel, inbound.sender.lookup_hash)
        return _sorry(conversation.language if conversation else language)

    def handle(self, inbound: Inbound, *, language: str | None = None) -> list[Reply]:
        """`answer` in a transaction of its own, retried once on a conflict; never raises."""
        try:
            return self._answer_with_retry(inbound, language)
        except Exception:
            log.exception("could not answer a %s message", inbound.channel.value)
        try:
            with self.sessions() as session:
                return self.apology(session, inbound, language=language)
        except Exception:  # the database itself is failing
            log.exception("could not read the conversation's language")
            return _sorry(language)

    def _answer_with_retry(self, inbound: Inbound, language: str | None) -> list[Reply]:
        for attempt in (1, 2):
            try:
                with unit_of_work(self.sessions) as session:
                    return self._answer(session, inbound, language)
            except (StaleDataError, IntegrityError, ConflictError):
                if attempt == 2:
                    raise
                log.info("conversation changed concurrently; answering again")
        raise AssertionError("unreachable")

    def _answer(self, session: Session, inbound: Inbound, language: str | None) -> list[Reply]:
        text, cut = words.clean(inbound.text)
        command = inbound.payload or text  # a tapped button's id (e.g. "ACK 42") or the words
        orders = staff_link.answer(session, self.services, inbound, command)
        if orders is None:
            orders = staff.answer(session, self.services, inbound.channel, inbound.sender, command)
        if orders is not None:
            return orders  # a committee member or engineer acting on a complaint
        parsed = self._parse(session, text)
        now = self.services.clock()
        key = inbound.sender.lookup_hash
        conversation = conversations.load(session, inbound.channel, key)
        if conversation is None:
            silent_call = inbound.channel is Channel.VOICE and not text
            first = language or (calls.FIRST_LANGUAGE if silent_call else _first_language(parsed))
            conversation = conversations.new(inbound.channel, key, first, Step.CONSENT.value, now)
            session.add(conversation)
            turn = self._turn(session, conversation, inbound, text, parsed)
            onboarding.welcome(turn)
        else:
            turn = self._turn(session, conversation, inbound, text, parsed)
            self._continue(turn, cut, now)
        if turn.forget:
            session.delete(conversation)
        else:
            conversation.slots = dict(turn.slots)
            conversations.touch(conversation, now, resting=Step(conversation.step) in RESTING)
        session.flush()
        return turn.replies

    def _continue(self, turn: Turn, cut: bool, now: datetime) -> None:
        if conversations.lapsed(turn.conversation, now):
            menus.reset(turn)
            turn.say(messages.EXPIRED)
            if turn.choice() is not None or words.typed_number(turn.text) is not None:
                menus.main_menu(turn)  # a number answered a question that is gone
                return
        inbound = turn.inbound
        if inbound.channel is Channel.VOICE and not (turn.text or inbound.digits or inbound.media):
            onboarding.new_call(turn)  # Twilio posts nothing only when a call starts
            return
        if cut:
            turn.say(messages.TOO_LONG)
        _follow_language(turn)
        if commands.intercept(turn, _prompts()):
            return
        if not (turn.text or inbound.digits or inbound.payload):
            if not inbound.media:
                turn.say(messages.EMPTY)
                return
            if turn.step is not Step.MEDIA:
                turn.slots["early_media"] = [[m.url, m.content_type] for m in inbound.media]
                turn.say(messages.MEDIA_ONLY)
                return
        STEPS[turn.step].handle(turn)

    def _turn(
        self,
        session: Session,
        conversation: Conversation,
        inbound: Inbound,
        text: str,
        parsed: ParseResult,
    ) -> Turn:
        return Turn(
            session, self.services, conversation, inbound, text, parsed, dict(conversation.slots)
        )

    def _parse(self, session: Session, text: str) -> ParseResult:
        """The message understood, with village names matched against the current index."""
        index = self._villages(session)
        named = self._named
        if named is None or named[0] is not index:
            backend = self._backend
            if isinstance(backend, EmbeddedBackend):
                backend = backend.with_villages(index)
            self._named = named = (index, backend)  # replaced whole: safe across threads
        return named[1].parse(text)


def _sorry(language: str | None) -> list[Reply]:
    tag = language or i18n.SOURCE_LOCALE
    return [Reply(i18n.say(messages.SOMETHING_WENT_WRONG, tag), tag)]


def _first_language(parsed: ParseResult) -> str:
    """The language of a first message, when we are sure of it and have a catalog for it."""
    if parsed.language != "und" and parsed.language_confidence >= LANGUAGE_SURE:
        locale = i18n.locale_for(parsed.language)
        if locale != i18n.SOURCE_LOCALE or parsed.language == "en":
            return i18n.tag_of(locale)
    return i18n.SOURCE_LOCALE


def _follow_language(turn: Turn) -> None:
    """Switch to the language the citizen keeps writing in: SWITCH_AFTER messages in a row
    confidently in one other language we have a catalog for. Messages of no clear language
    (digits, "ok", emoji) neither count nor break the run."""
    parsed = turn.parsed
    if turn.inbound.channel is Channel.VOICE:
        return  # speech is recognised in the chosen language: it cannot tell another one
    written = i18n.tag_of(i18n.locale_for(parsed.language))
    if parsed.language == "und" or parsed.language_confidence < LANGUAGE_SURE:
        return
    if written == turn.language or (written == i18n.SOURCE_LOCALE and parsed.language != "en"):
        turn.slots.pop("streak", None)
        return
    language, count = turn.slots.get("streak") or [written, 0]
    count = count + 1 if language == written else 1
    if count < SWITCH_AFTER:
        turn.slots["streak"] = [written, count]
        return
    turn.slots.pop("streak", None)
    turn.conversation.language = written
    turn.say(messages.LANGUAGE_SET)
