"""Whole phone calls (IVR): signed Twilio voice posts through the real app, dialogue engine, NLU
and database (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bot import messages
from bot.channels.twilio.twiml import VOICES
from bot.flows import calls
from grievance import i18n, labels
from grievance.tickets.enums import AttachmentKind
from grievance.tickets.models import Attachment, Ticket
from grievance.types import Channel
from tests.builders import Place
from tests.conftest import AssembleFn

TOKEN = "test-auth-token"
BASE = "https://jal.example.in"
VOICE = "/webhooks/twilio/voice"
PROMPTS = "https://cdn.example.in/ivr"


def call_client(assemble: AssembleFn, **settings: str) -> TestClient:
    """The service as `serve` builds it, with Twilio configured: the real dialogue and NLU."""
    twilio = {"public_base_url": BASE, "twilio_account_sid": "AC123", "twilio_auth_token": TOKEN}
    return TestClient(assemble(**twilio, **settings).app())


@pytest.fixture
def client(assemble: AssembleFn, place: Place) -> Iterator[TestClient]:
    with call_client(assemble) as test_client:
        yield test_client


class Call:
    """One phone call: posts what Twilio would, signed, following the TwiML's action URLs."""

    def __init__(
        self, client: TestClient, sid: str = "CA0001", phone: str = "+919812345678"
    ) -> None:
        self.client, self.sid, self.phone = client, sid, phone
        self.root = ET.Element("Response")

    def _post(self, path: str, **fields: str) -> ET.Element:
        params = {
            "AccountSid": "AC123",
            "CallSid": self.sid,
            "From": self.phone,
            "To": "+15005550006",
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **fields,
        }
        signature = RequestValidator(TOKEN).compute_signature(BASE + path, params)
        response = self.client.post(
            path,
            content=urlencode(params).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
        )
        assert response.status_code == 200, response.text
        self.root = ET.fromstring(response.text)
        return self.root

    def start(self) -> ET.Element:
        return self._post(VOICE)

    def press(self, digits: str) -> ET.Element:
        return self._post(self.gather_url, Digits=digits)

    def say(self, speech: str) -> ET.Element:
        return self._post(self.gather_url, SpeechResult=speech, Confidence="0.91")

    def record(self, url: str) -> ET.Element:
        record = self.root.find("Record")
        assert record is not None, "the call is not recording"
        return self._post(record.attrib["action"], RecordingUrl=url, RecordingDuration="9")

    @property
    def gather(self) -> ET.Element:
        gather = self.root.find("Gather")
        assert gather is not None, ET.tostring(self.root, encoding="unicode")
        return gather

    @property
    def gather_url(self) -> str:
        return self.gather.attrib["action"]

    @property
    def asked(self) -> str:
        """What the (first) prompt says."""
        return " ".join(say.text or "" for say in self.gather.findall("Say"))

    @property
    def said(self) -> list[str]:
        """What is said before the prompt (everything, when the call ends)."""
        before = []
        for child in self.root:
            if child.tag in ("Gather", "Record"):
                break
            if child.tag == "Say":
                before.append(child.text or "")
        return before

    def option(self, label: str) -> str:
        """The key announced for `label` in the current prompt ("2, Hindi." → "2")."""
        for number, name in re.findall(r"(?:^|\s)(\d+), (.+?)\.(?=\s\d+, |$)", self.asked):
            if name == label:
                return str(number)
        raise AssertionError(f"{label!r} not offered in {self.asked!r}")


def said(message: str, language: str, **params: str) -> str:
    return i18n.say(message, language, **params)


def name_of(category: str, language: str) -> str:
    return said(labels.CATEGORY_LABELS[category], language)


def tickets(sessions: sessionmaker[Session]) -> list[Ticket]:
    with sessions() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def consent_in(call: Call, language: str, name: str) -> None:
    """From the first ring to the complaint menu, choosing `language` by keypad."""
    call.start()
    assert call.asked.startswith(said(messages.LANGUAGE_MENU, calls.FIRST_LANGUAGE))
    call.press(call.option(name))
    assert call.said[:2] == [
        said(messages.LANGUAGE_SET, language),
        said(messages.PRIVACY_NOTICE, language),
    ]
    assert call.asked.startswith(said(messages.CONSENT_QUESTION, language))
    call.press("1")
    assert call.asked.startswith(said(messages.MAIN_MENU_CALL, language))


def read_twice(root: ET.Element, reference: str) -> None:
    digits = ", ".join(reference)
    assert [say.text for say in root.findall("Say")][-2:] == [digits, digits]
    assert len(root.findall("Pause")) == 2 and root[-1].tag == "Hangup"


