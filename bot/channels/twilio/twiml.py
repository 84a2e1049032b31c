"""Replies as TwiML for a phone call (Twilio IVR). Pure functions.

The last reply decides what the call waits for (`Expect`): a keypad choice or speech, digits
(`#` to finish), speech, or a recording. When the caller gives nothing, TwiML falls through to
the next verb: we say "Sorry, I did not hear anything" and ask once more, then say a polite
goodbye and hang up, so a call never ends in silence. Both sentences come from the gettext
catalogs (`messages.CALL_REPROMPT`, `messages.CALL_GOODBYE`) like everything else.

Voices, per language (`VOICES`): <Say> uses a Google standard voice and <Gather> recognises
speech in the same language:

    language    <Say> voice / language             <Gather> speech language
    English     Google.en-IN-Standard-A / en-IN    en-IN
    Hindi       Google.hi-IN-Standard-A / hi-IN    hi-IN   (also romanised Hindi, hi-Latn)
    Marathi     Google.mr-IN-Standard-A / mr-IN    mr-IN
    Bengali     Google.bn-IN-Standard-A / bn-IN    bn-IN
    Tamil       Google.ta-IN-Standard-A / ta-IN    ta-IN
    Telugu      Google.te-IN-Standard-A / te-IN    te-IN
    Gujarati    Google.gu-IN-Standard-A / gu-IN    gu-IN
    Kannada     Google.kn-IN-Standard-A / kn-IN    kn-IN
    Malayalam   Google.ml-IN-Standard-A / ml-IN    ml-IN
    Punjabi     Google.pa-IN-Standard-A / pa-IN    pa-guru-IN   (as Twilio spells it)
    Odia, Assamese, Urdu: no Twilio voice (the fallback below)

Source checked: the generated TwiML types of Twilio's official Node helper library, twilio-node
`src/twiml/VoiceResponse.ts` at commit 000c5255f5846e36eefbad064c4f5b7b19f8c4c8 (`SayVoice`,
`SayLanguage`, `GatherLanguage`); the human-readable lists are the voice table at
https://www.twilio.com/docs/voice/twiml/say/text-speech and the <Gather> languages at
https://www.twilio.com/docs/voice/twiml/gather. Every value above is listed there. Nothing is
listed for Odia (or) or Assamese (as); Urdu has a <Gather> language (ur-IN) but no <Say> voice.
`tests/test_twiml_voices.py` keeps the listed values. Twilio changes voices over time: re-check
before going live (also in Console → Voice → Text-to-Speech).

The fallback for Odia, Assamese and Urdu (`bot.flows.calls`): a caller who picks one hears a
short apology (`messages.CALL_LANGUAGE_UNAVAILABLE`) in Hindi and in English and is offered
those two. If `JALSAMVAD_IVR_PROMPTS_URL` is set, those languages are offered instead and every
fixed sentence is played from `<base>/<locale>/<message-id>.mp3`, the message id being the
name of the sentence in `bot/messages.py` in lower case (`<base>/or/main_menu.mp3`). Record a
question together with its options as the bot lists them. Sentences with details filled in (the
village read-back, the summary, the reference) cannot be recorded in advance: they are spoken
by the Hindi voice, reference digits included, so a deployment using recordings should record
every fixed prompt and accept that limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from twilio.twiml.voice_response import VoiceResponse  # type: ignore[import-untyped]

from bot import messages
from bot.exchange import Expect, Reply
from grievance import i18n


@dataclass(frozen=True, slots=True)
class Voice:
    language: str  # Twilio's language code for <Say>
    voice: str  # a Twilio voice name (check in Console → Voice → Text-to-Speech)
    speech: str  # the language <Gather> recognises speech in


def _google(code: str, speech: str | None = None) -> Voice:
    return Voice(f"{code}-IN", f"Google.{code}-IN-Standard-A", speech or f"{code}-IN")


# BCP-47 base language → Twilio voice (see the table above and the source checked there).
VOICES: dict[str, Voice] = {
    "en": _google("en"),
    "hi": _google("hi"),
    "mr": _google("mr"),
    "bn": _google("bn"),
    "ta": _google("ta"),
    "te": _google("te"),
    "gu": _google("gu"),
    "kn": _google("kn"),
    "ml": _google("ml"),
    "pa": _google("pa", "pa-guru-IN"),  # Twilio's GatherLanguage value, not "pa-IN"
}
FALLBACK_VOICE = VOICES["hi"]  # Odia (or), Assamese (as), Urdu (ur): no Twilio voice

GATHER_TIMEOUT_SECONDS = 6
RECORD_MAX_SECONDS = 60

RecordedPrompt = Callable[[Reply], str | None]


def _base(language: str) -> str:
    return language.split("-")[0].lower()


def voice_for(language: str) -> Voice:
    return VOICES.get(_base(language), FALLBACK_VOICE)


def has_voice(language: str) -> bool:
    return _base(language) in VOICES


@cache
def _message_ids(locale: str) -> dict[str, str]:
    """Each fixed sentence (no placeholders) as said in `locale` → its recorded prompt's id."""
    return {
        i18n.gettext(value, locale): name.lower()
        for name, value in vars(messages).items()
        if name.isupper() and isinstance(value, str) and "{" not in value
    }


