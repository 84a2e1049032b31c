"""Every IVR voice and language code is one Twilio lists, and the TwiML carries them.

The sets below are the Indian entries of Twilio's generated TwiML types (twilio-node
`src/twiml/VoiceResponse.ts`, commit 000c5255f5846e36eefbad064c4f5b7b19f8c4c8: `SayVoice`,
`SayLanguage`, `GatherLanguage`). Copy new values from there, never from memory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.channels.twilio.twiml import (
    FALLBACK_VOICE,
    VOICES,
    CallUrls,
    call_twiml,
    has_voice,
    voice_for,
)
from bot.exchange import Expect, Option, Reply

SAY_LANGUAGES = frozenset(
    {"bn-IN", "en-IN", "gu-IN", "hi-IN", "kn-IN", "ml-IN", "mr-IN", "pa-IN", "ta-IN", "te-IN"}
)
GATHER_LANGUAGES = frozenset(
    {
        "bn-IN",
        "en-IN",
        "gu-IN",
        "hi-IN",
        "kn-IN",
        "ml-IN",
        "mr-IN",
        "pa-guru-IN",
        "ta-IN",
        "te-IN",
        "ur-IN",
    }
)
# Google standard voices per <Say> language (the Wavenet, Neural2 and Chirp3-HD ones also exist).
_STANDARD = {
    "bn-IN": "ABCD",
    "en-IN": "ABCDEF",
    "gu-IN": "ABCD",
    "hi-IN": "ABCDEF",
    "kn-IN": "ABCD",
    "ml-IN": "ABCD",
    "mr-IN": "ABC",
    "pa-IN": "ABCD",
    "ta-IN": "ABCD",
    "te-IN": "ABCD",
}
SAY_VOICES = frozenset(
    f"Google.{code}-Standard-{letter}" for code, letters in _STANDARD.items() for letter in letters
)
INDIAN = ("en", "hi", "mr", "bn", "ta", "te", "gu", "kn", "ml", "pa")


def test_the_ten_indian_languages_twilio_speaks_have_a_voice() -> None:
    assert set(VOICES) == set(INDIAN)


@pytest.mark.parametrize("language", INDIAN)
def test_each_voice_and_code_is_one_twilio_lists_for_that_language(language: str) -> None:
    voice = VOICES[language]
    assert voice.language in SAY_LANGUAGES and voice.language.startswith(f"{language}-")
    assert voice.voice in SAY_VOICES and voice.voice.startswith(f"Google.{voice.language}-")
    assert voice.speech in GATHER_LANGUAGES and voice.speech.startswith(f"{language}-")


@pytest.mark.parametrize("language", ["or", "as", "ur", "ur-IN", "or-IN"])
def test_odia_assamese_and_urdu_use_the_documented_fallback(language: str) -> None:
    assert not has_voice(language)
    assert voice_for(language) is FALLBACK_VOICE is VOICES["hi"]


@pytest.mark.parametrize(
    ("language", "say", "voice", "speech"),
    [
        ("pa", "pa-IN", "Google.pa-IN-Standard-A", "pa-guru-IN"),
        ("ta", "ta-IN", "Google.ta-IN-Standard-A", "ta-IN"),
        ("hi-Latn", "hi-IN", "Google.hi-IN-Standard-A", "hi-IN"),
        ("or", "hi-IN", "Google.hi-IN-Standard-A", "hi-IN"),
    ],
)
def test_the_twiml_asks_with_the_voice_and_listens_in_the_language(
    language: str, say: str, voice: str, speech: str
) -> None:
    reply = Reply("?", language, options=(Option("a", "A"), Option("b", "B")), expect=Expect.CHOICE)
    root = ET.fromstring(call_twiml([reply], CallUrls(gather="/g", record="/r")))
    gathers = root.findall("Gather")
    assert gathers and all(g.attrib["language"] == speech for g in gathers)
    spoken = list(root.iter("Say"))
    assert spoken and all((s.attrib["voice"], s.attrib["language"]) == (voice, say) for s in spoken)
