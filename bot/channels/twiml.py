"""Replies as TwiML for a phone call (Twilio IVR). Pure functions.

The last reply decides what the call waits for (`Expect`): a keypad choice, digits, speech or a
recording. When the caller gives nothing, TwiML falls through to the next verb: we prompt once
more, then say a polite goodbye and hang up, so a call never ends in silence.

Voices: Twilio <Say> with Google voices for the ten Indian languages it speaks. Odia, Assamese
and Urdu have no Twilio voice: a `recorded` hook can supply a recorded prompt (<Play>) for any
reply; without one we fall back to the Hindi voice, which only suits text written in Devanagari
or Latin letters, so the engine should offer calls only in languages where `has_voice` is true
or provide recordings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from twilio.twiml.voice_response import VoiceResponse  # type: ignore[import-untyped]

from bot.protocol import Expect, Reply


@dataclass(frozen=True, slots=True)
class Voice:
    language: str  # Twilio's language code for <Say> and speech recognition
    voice: str  # a Twilio voice name (check in Console → Voice → Text-to-Speech)


# BCP-47 base language → Twilio voice; Google standard voices exist for each of these.
VOICES: dict[str, Voice] = {
    code: Voice(f"{code}-IN", f"Google.{code}-IN-Standard-A")
    for code in ("hi", "mr", "bn", "ta", "te", "gu", "kn", "ml", "pa", "en")
}
FALLBACK_VOICE = VOICES["hi"]  # Odia (or), Assamese (as), Urdu (ur): no Twilio voice

GATHER_TIMEOUT_SECONDS = 6
RECORD_MAX_SECONDS = 60
DIGITS_MAX = 12

# Said when the caller gives no input, before hanging up. Short, and only in voice languages.
GOODBYE: dict[str, str] = {
    "hi": "हमें आपका जवाब नहीं मिला। कृपया बाद में फिर से कॉल करें। धन्यवाद।",
    "mr": "आम्हाला तुमचे उत्तर मिळाले नाही. कृपया नंतर पुन्हा कॉल करा. धन्यवाद.",
    "bn": "আমরা আপনার উত্তর পাইনি। অনুগ্রহ করে পরে আবার কল করুন। ধন্যবাদ।",
    "ta": "உங்கள் பதில் கிடைக்கவில்லை. தயவுசெய்து பின்னர் மீண்டும் அழைக்கவும். நன்றி.",
    "te": "మీ సమాధానం అందలేదు. దయచేసి తర్వాత మళ్ళీ కాల్ చేయండి. ధన్యవాదాలు.",
    "gu": "અમને તમારો જવાબ મળ્યો નથી. કૃપા કરીને પછી ફરી કૉલ કરો. આભાર.",
    "kn": "ನಿಮ್ಮ ಉತ್ತರ ಸಿಗಲಿಲ್ಲ. ದಯವಿಟ್ಟು ನಂತರ ಮತ್ತೆ ಕರೆ ಮಾಡಿ. ಧನ್ಯವಾದಗಳು.",
    "ml": "നിങ്ങളുടെ മറുപടി ലഭിച്ചില്ല. ദയവായി പിന്നീട് വീണ്ടും വിളിക്കുക. നന്ദി.",
    "pa": "ਸਾਨੂੰ ਤੁਹਾਡਾ ਜਵਾਬ ਨਹੀਂ ਮਿਲਿਆ। ਕਿਰਪਾ ਕਰਕੇ ਬਾਅਦ ਵਿੱਚ ਦੁਬਾਰਾ ਕਾਲ ਕਰੋ। ਧੰਨਵਾਦ।",
    "en": "We did not hear from you. Please call again later. Thank you.",
}

RecordedPrompt = Callable[[Reply], str | None]


def voice_for(language: str) -> Voice:
    return VOICES.get(language.split("-")[0].lower(), FALLBACK_VOICE)


def has_voice(language: str) -> bool:
    return language.split("-")[0].lower() in VOICES


def goodbye_for(language: str) -> str:
    base = language.split("-")[0].lower()
    return GOODBYE.get(base) or GOODBYE[FALLBACK_VOICE.language.split("-")[0]]


@dataclass(frozen=True, slots=True)
class CallUrls:
    """Where Twilio posts what it gathered or recorded (absolute or relative URLs)."""

    gather: str
    record: str


def spoken_text(reply: Reply) -> str:
    """The text, then each option with the key to press: "… 1, No water. 2, Dirty water."."""
    options = " ".join(f"{n}, {o.label}." for n, o in enumerate(reply.options, start=1))
    return " ".join(part for part in (reply.text, options) if part)


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


def _prompt(
    response: VoiceResponse, reply: Reply, urls: CallUrls, recorded: RecordedPrompt | None
) -> None:
    """One attempt at getting what `reply.expect` asks for."""
    voice = voice_for(reply.language)
    if reply.expect is Expect.MEDIA:
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
    settings: dict[str, object] = {"language": voice.language}
    if reply.expect is Expect.CHOICE:
        digits = 1 if len(reply.options) <= 9 else 2
        settings.update(input="dtmf speech", num_digits=digits, speech_timeout="auto")
    elif reply.expect is Expect.DIGITS:
        settings.update(input="dtmf", finish_on_key="#", num_digits=None)
    else:
        settings.update(input="speech", speech_timeout="auto")
    gather = response.gather(
        action=urls.gather, method="POST", timeout=GATHER_TIMEOUT_SECONDS, **settings
    )
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
    _prompt(response, last, urls, recorded)  # no input: ask once more
    voice = voice_for(last.language)
    response.say(goodbye_for(last.language), voice=voice.voice, language=voice.language)
    response.hangup()
    return str(response.to_xml())
