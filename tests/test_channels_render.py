"""Replies rendered for SMS, WhatsApp, Telegram and phone calls (pure functions)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from bot.channels import render
from bot.channels.twilio.twiml import CallUrls, call_twiml, has_voice, voice_for
from bot.exchange import Expect, Option, Reply

OPTIONS = (Option("no_water", "No water"), Option("dirty_water", "Dirty water"))
URLS = CallUrls(gather="/g?step=1", record="/r?step=1")


def graphemes(text: str) -> list[str]:
    return list(regex.findall(r"\X", text))


# -- SMS ------------------------------------------------------------------------------------


def test_short_gsm_text_is_one_segment_of_up_to_160() -> None:
    plan = render.sms_segments("a" * 160)
    assert plan.encoding == "GSM-7" and plan.segments == ("a" * 160,)


def test_long_gsm_text_splits_at_spaces_into_153_septet_parts() -> None:
    text = "No water in Tammapur for three days now. " * 10
    plan = render.sms_segments(text)
    assert plan.encoding == "GSM-7" and len(plan.segments) == 3
    assert "".join(plan.segments) == text
    assert all(len(s) <= 153 for s in plan.segments)
    assert all(s.endswith(" ") for s in plan.segments[:-1])  # never inside a word


def test_gsm_extension_characters_count_twice() -> None:
    plan = render.sms_segments("{" * 81)  # 162 septets
    assert plan.encoding == "GSM-7" and len(plan.segments) == 2
    assert [len(s) for s in plan.segments] == [76, 5]  # 76 * 2 = 152 ≤ 153


def test_devanagari_is_ucs2_with_70_then_67_unit_segments() -> None:
    assert render.sms_segments("पानी नहीं आ रहा").segments == ("पानी नहीं आ रहा",)
    text = "हमारे गाँव में तीन दिन से पानी नहीं आ रहा है। " * 6
    plan = render.sms_segments(text)
    assert plan.encoding == "UCS-2" and len(plan.segments) > 1
    assert "".join(plan.segments) == text
    assert all(len(s.encode("utf-16-le")) // 2 <= 67 for s in plan.segments)
    for segment in plan.segments:  # every cut lies between grapheme clusters
        assert "".join(graphemes(segment)) == segment
        assert not segment[0].isspace()


def test_a_devanagari_word_longer_than_a_segment_is_cut_between_clusters() -> None:
    word = "क्षत्रिय" * 20  # conjuncts: a cut inside one would break the letter
    plan = render.sms_segments(word)
    assert "".join(plan.segments) == word
    clusters = graphemes(word)
    boundaries = {len("".join(clusters[:i])) for i in range(len(clusters) + 1)}
    position = 0
    for segment in plan.segments[:-1]:
        position += len(segment)
        assert position in boundaries


def test_a_cluster_longer_than_a_segment_goes_whole_and_alone() -> None:
    giant = "a" + "\u0301" * 100  # one grapheme cluster of 101 UCS-2 units
    plan = render.sms_segments("x " + giant + " y")
    assert plan.segments == ("x ", giant, " y")


def test_newlines_are_preferred_cut_points() -> None:
    text = "line one is here\n" + "word " * 40
    plan = render.sms_segments(text)
    assert plan.segments[0] == "line one is here\n" or plan.segments[0].endswith(" ")


@given(st.text(max_size=600))
def test_segments_always_rebuild_the_text_and_fit(text: str) -> None:
    plan = render.sms_segments(text)
    assert "".join(plan.segments) == text
    limit = 153 if plan.encoding == "GSM-7" else 67
    if len(plan.segments) > 1:
        for segment in plan.segments:
            units = (
                sum(2 if c in render.GSM_EXTENDED else 1 for c in segment)
                if plan.encoding == "GSM-7"
                else len(segment.encode("utf-16-le")) // 2
            )
            assert units <= limit or len(graphemes(segment)) == 1


def test_sms_and_whatsapp_number_the_options() -> None:
    reply = Reply("What is the problem?", "en", options=OPTIONS, expect=Expect.CHOICE)
    expected = "What is the problem?\n1 No water\n2 Dirty water"
    assert render.sms_bodies([reply]) == [expected]
    assert render.whatsapp_bodies([reply]) == [expected]


def test_a_very_long_reply_becomes_several_twilio_bodies() -> None:
    bodies = render.sms_bodies([Reply("पानी " * 1000, "hi")])
    assert len(bodies) == 4 and all(len(b) <= 1600 for b in bodies)
    assert "".join(bodies) == "पानी " * 1000


# -- Telegram -------------------------------------------------------------------------------


def test_telegram_options_become_buttons_with_the_key_as_callback_data() -> None:
    [message] = render.telegram_messages(Reply("Problem?", "en", options=OPTIONS))
    assert message.text == "Problem?"
    assert message.buttons == ((("No water", "no_water"),), (("Dirty water", "dirty_water"),))


def test_telegram_keys_over_64_bytes_fall_back_to_numbered_text() -> None:
    long_key = Option("क" * 30, "Too long")  # 90 bytes in UTF-8
    [message] = render.telegram_messages(Reply("Problem?", "en", options=(long_key,)))
    assert message.buttons == () and message.text == "Problem?\n1 Too long"


def test_telegram_long_text_is_split_with_buttons_on_the_last_piece() -> None:
    messages = render.telegram_messages(Reply("ಪದ " * 3000, "kn", options=OPTIONS))
    assert len(messages) == 3 and all(len(m.text) <= 4096 for m in messages)
    assert [bool(m.buttons) for m in messages] == [False, False, True]


# -- Phone calls (TwiML) --------------------------------------------------------------------


def parse(twiml: str) -> ET.Element:
    return ET.fromstring(twiml)


def test_choice_gathers_one_digit_or_speech_in_the_callers_language() -> None:
    reply = Reply("समस्या क्या है?", "hi", options=OPTIONS, expect=Expect.CHOICE)
    root = parse(call_twiml([reply], URLS))
    gathers = root.findall("Gather")
    assert len(gathers) == 2  # the prompt, then once more if nothing was heard
    first = gathers[0].attrib
    assert first["input"] == "dtmf speech" and first["numDigits"] == "1"
    assert first["language"] == "hi-IN" and first["action"] == "/g?step=1"
    assert first["timeout"].isdigit()
    say = gathers[0].find("Say")
    assert say is not None and say.attrib["voice"] == "Google.hi-IN-Standard-A"
    assert say.text == "समस्या क्या है? 1, No water. 2, Dirty water."


def test_digits_gather_keypad_until_hash() -> None:
    root = parse(call_twiml([Reply("Village code?", "en", expect=Expect.DIGITS)], URLS))
    gather = root.find("Gather")
    assert gather is not None
    assert gather.attrib["input"] == "dtmf" and gather.attrib["finishOnKey"] == "#"
    assert "numDigits" not in gather.attrib and gather.attrib["language"] == "en-IN"


def test_text_gathers_speech() -> None:
    root = parse(call_twiml([Reply("ಹೇಳಿ", "kn", expect=Expect.TEXT)], URLS))
    gather = root.find("Gather")
    assert gather is not None and gather.attrib["input"] == "speech"
    assert gather.attrib["language"] == "kn-IN"


def test_media_records_with_a_limit_and_an_action() -> None:
    root = parse(call_twiml([Reply("Describe it after the beep", "en", expect=Expect.MEDIA)], URLS))
    records = root.findall("Record")
    assert len(records) == 2
    assert records[0].attrib["action"] == "/r?step=1" and records[0].attrib["maxLength"] == "60"


def test_no_input_reprompts_once_then_says_goodbye_and_hangs_up() -> None:
    root = parse(call_twiml([Reply("ప్రశ్న", "te", options=OPTIONS, expect=Expect.CHOICE)], URLS))
    assert [child.tag for child in root] == ["Gather", "Gather", "Say", "Hangup"]
    goodbye = root.findall("Say")[-1]
    assert goodbye.attrib["language"] == "te-IN" and goodbye.text


def test_earlier_replies_are_said_before_the_prompt() -> None:
    replies = [
        Reply("Welcome", "en"),
        Reply("Problem?", "en", options=OPTIONS, expect=Expect.CHOICE),
    ]
    root = parse(call_twiml(replies, URLS))
    assert [child.tag for child in root][:2] == ["Say", "Gather"]


def test_reference_is_read_digit_by_digit_twice() -> None:
    reply = Reply(
        "Your reference is", "en", expect=Expect.NOTHING, spoken_digits=tuple("9880136938")
    )
    root = parse(call_twiml([reply], URLS))
    said = [say.text for say in root.findall("Say")]
    assert said == [
        "Your reference is",
        "9, 8, 8, 0, 1, 3, 6, 9, 3, 8",
        "9, 8, 8, 0, 1, 3, 6, 9, 3, 8",
    ]
    assert len(root.findall("Pause")) == 2 and root[-1].tag == "Hangup"


@pytest.mark.parametrize("language", ["hi", "mr", "bn", "ta", "te", "gu", "kn", "ml", "pa", "en"])
def test_every_voice_language_has_a_twilio_voice(language: str) -> None:
    voice = voice_for(language)
    assert has_voice(language) and voice.language == f"{language}-IN"
    assert voice.voice == f"Google.{language}-IN-Standard-A"


@pytest.mark.parametrize("language", ["or", "as", "ur"])
def test_languages_without_a_twilio_voice_fall_back_to_hindi(language: str) -> None:
    assert not has_voice(language) and voice_for(language).language == "hi-IN"


def test_a_recorded_prompt_is_played_instead_of_synthesised() -> None:
    reply = Reply("ପାଣି ନାହିଁ", "or", expect=Expect.TEXT)
    twiml = call_twiml([reply], URLS, recorded=lambda r: "https://cdn.example/or/ask.mp3")
    gather = parse(twiml).find("Gather")
    assert gather is not None
    play = gather.find("Play")
    assert play is not None and play.text == "https://cdn.example/or/ask.mp3"


def test_no_replies_hangs_up() -> None:
    assert [child.tag for child in parse(call_twiml([], URLS))] == ["Hangup"]
