"""The two menus everything returns to: what is the problem, and which language."""

from __future__ import annotations

from bot import messages
from bot.flows import calls
from bot.turn import Step, Turn
from grievance import i18n, labels

MY_COMPLAINTS = "my_complaints"
CHANGE_LANGUAGE = "language"
LANGUAGE_PREFIX = "lang:"


def main_menu_keys() -> list[str]:
    return [*labels.CATEGORY_LABELS, MY_COMPLAINTS, CHANGE_LANGUAGE]


def main_menu(turn: Turn) -> None:
    options = [(key, turn.t(label)) for key, label in labels.CATEGORY_LABELS.items()]
    options += [
        (MY_COMPLAINTS, turn.t(messages.OPTION_MY_COMPLAINTS)),
        (CHANGE_LANGUAGE, turn.t(messages.OPTION_LANGUAGE)),
    ]
    turn.ask(calls.worded(turn, messages.MAIN_MENU), options)
    turn.go(Step.IDLE)


def language_menu(turn: Turn) -> None:
    """Each language named in itself, so anyone can find theirs whatever the current one."""
    resume = turn.step if turn.step is not Step.LANGUAGE else Step.IDLE
    turn.slots["resume"] = resume.value
    options = [
        (LANGUAGE_PREFIX + i18n.tag_of(locale), i18n.ENDONYMS.get(locale, locale))
        for locale in i18n.available_locales()
    ]
    if calls.on_call(turn):
        options = calls.language_options()  # names one voice can read
    turn.ask(messages.LANGUAGE_MENU, options)
    turn.go(Step.LANGUAGE)


def reset(turn: Turn) -> None:
    """Forget the unfinished complaint; language, consent and village memory stay."""
    streak = turn.slots.get("streak")
    turn.slots.clear()
    if streak:
        turn.slots["streak"] = streak
    turn.go(Step.IDLE)
