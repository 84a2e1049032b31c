"""The main menu: a complaint by number or in words, my complaints, help; unsure means ask."""

from __future__ import annotations

from bot import messages
from bot.flows import calls, complaint, menus, status
from bot.turn import Step, Turn
from grievance import labels
from nlu.result import ParseResult

COMPLAINTS = frozenset(labels.CATEGORY_LABELS)


def on_idle(turn: Turn) -> None:
    if not turn.slots.get("options"):
        turn.slots["options"] = menus.main_menu_keys()  # digits always mean the main menu here
    picked = turn.choice()
    if picked is not None:
        _picked(turn, picked)
        return
    intent = turn.sure_intent()
    if intent is None:
        _unsure(turn)
    elif intent in COMPLAINTS:
        complaint.start(turn, intent)
    elif intent == "check_status":
        reference = turn.parsed.entity("ticket_ref")
        if reference is not None:
            status.show(turn, reference.value)
        else:
            status.show_mine(turn)
    elif intent == "help":
        turn.say(messages.HELP)
    elif intent == "thank":
        turn.say(messages.YOU_ARE_WELCOME)
    elif intent == "change_language":
        menus.language_menu(turn)
    elif intent in ("greet", "affirm", "deny"):
        menus.main_menu(turn)
    else:
        turn.say(calls.worded(turn, messages.NOT_UNDERSTOOD))
        menus.main_menu(turn)


def _picked(turn: Turn, key: str) -> None:
    if key in COMPLAINTS:
        complaint.start(turn, key)
    elif key == menus.MY_COMPLAINTS:
        status.show_mine(turn)
    else:
        menus.language_menu(turn)


def _unsure(turn: Turn) -> None:
    """A complaint we half-recognise is offered back as a question; anything else gets the menu."""
    guess = _best_guess(turn.parsed)
    if guess is None or turn.parsed.language == "und":
        turn.say(calls.worded(turn, messages.NOT_UNDERSTOOD))
        menus.main_menu(turn)
        return
    turn.slots["guess"], turn.slots["guess_text"] = guess, turn.text
    prompt_did_you_mean(turn)


def _best_guess(parsed: ParseResult) -> str | None:
    """The complaint the NLU leans to: its intent, or (Rasa's fallback) the top of its ranking."""
    leaning = [parsed.intent, *(score.name for score in parsed.ranking[:1])]
    return next((name for name in leaning if name in COMPLAINTS), None)


def prompt_did_you_mean(turn: Turn) -> None:
    problem = turn.t(labels.CATEGORY_LABELS[turn.slots["guess"]])
    turn.ask(messages.DID_YOU_MEAN, turn.yes_no_options(), problem=problem)
    turn.go(Step.DID_YOU_MEAN)


def on_did_you_mean(turn: Turn) -> None:
    answer = turn.yes_or_no()
    if answer is None:
        # Not a yes or no: take it as a fresh message.
        menus.reset(turn)
        on_idle(turn)
    elif answer:
        guess, text = turn.slots["guess"], turn.slots.get("guess_text", "")
        turn.reread(text)
        complaint.start(turn, guess)
    else:
        menus.main_menu(turn)
