"""Every payload in `bot/channels/*/fixtures/` posted through the app as `jalsamvad serve` builds
it (`jalsamvad.assembly`), signed as the provider signs it, and checked for what the person
gets: the reply, what is stored (never the phone, name or chat in clear) and the `Inbound` the
dialogue sees. The fixtures are the providers' documented shapes; their README says whence.

Most tests stand a recording handler in for the dialogue; the SMS and the Telegram text run the
real dialogue and get the privacy notice in the language they were written in.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bot import messages
from bot.channels import telegram, twilio
from bot.exchange import Expect, Inbound, Media, Option, Reply, SharedContact
from grievance import i18n
from grievance.channel_messages.models import InboundMessage, OutboundMessage
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.conftest import AssembleFn
from tests.fake_telegram import Calls, FakeBotApi

TWILIO_FIXTURES = Path(twilio.__file__).parent / "fixtures"
TELEGRAM_FIXTURES = Path(telegram.__file__).parent / "fixtures"

BASE = "https://jal.example.in"
AUTH_TOKEN = "fixture-auth-token"
BOT_TOKEN = "4242:FIXTURE-TOKEN"
SECRET = "fixture-webhook-secret"

# The household in every Twilio fixture, and the Telegram user (and private chat) in each update.
PHONE = "+919812345678"
CHAT = 700000123
PERSONAL = ("9812345678", "Ramesh", "Meena", "jalsamvad_fixture_user", str(CHAT))

OPTIONS = (Option("no_water", "No water"), Option("dirty_water", "Dirty water"))


def twilio_fixture(name: str) -> dict[str, str]:
    fields = json.loads((TWILIO_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert all(isinstance(v, str) for v in fields.values()), "a form has only text fields"
    return dict(fields)


def telegram_fixture(name: str) -> dict[str, Any]:
    update = json.loads((TELEGRAM_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(update, dict)
    return update


ACCOUNT_SID = twilio_fixture("sms_received")["AccountSid"]


def test_every_fixture_is_posted_by_a_test_here() -> None:
    """A fixture added to a folder without a test here fails this test."""
    posted = set(TWILIO_ROUTES) | {f"{name}.json" for name in TELEGRAM_POSTED}
    found = {p.name for p in (*TWILIO_FIXTURES.glob("*.json"), *TELEGRAM_FIXTURES.glob("*.json"))}
    assert found == posted


class Recorder:
    """Stands in for the dialogue: remembers each `Inbound` and answers with one question
    (a shared contact with a plain sentence, as linking a staff chat does)."""

    def __init__(self) -> None:
        self.seen: list[Inbound] = []
        self.expect = Expect.CHOICE

    def answer(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        self.seen.append(inbound)
        if inbound.shared_contact is not None:
            return [Reply("Linked", "en")]
        return [Reply("What is the problem?", "en", options=OPTIONS, expect=self.expect)]

    def apology(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        return [Reply("Sorry", "en")]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def calls() -> Calls:
    return []


@pytest.fixture
def served(assemble: AssembleFn) -> Assembly:
    """Both channels configured as an operator would (no Twilio sender: replies as TwiML)."""
    return assemble(
        public_base_url=BASE,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        telegram_bot_token=BOT_TOKEN,
        telegram_secret_token=SECRET,
    )


@pytest.fixture
def client(served: Assembly, recorder: Recorder, calls: Calls) -> Iterator[TestClient]:
    app = served.app(handler=recorder, telegram_requests=lambda: FakeBotApi(calls))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def dialogue_client(served: Assembly, calls: Calls) -> Iterator[TestClient]:
    """The real dialogue engine, NLU and database: only Telegram's HTTP is faked."""
    with TestClient(served.app(telegram_requests=lambda: FakeBotApi(calls))) as test_client:
        yield test_client


# -- Twilio ---------------------------------------------------------------------------------