# -- the whole call ---------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "name"), [("hi", "Hindi"), ("en", "English")])
def test_a_complaint_by_keypad_from_language_menu_to_the_reference(
    client: TestClient, sessions: sessionmaker[Session], language: str, name: str
) -> None:
    call = Call(client)
    root = call.start()
    assert call.gather.attrib["input"] == "dtmf speech"
    assert call.gather.attrib["language"] == "hi-IN"
    assert call.gather_url == f"{VOICE}/gather?step=1"
    assert root[-1].tag == "Hangup"
    consent_in(call, language, name)
    voice = VOICES[language]
    assert call.gather.attrib["language"] == voice.speech

    call.press(call.option(name_of("no_water", language)))
    assert call.asked == said(messages.ASK_VILLAGE_CODE_CALL, language)
    assert call.gather.attrib["input"] == "dtmf" and call.gather.attrib["finishOnKey"] == "#"

    call.press("601014")
    yes, no = said(messages.YES, language), said(messages.NO, language)
    read_back = said(messages.VILLAGE_READ_BACK, language, digits="6 0 1 0 1 4", village="Tammapur")
    assert call.asked == f"{read_back} 1, {yes}. 2, {no}."
    [say] = call.gather.findall("Say")
    assert (say.attrib["voice"], say.attrib["language"]) == (voice.voice, voice.language)

    call.press("1")
    assert call.asked.startswith(said(messages.ASK_SINCE_CALL, language))
    assert call.gather.attrib["input"] == "dtmf speech"  # 1 skips, or say how long
    call.press("1")
    record, skip = said(messages.RECORD, language), said(messages.SKIP, language)
    assert call.asked == f"{said(messages.ASK_RECORDING, language)} 1, {record}. 2, {skip}."
    call.press("2")
    summary = said(
        messages.SUMMARY, language, problem=name_of("no_water", language), village="Tammapur"
    )
    assert call.asked.startswith(summary)
    root = call.press("1")

    [ticket] = tickets(sessions)
    assert ticket.channel is Channel.VOICE and ticket.language == language
    with sessions() as session:
        filed = session.get(Ticket, ticket.id)
        assert filed is not None and filed.incident.village_code == 601014
        assert filed.attachments == []
    assert root.find("Gather") is None and root.find("Record") is None
    first = call.said[0]
    assert " ".join(ticket.reference) in first and ticket.reference not in first
    read_twice(root, ticket.reference)


