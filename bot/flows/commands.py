"""Words that work at any step: STOP/DELETE, cancel, menu, help, a language, a complaint number.

They are checked before the step's own handler, so a citizen can always get out, ask for help
or change language, whatever question is pending.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import messages, words
from bot.exchange import Expect
from bot.flows import menus, onboarding, status
from bot.turn import Step, Turn

Prompts = dict[Step, Callable[[Turn], None]]


def intercept(turn: Turn, prompts: Prompts) -> bool:
    """Handle a command word and return True, or return False to let the step answer."""
    said = words.normalise(turn.text)
    if said in words.WITHDRAW:
        turn.say(messages.DATA_DELETED, Expect.NOTHING)
        turn.forget = True
        return True
    if said in words.LANGUAGE_NAMES:
        onboarding.switch_language(turn, words.LANGUAGE_NAMES[said], prompts)
        return True
    if turn.step is Step.CONSENT or turn.conversation.consent_version is None:
        return False  # nothing else before the notice is answered (a call chooses its language)
    if said in words.CANCEL:
        turn.say(messages.CANCELLED)
        menus.reset(turn)
        menus.main_menu(turn)
        return True
    if said in words.MENU:
        menus.reset(turn)
        menus.main_menu(turn)
        return True
    if said in words.HELP:
        turn.say(messages.HELP)
        return True
    if said in words.LANGUAGE:
        menus.language_menu(turn)
        return True
    reference = words.reference_like(turn.text)
    if reference is not None:
        status.show(turn, reference)
        return True
    return False
