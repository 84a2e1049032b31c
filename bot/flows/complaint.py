"""Gathering one complaint: problem, village, since when, photo; then a summary to confirm.

Each question is asked only if the conversation does not already know its answer, so
"601014 gaon me 3 din se pani nahi" goes straight to the summary. `next_question` decides what
is missing; each `on_*` handler reads one answer.
"""

from __future__ import annotations

from typing import Any

from bot import messages, words
from bot.exchange import Expect
from bot.flows import calls, filing, menus
from bot.turn import Step, Turn
from bot.villages import villages_named
from grievance import i18n, labels
from nlu.village_index import VillageRow

UNKNOWN = "—"  # a gram panchayat or block the directory does not give


def start(turn: Turn, category: str) -> None:
    """A new complaint of `category`, taking whatever else this message already says."""
    early_media = turn.slots.get("early_media", [])
    menus.reset(turn)
    slots = turn.slots
    slots["category"] = category
    slots["text"] = turn.text
    if early_media or turn.inbound.media:
        slots["media"] = early_media + [[m.url, m.content_type] for m in turn.inbound.media]
    _take_entities(turn)
    next_question(turn)


def _take_entities(turn: Turn) -> None:
    parsed, slots = turn.parsed, turn.slots
    code = parsed.entity("village_code")
    if code is not None:
        slots["given_code"] = int(code.value)
    named = [int(e.value) for e in parsed.entities if e.entity == "village"]
    if named and code is None:
        slots["candidates"] = named
    duration = parsed.entity("duration")
    if duration is not None:
        slots["since"], slots["since_words"] = duration.value, duration.text
    if code is not None and duration is not None:
        # Everything needed came in one message: do not slow them down with the optional photo.
        slots.setdefault("media", [])


def next_question(turn: Turn) -> None:
    slots = turn.slots
    if "village" not in slots:
        _settle_village(turn)
    elif "since" not in slots:
        prompt_since(turn)
    elif "media" not in slots:
        prompt_media(turn)
    else:
        prompt_confirm(turn)


def _settle_village(turn: Turn) -> None:
    slots = turn.slots
    if "given_code" in slots:
        _use_code(turn, slots.pop("given_code"))
    elif slots.get("candidates"):
        _offer(turn, slots.pop("candidates"))
    elif turn.conversation.village_code is not None:
        slots["candidate"] = turn.conversation.village_code
        prompt_village_confirm(turn)
    else:
        prompt_village(turn)


def _use_code(turn: Turn, code: int) -> None:
    on_call = calls.on_call(turn)
    if turn.village(code) is None:
        if on_call:
            turn.say(messages.UNKNOWN_VILLAGE_CODE_CALL, digits=calls.spaced(str(code)))
            prompt_village(turn)
            return
        turn.say(messages.UNKNOWN_VILLAGE_CODE, code=str(code))
        turn.slots["options"] = []
        turn.go(Step.VILLAGE)
        return
    if on_call:
        # A keyed-in code is read back digit by digit before it is used.
        turn.slots["candidate"], turn.slots["read_back"] = code, True
        prompt_village_confirm(turn)
        return
    turn.slots["village"] = code
    next_question(turn)


def _offer(turn: Turn, codes: list[int]) -> None:
    if len(codes) == 1:
        turn.slots["candidate"] = codes[0]
        prompt_village_confirm(turn)
    else:
        turn.slots["choices"] = codes
        prompt_village_pick(turn)


# -- prompts ----------------------------------------------------------------------------------


def prompt_village(turn: Turn) -> None:
    if calls.on_call(turn):
        turn.ask(messages.ASK_VILLAGE_CODE_CALL, expect=Expect.DIGITS)  # no name search on a call
    else:
        turn.ask(messages.ASK_VILLAGE)
    turn.go(Step.VILLAGE)


def _village_words(row: VillageRow | None) -> dict[str, Any]:
    if row is None:
        return {"village": UNKNOWN, "gp": UNKNOWN, "block": UNKNOWN}
    return {"village": row.name, "gp": row.gram_panchayat or UNKNOWN, "block": row.block or UNKNOWN}


def prompt_village_pick(turn: Turn) -> None:
    options = [
        (
            str(code),
            turn.t(messages.VILLAGE_OPTION, **_village_words(turn.village(code))),
        )
        for code in turn.slots["choices"]
    ]
    options.append(("none", turn.t(messages.OPTION_NONE_OF_THESE)))
    turn.ask(messages.VILLAGE_CHOICES, options)
    turn.go(Step.VILLAGE_PICK)


def prompt_village_confirm(turn: Turn) -> None:
    code = turn.slots["candidate"]
    row = turn.village(code)
    if turn.slots.get("read_back"):
        village = row.name if row else UNKNOWN
        digits = calls.spaced(str(code))
        turn.ask(messages.VILLAGE_READ_BACK, turn.yes_no_options(), digits=digits, village=village)
    else:
        turn.ask(messages.CONFIRM_VILLAGE, turn.yes_no_options(), **_village_words(row))
    turn.go(Step.VILLAGE_CONFIRM)