def test_calling_again_starts_at_the_complaint_menu_in_the_chosen_language(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    first = Call(client, "CA0001")
    consent_in(first, "en", "English")
    first.press("1")  # hangs up while asked for the village
    again = Call(client, "CA0002")
    again.start()
    assert again.said == [] and again.asked.startswith(said(messages.MAIN_MENU_CALL, "en"))
    Call(client, "CA0003", phone="+919812345679").start()  # hangs up at the language menu
    never = Call(client, "CA0004", phone="+919812345679")
    never.start()
    assert never.said == [] and never.asked.startswith(said(messages.LANGUAGE_MENU, "hi"))
    never.press(never.option("Hindi"))
    assert never.said[1] == said(messages.PRIVACY_NOTICE, "hi")


def test_a_wrong_code_is_said_back_and_asked_again_and_2_enters_it_again(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    call = Call(client)
    consent_in(call, "hi", "Hindi")
    call.press("1")
    call.press("999999")
    assert call.said[0] == said(messages.UNKNOWN_VILLAGE_CODE_CALL, "hi", digits="9 9 9 9 9 9")
    assert call.asked == said(messages.ASK_VILLAGE_CODE_CALL, "hi")
    call.press("601015")
    assert call.asked.startswith(
        said(messages.VILLAGE_READ_BACK, "hi", digits="6 0 1 0 1 5", village="Kapgal")
    )
    call.press("2")  # not right: enter it again
    assert call.asked == said(messages.ASK_VILLAGE_CODE_CALL, "hi")
    call.press("601014")
    assert "Tammapur" in call.asked
    assert tickets(sessions) == []


def test_a_key_not_offered_is_answered_in_words_for_a_call(client: TestClient) -> None:
    call = Call(client)
    consent_in(call, "hi", "Hindi")
    call.press("12")  # the menu has 11
    assert call.said[0] == said(messages.NOT_UNDERSTOOD_CALL, "hi")
    assert call.asked.startswith(said(messages.MAIN_MENU_CALL, "hi"))
    call.press("1")
    call.say("Tammapur")  # no name search on a call: the code is asked for again
    assert call.said == [] and call.asked == said(messages.ASK_VILLAGE_CODE_CALL, "hi")
    call.press("601014")
    call.press("1")
    call.press("1")
    call.press("2")
    call.press("7")  # neither yes nor no
    assert call.said[0] == said(messages.CHOOSE_FROM_LIST_CALL, "hi")
    assert "Tammapur" in call.asked


# -- speech -----------------------------------------------------------------------------------


def test_the_complaint_and_the_answers_can_be_spoken(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    call = Call(client)
    call.start()
    call.say("हिंदी")  # the language by name
    assert call.said[0] == said(messages.LANGUAGE_SET, "hi")
    call.say("हाँ")
    assert call.asked.startswith(said(messages.MAIN_MENU_CALL, "hi"))
    call.say("पानी नहीं आ रहा")  # through the NLU
    assert call.asked == said(messages.ASK_VILLAGE_CODE_CALL, "hi")
    call.press("601014")
    call.say("हाँ")
    call.say("3 दिन से")
    assert call.asked.startswith(said(messages.ASK_RECORDING, "hi"))
    call.press("1")  # record a description
    assert call.said == [said(messages.RECORD_NOW, "hi")]
    call.record("https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings/RE1")
    assert "Tammapur" in call.asked
    root = call.say("हाँ")
    [ticket] = tickets(sessions)
    with sessions() as session:
        [attachment] = session.scalars(select(Attachment)).all()
        assert attachment.kind is AttachmentKind.RECORDING
        assert attachment.url.endswith("/Recordings/RE1")
        filed = session.get(Ticket, ticket.id)
        assert filed is not None and filed.incident.category.value == "no_water"
    read_twice(root, ticket.reference)


# -- no input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["hi", "en"])
def test_no_input_reprompts_once_then_says_goodbye_in_the_callers_language(
    client: TestClient, language: str
) -> None:
    call = Call(client)
    consent_in(call, language, "Hindi" if language == "hi" else "English")
    root = call.press("1")
    assert [child.tag for child in root] == ["Gather", "Gather", "Say", "Hangup"]
    first, again = root.findall("Gather")
    assert [s.text for s in again.findall("Say")] == [
        said(messages.CALL_REPROMPT, language),
        said(messages.ASK_VILLAGE_CODE_CALL, language),
    ]
    assert first.attrib["action"] == again.attrib["action"]
    goodbye = root.findall("Say")[-1]
    assert goodbye.text == said(messages.CALL_GOODBYE, language)
    assert goodbye.attrib["language"] == VOICES[language].language


def test_a_recording_left_empty_asks_again_then_says_goodbye(client: TestClient) -> None:
    call = Call(client)
    consent_in(call, "hi", "Hindi")
    call.press("1")
    call.press("601014")
    call.press("1")
    call.press("1")
    root = call.press("1")
    assert [child.tag for child in root] == [
        "Say",
        "Record",
        "Say",
        "Say",
        "Record",
        "Say",
        "Hangup",
    ]
    assert root[2].text == said(messages.CALL_REPROMPT, "hi")
    assert root[5].text == said(messages.CALL_GOODBYE, "hi")


# -- languages without a voice ----------------------------------------------------------------


def test_an_odia_caller_is_offered_hindi_or_english_with_an_apology(client: TestClient) -> None:
    call = Call(client)
    call.start()
    root = call.press(call.option("Odia"))
    hindi = root.findall("Say")[0]
    assert hindi.text == said(messages.CALL_LANGUAGE_UNAVAILABLE, "hi")
    assert hindi.attrib["voice"] == VOICES["hi"].voice
    english = said(messages.CALL_LANGUAGE_UNAVAILABLE, "en")
    assert call.asked == f"{english} 1, Hindi. 2, English."
    [offer] = call.gather.findall("Say")
    assert offer.attrib["voice"] == VOICES["en"].voice
    call.press("1")
    assert call.said[0] == said(messages.LANGUAGE_SET, "hi")
    assert call.asked.startswith(said(messages.CONSENT_QUESTION, "hi"))


def test_with_recorded_prompts_an_odia_call_plays_them(assemble: AssembleFn, place: Place) -> None:
    with call_client(assemble, ivr_prompts_url=PROMPTS + "/") as client:
        with_prompts(client)


def with_prompts(client: TestClient) -> None:
    call = Call(client)
    call.start()
    root = call.press(call.option("Odia"))
    played = [play.text for play in root.iter("Play")]
    assert played[:3] == [
        f"{PROMPTS}/or/language_set.mp3",
        f"{PROMPTS}/or/privacy_notice.mp3",
        f"{PROMPTS}/or/consent_question.mp3",
    ]
    assert played[-1] == f"{PROMPTS}/or/call_goodbye.mp3"
    assert f"{PROMPTS}/or/call_reprompt.mp3" in played
    call.press("1")
    assert [play.text for play in call.gather.findall("Play")] == [
        f"{PROMPTS}/or/main_menu_call.mp3"
    ]


def test_every_voiced_language_has_a_voice_and_the_others_have_none() -> None:
    assert set(VOICES) == calls.VOICED
    assert {"or", "as", "ur"}.isdisjoint(VOICES)
    assert {tag for key, _ in calls.language_options() for tag in [key.removeprefix("lang:")]} == {
        *calls.SPOKEN_NAMES
    }
