"""First contact (privacy notice and consent) and choosing the language."""

from __future__ import annotations

from collections.abc import Callable

from bot import messages
from bot.exchange import Expect
from bot.flows import calls, menus
from bot.turn import Step, Turn
from grievance import i18n

# Which privacy notice a consent refers to; bump it whenever PRIVACY_NOTICE changes.
CONSENT_VERSION = "2026-11-v1"


def welcome(turn: Turn) -> None:
    """The notice comes first, whatever the first message said; the message waits for consent.
    A call (which says nothing yet) first chooses its language, then hears the notice."""
    inbound = turn.inbound
    if calls.on_call(turn) and not (turn.text or inbound.digits or inbound.media):
        turn.go(Step.CONSENT)
        menus.language_menu(turn)  # resumes at the consent question
        return
    if turn.text or turn.inbound.media:
        turn.slots["pending"] = turn.text
        turn.slots["early_media"] = [[m.url, m.content_type] for m in turn.inbound.media]
    ask_consent(turn)


def new_call(turn: Turn) -> None:
    """A known number calls again (a call's first request says nothing): start afresh, at the
    complaint menu in the language chosen before, or at the language menu if the notice was
    never answered."""
    consented = turn.conversation.consent_version is not None
    menus.reset(turn)
    if consented:
        menus.main_menu(turn)
    else:
        turn.go(Step.CONSENT)
        menus.language_menu(turn)


def ask_consent(turn: Turn) -> None:
    turn.say(messages.PRIVACY_NOTICE)
    turn.ask(messages.CONSENT_QUESTION, turn.yes_no_options())
    turn.go(Step.CONSENT)


def on_consent(turn: Turn, then: Callable[[Turn], None]) -> None:
    """Yes: record which notice was accepted, then answer the first message (`then`)."""
    answer = turn.yes_or_no()
    if answer is None:
        turn.ask(messages.CONSENT_QUESTION, turn.yes_no_options())
        return
    if not answer:
        turn.say(messages.CONSENT_DECLINED, Expect.NOTHING)
        turn.forget = True
        return
    turn.conversation.consent_version = CONSENT_VERSION
    turn.conversation.consented_at = turn.services.clock()
    pending = turn.slots.pop("pending", "")
    early_media = turn.slots.pop("early_media", [])
    menus.reset(turn)
    if early_media:
        turn.slots["early_media"] = early_media
    if pending:
        turn.reread(pending)
        then(turn)
    else:
        menus.main_menu(turn)


def on_language(turn: Turn, prompts: dict[Step, Callable[[Turn], None]]) -> None:
    picked = turn.choice() or ""
    if not picked.startswith(menus.LANGUAGE_PREFIX):
        turn.say(calls.worded(turn, messages.CHOOSE_FROM_LIST))
        menus.language_menu(turn)
        return
    switch_language(turn, picked.removeprefix(menus.LANGUAGE_PREFIX), prompts)


def switch_language(turn: Turn, tag: str, prompts: dict[Step, Callable[[Turn], None]]) -> None:
    """Answer in `tag` from now on and ask the pending question again in it. A call cannot
    switch to a language no voice speaks: it is offered Hindi or English instead."""
    if calls.on_call(turn) and not calls.can_speak(turn, tag):
        if "resume" not in turn.slots:
            turn.slots["resume"] = turn.step.value
        calls.offer_hindi_or_english(turn)
        return
    turn.conversation.language = i18n.tag_of(i18n.locale_for(tag))
    turn.slots.pop("streak", None)
    turn.say(messages.LANGUAGE_SET)
    resume = Step(turn.slots.pop("resume", turn.step.value))
    if resume is Step.LANGUAGE:
        resume = Step.IDLE
    turn.go(resume)
    prompts[resume](turn)