def prompt_since(turn: Turn) -> None:
    question = messages.ASK_SINCE_CALL if calls.on_call(turn) else messages.ASK_SINCE
    turn.ask(question, [("skip", turn.t(messages.SKIP))], Expect.TEXT)
    turn.go(Step.SINCE)


def prompt_media(turn: Turn) -> None:
    if calls.on_call(turn):
        # A <Record> cannot be skipped by keypad: ask first, record only if they want to.
        options = [("record", turn.t(messages.RECORD)), ("skip", turn.t(messages.SKIP))]
        turn.ask(messages.ASK_RECORDING, options, Expect.CHOICE)
    else:
        turn.ask(messages.ASK_MEDIA, [("skip", turn.t(messages.SKIP))], Expect.MEDIA)
    turn.go(Step.MEDIA)


def prompt_confirm(turn: Turn) -> None:
    slots = turn.slots
    row = turn.village(slots["village"])
    problem = turn.t(labels.CATEGORY_LABELS[slots["category"]])
    village = row.name if row else str(slots["village"])
    since = _since_words(slots, turn.language)
    if since:
        turn.ask(
            messages.SUMMARY_SINCE,
            turn.yes_no_options(),
            problem=problem,
            village=village,
            since=since,
        )
    else:
        turn.ask(messages.SUMMARY, turn.yes_no_options(), problem=problem, village=village)
    turn.go(Step.CONFIRM)


def _since_words(slots: dict[str, Any], language: str) -> str:
    value = slots.get("since")
    if not value:
        return ""
    return i18n.format_duration(value, language) or str(slots.get("since_words") or value)


# -- handlers ---------------------------------------------------------------------------------


def on_village(turn: Turn) -> None:
    if calls.on_call(turn):
        _on_call_village(turn)
        return
    code = _village_code(turn, turn.text)
    if code is not None:
        _use_code(turn, code)
        return
    named = [int(e.value) for e in turn.parsed.entities if e.entity == "village"]
    if not named and turn.text:
        index = turn.services.villages(turn.session)
        named = [row.code for row in villages_named(index, turn.text)]
    if named:
        _offer(turn, named)
    else:
        turn.say(messages.VILLAGE_NOT_FOUND, name=turn.text[:60])
        turn.go(Step.VILLAGE)


def _village_code(turn: Turn, said: str) -> int | None:
    """A 6-digit code typed or keyed on its own, else one the NLU found inside a sentence."""
    code = words.village_code(said)
    entity = turn.parsed.entity("village_code")
    if code is None and entity is not None:
        code = int(entity.value)
    return code


def _on_call_village(turn: Turn) -> None:
    """Keypad digits (or spoken digits); a name is not searched on a call."""
    keyed = turn.inbound.digits if not turn.reread_text else ""
    said = keyed or turn.text
    code = _village_code(turn, said.replace(" ", ""))
    if code is not None:
        _use_code(turn, code)
        return
    if keyed:
        turn.say(messages.UNKNOWN_VILLAGE_CODE_CALL, digits=calls.spaced(keyed[:12]))
    prompt_village(turn)  # a spoken name: the question says to use the keypad


def on_village_pick(turn: Turn) -> None:
    picked = turn.choice()
    if picked == "none":
        prompt_village(turn)
    elif picked is not None:
        turn.slots.pop("choices", None)
        turn.slots["village"] = int(picked)
        next_question(turn)
    else:
        turn.say(calls.worded(turn, messages.CHOOSE_FROM_LIST))
        prompt_village_pick(turn)


def on_village_confirm(turn: Turn) -> None:
    answer = turn.yes_or_no()
    if answer is None:
        on_village(turn)  # they wrote another code or name instead
        return
    turn.slots.pop("read_back", None)
    if answer:
        turn.slots["village"] = turn.slots.pop("candidate")
        next_question(turn)
    else:
        turn.slots.pop("candidate", None)
        prompt_village(turn)


def on_since(turn: Turn) -> None:
    duration = turn.parsed.entity("duration")
    if duration is not None:
        turn.slots["since"], turn.slots["since_words"] = duration.value, duration.text
    elif turn.choice() == "skip" or words.normalise(turn.text) in words.SKIP:
        turn.slots["since"] = None
    else:
        # Their own words ("since the fair") are still useful to whoever fixes it.
        turn.slots["since"], turn.slots["since_words"] = "words", turn.text[:60]
    next_question(turn)


def on_media(turn: Turn) -> None:
    if calls.on_call(turn) and not turn.inbound.media:
        picked = turn.choice()
        if picked == "record":
            turn.ask(messages.RECORD_NOW, expect=Expect.MEDIA)
            return
        if picked != "skip" and words.normalise(turn.text) not in words.SKIP:
            prompt_media(turn)
            return
    turn.slots["media"] = [[m.url, m.content_type] for m in turn.inbound.media]
    next_question(turn)


def on_confirm(turn: Turn) -> None:
    answer = turn.yes_or_no()
    if answer is None:
        turn.say(calls.worded(turn, messages.CHOOSE_FROM_LIST))
        prompt_confirm(turn)
    elif answer:
        filing.file(turn)
    else:
        turn.say(messages.CANCELLED)
        menus.main_menu(turn)
