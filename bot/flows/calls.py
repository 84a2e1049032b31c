"""What changes on a phone call (IVR): keypad and speech instead of writing.

A call starts with the language menu (in Hindi: a caller cannot be recognised by writing), asks
for the village by its 6-digit code on the keypad and reads the code back digit by digit, and
offers a recorded description instead of a photo. Questions are asked in the caller's language
only where a Twilio voice speaks it (`VOICED`; the voices are in
`bot.channels.twilio.twiml.VOICES`).

Odia, Assamese and Urdu have no Twilio voice. A caller who picks one hears an apology in Hindi
and in English and is offered Hindi or English instead, unless recorded prompts are configured:
with `JALSAMVAD_IVR_PROMPTS_URL` set, every language is offered and the call plays
`<base>/<locale>/<message-id>.mp3` (see `bot.channels.twilio.twiml.recorded_prompts`).
"""

from __future__ import annotations

from bot import messages
from bot.exchange import Expect, Option, Reply
from bot.turn import Step, Turn
from grievance import i18n
from grievance.types import Channel

# Languages a Twilio voice speaks (Google voices, `bot.channels.twilio.twiml.VOICES`).
VOICED = frozenset({"en", "hi", "mr", "bn", "ta", "te", "gu", "kn", "ml", "pa"})
# The language a call starts in, until the caller picks one.
FIRST_LANGUAGE = "hi"
# The offer made to a caller whose language has no voice: Hindi or English.
FALLBACK_LANGUAGES = ("hi", "en")
# Language names as every voice can read them (the menu is spoken by one voice).
SPOKEN_NAMES = {
    "en": "English",
    "hi": "Hindi",
    "mr": "Marathi",
    "bn": "Bengali",
    "as": "Assamese",
    "ta": "Tamil",
    "te": "Telugu",
    "gu": "Gujarati",
    "kn": "Kannada",
    "ml": "Malayalam",
    "or": "Odia",
    "pa": "Punjabi",
    "ur": "Urdu",
}


# Sentences that speak of writing or of a list on screen, and their wording for a call.
_SPOKEN = {
    messages.CHOOSE_FROM_LIST: messages.CHOOSE_FROM_LIST_CALL,
    messages.NOT_UNDERSTOOD: messages.NOT_UNDERSTOOD_CALL,
    messages.MAIN_MENU: messages.MAIN_MENU_CALL,
}


def on_call(turn: Turn) -> bool:
    return turn.inbound.channel is Channel.VOICE


def worded(turn: Turn, message: str) -> str:
    """`message`, or its wording for a call (press, say) when this is a call."""
    return _SPOKEN.get(message, message) if on_call(turn) else message


def can_speak(turn: Turn, language: str) -> bool:
    """Whether a call can go on in `language`: a Twilio voice, or recorded prompts."""
    return language.split("-")[0].lower() in VOICED or turn.services.ivr_prompts_url is not None


def spaced(digits: str) -> str:
    """ "601014" as "6 0 1 0 1 4", so a voice reads each digit."""
    return " ".join(digits)


def language_options() -> list[tuple[str, str]]:
    """The call's language menu: every language once (romanised Hindi sounds like Hindi)."""
    return [
        (f"lang:{i18n.tag_of(locale)}", SPOKEN_NAMES[locale])
        for locale in i18n.available_locales()
        if locale in SPOKEN_NAMES
    ]


def offer_hindi_or_english(turn: Turn) -> None:
    """Sorry, no voice for that language: the apology in Hindi, then in English with the offer.
    The language menu's `resume` stays, so the choice carries on where the caller was."""
    first, second = FALLBACK_LANGUAGES
    turn.replies.append(Reply(i18n.say(messages.CALL_LANGUAGE_UNAVAILABLE, first), first))
    options = tuple(Option(f"lang:{tag}", SPOKEN_NAMES[tag]) for tag in FALLBACK_LANGUAGES)
    turn.slots["options"] = [option.key for option in options]
    turn.replies.append(
        Reply(
            i18n.say(messages.CALL_LANGUAGE_UNAVAILABLE, second),
            second,
            options=options,
            expect=Expect.CHOICE,
        )
    )
    turn.go(Step.LANGUAGE)