# Fixture → the route Twilio posts it to (a call's step is in the action URL we gave it).
TWILIO_ROUTES = {
    "sms_received.json": "/webhooks/twilio/messaging",
    "whatsapp_media.json": "/webhooks/twilio/messaging",
    "whatsapp_button.json": "/webhooks/twilio/messaging",
    "status_delivered.json": "/webhooks/twilio/status",
    "status_failed.json": "/webhooks/twilio/status",
    "voice_start.json": "/webhooks/twilio/voice",
    "voice_gather_digits.json": "/webhooks/twilio/voice/gather?step=1",
    "voice_gather_speech.json": "/webhooks/twilio/voice/gather?step=2",
    "voice_record.json": "/webhooks/twilio/voice/record?step=3",
}


def post_twilio(client: TestClient, name: str) -> httpx2.Response:
    """POST the fixture as Twilio does: form-encoded, signed over the public URL and fields."""
    path, fields = TWILIO_ROUTES[f"{name}.json"], twilio_fixture(name)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE + path, fields)
    return client.post(
        path,
        content=urlencode(fields).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )


def twiml(response: httpx2.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return root


def stored(assembly: Assembly) -> list[InboundMessage]:
    with assembly.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def assert_nothing_personal(row: InboundMessage) -> None:
    raw = json.dumps(row.payload, ensure_ascii=False)
    assert not [word for word in PERSONAL if word in raw], raw


def test_an_sms_is_answered_in_twiml_and_stored_without_the_phone(
    client: TestClient, served: Assembly, recorder: Recorder
) -> None:
    fields = twilio_fixture("sms_received")
    root = twiml(post_twilio(client, "sms_received"))
    assert [m.text for m in root.iter("Message")] == [
        "What is the problem?\n1 No water\n2 Dirty water"
    ]
    [inbound] = recorder.seen
    assert (inbound.channel, inbound.sender.canonical) == (Channel.SMS, PHONE)
    assert inbound.message_id == fields["MessageSid"] and inbound.text == fields["Body"]
    assert (inbound.payload, inbound.media, inbound.location) == ("", (), None)
    [row] = stored(served)
    assert (row.channel, row.provider_message_id) == (Channel.SMS, fields["MessageSid"])
    assert row.sender_hash == served.vault.lookup_hash(PHONE)
    assert row.payload["Body"] == fields["Body"] and row.processed_at is not None
    assert_nothing_personal(row)


def test_whatsapp_media_arrives_as_media_with_its_caption(
    client: TestClient, served: Assembly, recorder: Recorder
) -> None:
    fields = twilio_fixture("whatsapp_media")
    root = twiml(post_twilio(client, "whatsapp_media"))
    assert len(list(root.iter("Message"))) == 1
    [inbound] = recorder.seen
    assert (inbound.channel, inbound.sender.canonical) == (Channel.WHATSAPP, PHONE)
    assert inbound.message_id == fields["MessageSid"] and inbound.text == fields["Body"]
    assert inbound.media == (Media(fields["MediaUrl0"], "image/jpeg"),)
    [row] = stored(served)
    assert row.channel is Channel.WHATSAPP and row.payload["MediaUrl0"] == fields["MediaUrl0"]
    assert_nothing_personal(row)


def test_a_whatsapp_button_arrives_as_its_payload_and_metadata_is_not_kept(
    client: TestClient, served: Assembly, recorder: Recorder
) -> None:
    """Twilio repeats the sender's WhatsApp id and profile name inside ChannelMetadata."""
    twiml(post_twilio(client, "whatsapp_button"))
    [inbound] = recorder.seen
    assert (inbound.channel, inbound.sender.canonical) == (Channel.WHATSAPP, PHONE)
    assert (inbound.payload, inbound.text) == ("ACK 42", "Seen")
    [row] = stored(served)
    assert row.payload["ButtonPayload"] == "ACK 42"
    assert not {"ChannelMetadata", "ExternalUserId", "WaId", "ProfileName"} & set(row.payload)
    assert_nothing_personal(row)


@pytest.mark.parametrize(
    ("name", "channel", "status", "error_code"),
    [
        ("status_delivered", Channel.SMS, "delivered", None),
        ("status_failed", Channel.WHATSAPP, "failed", "63016"),
    ],
)
def test_a_status_callback_is_a_204_and_recorded_against_the_recipients_hash(
    client: TestClient,
    served: Assembly,
    recorder: Recorder,
    name: str,
    channel: Channel,
    status: str,
    error_code: str | None,
) -> None:
    fields = twilio_fixture(name)
    response = post_twilio(client, name)
    assert response.status_code == 204 and response.content == b""
    assert recorder.seen == [] and stored(served) == []
    with served.sessions() as session:
        [row] = session.scalars(select(OutboundMessage))
    assert (row.channel, row.provider_sid) == (channel, fields["MessageSid"])
    assert (row.status, row.error_code) == (status, error_code)
    assert row.to_hash == served.vault.lookup_hash(PHONE)


def test_a_call_is_answered_step_by_step_with_keypad_speech_and_a_recording(
    client: TestClient, served: Assembly, recorder: Recorder
) -> None:
    call_sid = twilio_fixture("voice_start")["CallSid"]
    start = twiml(post_twilio(client, "voice_start"))
    gather = start.find("Gather")
    assert gather is not None and gather.get("action") == "/webhooks/twilio/voice/gather?step=1"
    assert "What is the problem?" in "".join(gather.itertext())
    assert start[-1].tag == "Hangup"  # after asking twice, a goodbye, never silence

    twiml(post_twilio(client, "voice_gather_digits"))
    twiml(post_twilio(client, "voice_gather_speech"))
    recorder.expect = Expect.MEDIA
    twiml(post_twilio(client, "voice_record"))

    first, digits, speech, recording = recorder.seen
    assert {i.channel for i in recorder.seen} == {Channel.VOICE}
    assert {i.sender.canonical for i in recorder.seen} == {PHONE}
    assert [i.message_id for i in recorder.seen] == [f"{call_sid}:{n}" for n in range(4)]
    assert (first.text, first.digits, first.media) == ("", "", ())
    assert (digits.digits, digits.text) == ("2", "")
    assert speech.text == twilio_fixture("voice_gather_speech")["SpeechResult"]
    assert speech.transcript_confidence == pytest.approx(0.8742091)
    url = twilio_fixture("voice_record")["RecordingUrl"]
    assert recording.media == (Media(url, "audio/wav"),)

    rows = stored(served)
    assert [r.provider_message_id for r in rows] == [i.message_id for i in recorder.seen]
    assert {r.sender_hash for r in rows} == {served.vault.lookup_hash(PHONE)}
    for row in rows:
        assert not {"From", "To", "Caller", "Called"} & set(row.payload)
        assert_nothing_personal(row)


def test_the_record_step_answers_a_recording_request_with_record(
    client: TestClient, recorder: Recorder
) -> None:
    recorder.expect = Expect.MEDIA
    root = twiml(post_twilio(client, "voice_record"))
    record = root.find("Record")
    assert record is not None and record.get("action") == "/webhooks/twilio/voice/record?step=4"


def test_a_real_sms_gets_the_privacy_notice_in_hindi(
    dialogue_client: TestClient, served: Assembly
) -> None:
    root = twiml(post_twilio(dialogue_client, "sms_received"))
    said = "\n".join(m.text or "" for m in root.iter("Message"))
    assert i18n.say(messages.PRIVACY_NOTICE, "hi") in said
    assert i18n.say(messages.CONSENT_QUESTION, "hi") in said
    [row] = stored(served)
    assert_nothing_personal(row)


# -- Telegram -------------------------------------------------------------------------------

TELEGRAM_POSTED = (
    "text_message",
    "contact_shared",
    "callback_query",
    "photo_message",
    "edited_message",
)


def post_telegram(client: TestClient, name: str) -> httpx2.Response:
    """POST the update as Telegram does: JSON, with our secret token in its header."""
    return client.post(
        "/webhooks/telegram",
        content=json.dumps(telegram_fixture(name), ensure_ascii=False).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": SECRET,
        },
    )