def recorded_prompts(base_url: str | None) -> RecordedPrompt | None:
    """Recorded prompts under `base_url`, for the languages no Twilio voice speaks."""
    if not base_url:
        return None
    base = base_url.rstrip("/")

    def url(reply: Reply) -> str | None:
        if has_voice(reply.language):
            return None
        locale = i18n.locale_for(reply.language)
        message_id = _message_ids(locale).get(reply.text)
        return f"{base}/{locale}/{message_id}.mp3" if message_id else None

    return url


@dataclass(frozen=True, slots=True)
class CallUrls:
    """Where Twilio posts what it gathered or recorded (absolute or relative URLs)."""

    gather: str
    record: str


def spoken_text(reply: Reply) -> str:
    """The text, then each option with the key to press: "… 1, No water. 2, Dirty water."."""
    text = reply.text
    if reply.spoken_digits:  # a reference inside the text is read digit by digit too
        text = text.replace("".join(reply.spoken_digits), " ".join(reply.spoken_digits))
    options = " ".join(f"{n}, {o.label}." for n, o in enumerate(reply.options, start=1))
    return " ".join(part for part in (text, options) if part)


def _speak(target: Any, reply: Reply, recorded: RecordedPrompt | None) -> None:
    url = recorded(reply) if recorded is not None else None
    voice = voice_for(reply.language)
    if url:
        target.play(url)
    elif reply.text or reply.options:
        target.say(spoken_text(reply), voice=voice.voice, language=voice.language)
    if reply.spoken_digits:
        digits = ", ".join(reply.spoken_digits)
        for _ in range(2):  # a reference is read slowly, digit by digit, twice
            target.pause(length=1)
            target.say(digits, voice=voice.voice, language=voice.language)


def _line(message: str, like: Reply) -> Reply:
    """A catalog sentence of the call itself (reprompt, goodbye) in the reply's language."""
    return replace(
        like,
        text=i18n.say(message, like.language),
        options=(),
        expect=Expect.NOTHING,
        spoken_digits=(),
    )


def _prompt(
    response: VoiceResponse,
    reply: Reply,
    urls: CallUrls,
    recorded: RecordedPrompt | None,
    before: Reply | None = None,
) -> None:
    """One attempt at getting what `reply.expect` asks for; `before` is said first."""
    voice = voice_for(reply.language)
    if reply.expect is Expect.MEDIA:
        if before is not None:
            _speak(response, before, recorded)
        _speak(response, reply, recorded)
        response.record(
            action=urls.record,
            method="POST",
            max_length=RECORD_MAX_SECONDS,
            timeout=GATHER_TIMEOUT_SECONDS,
            finish_on_key="#",
            play_beep=True,
        )
        return
    settings: dict[str, object] = {"language": voice.speech}
    if reply.expect is Expect.CHOICE or (reply.expect is Expect.TEXT and reply.options):
        digits = 1 if len(reply.options) <= 9 else 2
        settings.update(input="dtmf speech", num_digits=digits, speech_timeout="auto")
    elif reply.expect is Expect.DIGITS:
        settings.update(input="dtmf", finish_on_key="#", num_digits=None)
    else:
        settings.update(input="speech", speech_timeout="auto")
    gather = response.gather(
        action=urls.gather, method="POST", timeout=GATHER_TIMEOUT_SECONDS, **settings
    )
    if before is not None:
        _speak(gather, before, recorded)
    _speak(gather, reply, recorded)


def call_twiml(
    replies: Sequence[Reply], urls: CallUrls, recorded: RecordedPrompt | None = None
) -> str:
    """The TwiML answering one step of a call."""
    response = VoiceResponse()
    if not replies:
        response.hangup()
        return str(response.to_xml())
    *before, last = replies
    for reply in before:
        _speak(response, reply, recorded)
    if last.expect is Expect.NOTHING:
        _speak(response, last, recorded)
        response.hangup()
        return str(response.to_xml())
    _prompt(response, last, urls, recorded)
    # No input: sorry, ask once more; then goodbye.
    _prompt(response, last, urls, recorded, before=_line(messages.CALL_REPROMPT, last))
    _speak(response, _line(messages.CALL_GOODBYE, last), recorded)
    response.hangup()
    return str(response.to_xml())