def sent(calls: Calls) -> list[dict[str, Any]]:
    return [params for name, params in calls if name == "sendMessage"]


def test_a_telegram_text_is_answered_with_buttons_and_stored_without_the_user(
    client: TestClient, served: Assembly, recorder: Recorder, calls: Calls
) -> None:
    update = telegram_fixture("text_message")
    assert post_telegram(client, "text_message").status_code == 200
    [inbound] = recorder.seen
    assert (inbound.channel, inbound.sender.canonical) == (Channel.TELEGRAM, f"telegram:{CHAT}")
    assert inbound.message_id == str(update["update_id"])
    assert inbound.text == update["message"]["text"] and inbound.shared_contact is None
    [reply] = sent(calls)
    assert reply["chat_id"] == CHAT and reply["text"] == "What is the problem?"
    buttons = reply["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in buttons] == [["no_water"], ["dirty_water"]]
    [row] = stored(served)
    assert (row.channel, row.provider_message_id) == (Channel.TELEGRAM, str(update["update_id"]))
    assert row.sender_hash == served.vault.lookup_hash(f"telegram:{CHAT}")
    assert row.payload["message"]["text"] == update["message"]["text"]
    assert_nothing_personal(row)


def test_a_shared_contact_arrives_as_the_senders_own_number_and_is_not_stored(
    client: TestClient, served: Assembly, recorder: Recorder, calls: Calls
) -> None:
    assert post_telegram(client, "contact_shared").status_code == 200
    [inbound] = recorder.seen
    assert inbound.sender.canonical == f"telegram:{CHAT}"
    assert inbound.shared_contact == SharedContact("919812345678", own=True)
    [reply] = sent(calls)
    assert reply["text"] == "Linked"
    assert reply["reply_markup"] == {"remove_keyboard": True}  # the share button is done
    [row] = stored(served)
    assert "contact" not in row.payload["message"]
    assert_nothing_personal(row)


def test_a_button_tap_is_acknowledged_and_arrives_as_its_payload(
    client: TestClient, served: Assembly, recorder: Recorder, calls: Calls
) -> None:
    update = telegram_fixture("callback_query")
    assert post_telegram(client, "callback_query").status_code == 200
    [inbound] = recorder.seen
    assert (inbound.sender.canonical, inbound.payload) == (f"telegram:{CHAT}", "dirty_water")
    assert inbound.message_id == str(update["update_id"])
    [answered] = [params for name, params in calls if name == "answerCallbackQuery"]
    assert answered["callback_query_id"] == update["callback_query"]["id"]
    assert [r["chat_id"] for r in sent(calls)] == [CHAT]
    [row] = stored(served)
    assert_nothing_personal(row)


def test_a_photo_arrives_as_its_largest_size_with_the_caption(
    client: TestClient, served: Assembly, recorder: Recorder
) -> None:
    message = telegram_fixture("photo_message")["message"]
    assert post_telegram(client, "photo_message").status_code == 200
    [inbound] = recorder.seen
    assert inbound.text == message["caption"]
    assert inbound.media == (Media(f"tg-file:{message['photo'][-1]['file_id']}", "image/jpeg"),)
    [row] = stored(served)
    assert_nothing_personal(row)


def test_an_edited_message_is_ignored(
    client: TestClient, served: Assembly, recorder: Recorder, calls: Calls
) -> None:
    """An edit is not a new answer: 200 (so Telegram does not retry), nothing else happens."""
    assert post_telegram(client, "edited_message").status_code == 200
    assert recorder.seen == [] and sent(calls) == [] and stored(served) == []


def test_a_real_telegram_text_gets_the_privacy_notice_in_tamil(
    dialogue_client: TestClient, served: Assembly, calls: Calls
) -> None:
    assert post_telegram(dialogue_client, "text_message").status_code == 200
    said = "\n".join(p["text"] for p in sent(calls))
    assert i18n.say(messages.PRIVACY_NOTICE, "ta") in said
    assert i18n.say(messages.CONSENT_QUESTION, "ta") in said
    assert all(p["chat_id"] == CHAT for p in sent(calls))
    [row] = stored(served)
    assert_nothing_personal(row)
