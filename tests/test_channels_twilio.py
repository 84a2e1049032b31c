"""Twilio webhooks (SMS, WhatsApp, status callbacks, voice) against a real database."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bot.channels.exactly_once import Outcome, handle_once
from bot.exchange import Expect, Inbound, Option, Reply
from grievance.channel_messages import repository as channel_messages
from grievance.channel_messages.models import InboundMessage, OutboundMessage
from grievance.clock import utcnow
from grievance.errors import ConflictError
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.conftest import AssembleFn

TOKEN = "test-auth-token"
BASE = "https://jal.example.in"
PHONE = "+919812345678"
OPTIONS = (Option("no_water", "No water"), Option("dirty_water", "Dirty water"))


class Echo:
    """A stand-in for the dialogue engine: answers with what it got, and counts calls."""

    def __init__(self) -> None:
        self.seen: list[Inbound] = []
        self.expect = Expect.CHOICE

    def answer(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        self.seen.append(inbound)
        said = inbound.text or inbound.digits or inbound.payload or "nothing"
        return [Reply(f"You said: {said}", "hi", options=OPTIONS, expect=self.expect)]

    def apology(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        return [Reply("Sorry", "en")]


@pytest.fixture
def echo() -> Echo:
    return Echo()


def with_twilio(assemble: AssembleFn, base_url: str | None = BASE) -> Assembly:
    """The service with the Twilio channel configured (and no sender: replies as TwiML)."""
    return assemble(public_base_url=base_url, twilio_account_sid="AC123", twilio_auth_token=TOKEN)


@pytest.fixture
def client(assemble: AssembleFn, echo: Echo) -> Iterator[TestClient]:
    with TestClient(with_twilio(assemble).app(handler=echo)) as test_client:
        yield test_client


def signed_post(
    client: TestClient,
    path: str,
    params: dict[str, str],
    *,
    url: str | None = None,
    token: str = TOKEN,
    headers: dict[str, str] | None = None,
) -> httpx2.Response:
    signature = RequestValidator(token).compute_signature(url or BASE + path, params)
    return client.post(
        path,
        content=urlencode(params).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
            **(headers or {}),
        },
    )


def sms(sid: str = "SM0001", body: str = "pani nahi", sender: str = PHONE) -> dict[str, str]:
    return {
        "AccountSid": "AC123",
        "ApiVersion": "2010-04-01",
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "MessagingServiceSid": "MG123",
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "FromCountry": "IN",
        "SmsStatus": "received",
    }


def whatsapp(sid: str = "SM0002", **extra: str) -> dict[str, str]:
    return {
        **sms(sid, sender=f"whatsapp:{PHONE}"),
        "To": "whatsapp:+14155238886",
        "WaId": PHONE.lstrip("+"),
        "ProfileName": "Ramesh",
        **extra,
    }


def stored(assembly: Assembly) -> list[InboundMessage]:
    with assembly.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def post_ok(client: TestClient, path: str, params: dict[str, str]) -> httpx2.Response:
    response = signed_post(client, path, params)
    assert response.status_code == 200, response.text
    return response


# -- messages -------------------------------------------------------------------------------


def test_an_sms_is_answered_with_twiml_and_stored_without_the_phone(
    client: TestClient, assembly: Assembly, echo: Echo
) -> None:
    response = post_ok(client, "/webhooks/twilio/messaging", sms())
    assert response.headers["content-type"].startswith("application/xml")
    assert "<Message>You said: pani nahi\n1 No water\n2 Dirty water</Message>" in response.text

    [inbound] = echo.seen
    assert (inbound.channel, inbound.sender.canonical, inbound.message_id) == (
        Channel.SMS,
        PHONE,
        "SM0001",
    )
    [row] = stored(assembly)
    assert row.channel is Channel.SMS and row.provider_message_id == "SM0001"
    assert row.sender_hash == assembly.vault.lookup_hash(PHONE)
    assert row.reply_rendered == response.text and row.processed_at is not None
    assert "From" not in row.payload and "To" not in row.payload
    assert "9812345678" not in str(row.payload) and row.payload["Body"] == "pani nahi"


def test_whatsapp_is_recognised_and_personal_fields_are_dropped(
    client: TestClient, assembly: Assembly, echo: Echo
) -> None:
    post_ok(client, "/webhooks/twilio/messaging", whatsapp(ButtonPayload="no_water"))
    [inbound] = echo.seen
    assert inbound.channel is Channel.WHATSAPP and inbound.sender.canonical == PHONE
    assert inbound.payload == "no_water"
    [row] = stored(assembly)
    assert row.channel is Channel.WHATSAPP
    assert not {"WaId", "ProfileName", "From", "To"} & set(row.payload)


def test_a_redelivery_gets_the_same_answer_and_is_stored_once(
    client: TestClient, assembly: Assembly, echo: Echo
) -> None:
    first = post_ok(client, "/webhooks/twilio/messaging", sms())
    echo.expect = Expect.TEXT  # the engine would answer differently now; it is not asked
    again = post_ok(client, "/webhooks/twilio/messaging", sms())
    assert again.text == first.text
    assert len(echo.seen) == 1 and len(stored(assembly)) == 1


class Slow(Echo):
    """Answers only when released, so a second delivery can arrive meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.release = threading.Event(), threading.Event()

    def answer(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        self.entered.set()
        assert self.release.wait(30)
        return super().answer(session, inbound)


def lock_waiters(assembly: Assembly) -> int:
    with assembly.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


@pytest.mark.postgres_only
def test_a_duplicate_arriving_while_the_first_is_answered_waits_and_gets_the_same_answer(
    assembly: Assembly,
) -> None:
    slow = Slow()
    sender = assembly.vault.resolve(Channel.SMS, PHONE)
    inbound = Inbound(Channel.SMS, sender, "SM0001", utcnow(), text="pani nahi")
    render = "|".join  # one string from the replies' texts is all this test needs

    def deliver() -> Outcome:
        return handle_once(
            assembly.sessions, slow, inbound, sms(), lambda r: render(x.text for x in r)
        )

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(deliver)
        assert slow.entered.wait(30)
        second = pool.submit(deliver)
        for _ in range(3000):  # until the second waits on the first's uncommitted claim
            if lock_waiters(assembly) or second.done():
                break
            time.sleep(0.01)
        assert not second.done(), "the duplicate did not wait for the first delivery"
        slow.release.set()
        answered, duplicate = first.result(30), second.result(30)
    assert not answered.duplicate and duplicate.duplicate
    assert duplicate.rendered == answered.rendered == "You said: pani nahi"
    assert duplicate.replies == () and len(slow.seen) == 1
    assert len(stored(assembly)) == 1


class Failing(Echo):
    """Raises `errors` one after the other, then answers."""

    def __init__(self, *errors: Exception) -> None:
        super().__init__()
        self.errors = list(errors)

    def answer(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        if self.errors:
            # Write something first: a failed attempt must leave none of it behind.
            channel_messages.claim_inbound(
                session, Channel.SMS, "SM-left-behind", "0" * 64, {}, utcnow()
            )
            raise self.errors.pop(0)
        return super().answer(session, inbound)


def through(assemble: AssembleFn, handler: Echo) -> TestClient:
    return TestClient(with_twilio(assemble).app(handler=handler))


def test_a_concurrent_change_is_answered_again_once(
    assemble: AssembleFn, assembly: Assembly
) -> None:
    failing = Failing(StaleDataError("the conversation moved on"))
    with through(assemble, failing) as client:
        response = post_ok(client, "/webhooks/twilio/messaging", sms())
    assert "You said: pani nahi" in response.text and len(failing.seen) == 1
    [row] = stored(assembly)
    assert row.reply_rendered == response.text and row.processed_at is not None


@pytest.mark.parametrize(
    "errors",
    [
        pytest.param([RuntimeError("a bug")], id="a-bug"),
        pytest.param([ConflictError("busy"), ConflictError("still busy")], id="two-conflicts"),
    ],
)
def test_a_message_the_engine_cannot_answer_gets_the_apology_and_is_stored_once(
    assemble: AssembleFn, assembly: Assembly, errors: list[Exception]
) -> None:
    failing = Failing(*errors)
    with through(assemble, failing) as client:
        response = post_ok(client, "/webhooks/twilio/messaging", sms())
        assert "<Message>Sorry</Message>" in response.text and failing.seen == []
        again = post_ok(client, "/webhooks/twilio/messaging", sms())  # Twilio's retry
    assert again.text == response.text and failing.seen == []
    [row] = stored(assembly)
    assert row.reply_rendered == response.text and row.processed_at is not None


def test_mounting_logs_which_channels_are_on(
    assemble: AssembleFn, echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels")
    with_twilio(assemble, base_url=None).app(handler=echo)
    text = caplog.text
    assert "channels mounted: twilio" in text and "Telegram not mounted" in text
    assert "JALSAMVAD_PUBLIC_BASE_URL is not set" in text


def test_the_same_sid_on_another_channel_is_another_message(
    client: TestClient, assembly: Assembly
) -> None:
    post_ok(client, "/webhooks/twilio/messaging", sms("SM9"))
    post_ok(client, "/webhooks/twilio/messaging", whatsapp("SM9"))
    assert len(stored(assembly)) == 2


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda h: h.update({"X-Twilio-Signature": "bm9wZQ=="}), id="wrong"),
        pytest.param(lambda h: h.pop("X-Twilio-Signature"), id="missing"),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(
    client: TestClient, assembly: Assembly, echo: Echo, mutate: Callable[[dict[str, str]], object]
) -> None:
    params = sms()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(
            BASE + "/webhooks/twilio/messaging", params
        ),
    }
    mutate(headers)
    response = client.post(
        "/webhooks/twilio/messaging", content=urlencode(params).encode(), headers=headers
    )
    assert response.status_code == 403
    assert echo.seen == [] and stored(assembly) == []


def test_a_signature_with_another_token_or_a_tampered_field_is_refused(
    client: TestClient, assembly: Assembly
) -> None:
    assert (
        signed_post(client, "/webhooks/twilio/messaging", sms(), token="other").status_code == 403
    )
    signature = RequestValidator(TOKEN).compute_signature(
        BASE + "/webhooks/twilio/messaging", sms(body="hello")
    )
    response = client.post(
        "/webhooks/twilio/messaging",
        content=urlencode(sms(body="transfer")).encode(),
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403 and stored(assembly) == []


def test_behind_a_proxy_the_public_url_is_rebuilt_from_forwarded_headers(
    assemble: AssembleFn, echo: Echo
) -> None:
    with TestClient(with_twilio(assemble, base_url=None).app(handler=echo)) as proxied:
        response = signed_post(
            proxied,
            "/webhooks/twilio/messaging",
            sms(),
            url="https://public.example.in/webhooks/twilio/messaging",
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "public.example.in"},
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"MessageSid=SM1&From=%2B91&Body=%ZZ", "broken percent-encoding"),
        (b"MessageSid=SM1&From=%2B91&Body=%FF%FE", "not valid UTF-8"),
        (b"MessageSid=SM1&Body=\xff", "ASCII"),
        (b"MessageSid=SM1&From=%2B91&Body=a%00b", "NUL"),
        (b"=x&MessageSid=SM1", "without a name"),
    ],
)
def test_a_broken_body_is_a_400_with_a_reason(
    client: TestClient, assembly: Assembly, body: bytes, reason: str
) -> None:
    response = client.post("/webhooks/twilio/messaging", content=body)
    assert response.status_code == 400 and reason in response.json()["detail"]
    assert stored(assembly) == []


@pytest.mark.parametrize("field", ["MessageSid", "From"])
def test_missing_fields_are_a_400(client: TestClient, assembly: Assembly, field: str) -> None:
    params = sms()
    del params[field]
    response = signed_post(client, "/webhooks/twilio/messaging", params)
    assert response.status_code == 400 and field in response.json()["detail"]
    assert stored(assembly) == []


def test_an_overlong_sid_is_a_400(client: TestClient, assembly: Assembly) -> None:
    response = signed_post(client, "/webhooks/twilio/messaging", sms(sid="SM" + "0" * 200))
    assert response.status_code == 400 and stored(assembly) == []


def test_an_empty_body_is_a_400(client: TestClient) -> None:
    response = signed_post(client, "/webhooks/twilio/messaging", {})
    assert response.status_code == 400


def test_a_5000_character_message_is_handled_whole(
    client: TestClient, assembly: Assembly, echo: Echo
) -> None:
    text = ("गाँव में पानी नहीं आ रहा है। " * 200)[:5000]
    response = post_ok(client, "/webhooks/twilio/messaging", sms(body=text))
    assert echo.seen[0].text == text and stored(assembly)[0].payload["Body"] == text
    bodies = response.text.count("<Message>")
    assert bodies == 4  # the echoed reply is cut into Twilio's 1,600-character bodies


def test_a_media_only_message_carries_the_media(client: TestClient, echo: Echo) -> None:
    params = {
        **whatsapp("MM0001", Body=""),
        "NumMedia": "2",
        "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages/MM0001/Media/ME1",
        "MediaContentType0": "image/jpeg",
        "MediaUrl1": "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages/MM0001/Media/ME2",
        "MediaContentType1": "audio/ogg",
    }
    post_ok(client, "/webhooks/twilio/messaging", params)
    [inbound] = echo.seen
    assert inbound.text == ""
    assert [m.content_type for m in inbound.media] == ["image/jpeg", "audio/ogg"]
    assert inbound.media[0].url.endswith("/ME1")


def test_a_whatsapp_location_is_passed_on(client: TestClient, echo: Echo) -> None:
    post_ok(
        client,
        "/webhooks/twilio/messaging",
        whatsapp("SM0003", Body="", Latitude="15.3173", Longitude="75.7139"),
    )
    assert echo.seen[0].location == (15.3173, 75.7139)


def test_a_non_numeric_num_media_is_a_400(client: TestClient) -> None:
    response = signed_post(client, "/webhooks/twilio/messaging", {**sms(), "NumMedia": "two"})
    assert response.status_code == 400


# -- delivery status ------------------------------------------------------------------------


def status(sid: str, value: str, error: str = "") -> dict[str, str]:
    params = {"MessageSid": sid, "MessageStatus": value, "To": PHONE, "From": "+15005550006"}
    return {**params, "ErrorCode": error} if error else params


def outbound(assembly: Assembly, sid: str) -> OutboundMessage:
    with assembly.sessions() as session:
        row = session.scalars(select(OutboundMessage).where(OutboundMessage.provider_sid == sid))
        return row.one()


@pytest.mark.parametrize(
    ("sequence", "final"),
    [
        (["queued", "sent", "delivered", "read"], "read"),
        (["sent", "queued"], "sent"),
        (["delivered", "sent", "queued"], "delivered"),
        (["read", "delivered"], "read"),
        (["sent", "failed", "delivered"], "failed"),
        (["undelivered", "sent", "read"], "undelivered"),
    ],
)
def test_a_status_never_moves_backwards(
    client: TestClient, assembly: Assembly, sequence: list[str], final: str
) -> None:
    for value in sequence:
        response = signed_post(client, "/webhooks/twilio/status", status("SMout1", value))
        assert response.status_code == 204
    row = outbound(assembly, "SMout1")
    assert row.status == final and row.to_hash == assembly.vault.lookup_hash(PHONE)


def test_a_failure_keeps_its_error_code(client: TestClient, assembly: Assembly) -> None:
    signed_post(client, "/webhooks/twilio/status", status("SMout2", "sent"))
    signed_post(client, "/webhooks/twilio/status", status("SMout2", "undelivered", "30003"))
    row = outbound(assembly, "SMout2")
    assert (row.status, row.error_code) == ("undelivered", "30003")
    with assembly.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 1


def test_a_status_callback_needs_a_signature(client: TestClient, assembly: Assembly) -> None:
    response = client.post(
        "/webhooks/twilio/status", content=urlencode(status("SMout3", "sent")).encode()
    )
    assert response.status_code == 403
    with assembly.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


# -- voice ----------------------------------------------------------------------------------


def call(**extra: str) -> dict[str, str]:
    return {
        "AccountSid": "AC123",
        "CallSid": "CA0001",
        "From": PHONE,
        "To": "+15005550006",
        "CallStatus": "in-progress",
        "Direction": "inbound",
        **extra,
    }


def test_a_call_starts_with_a_gather_pointing_at_the_next_step(
    client: TestClient, echo: Echo
) -> None:
    response = post_ok(client, "/webhooks/twilio/voice", call())
    assert '<Gather action="/webhooks/twilio/voice/gather?step=1"' in response.text
    assert 'input="dtmf speech"' in response.text and 'language="hi-IN"' in response.text
    assert response.text.endswith("<Hangup /></Response>")
    [inbound] = echo.seen
    assert (inbound.channel, inbound.message_id, inbound.sender.canonical) == (
        Channel.VOICE,
        "CA0001:0",
        PHONE,
    )


def test_keypad_and_speech_reach_the_handler_once_per_step(
    client: TestClient, assembly: Assembly, echo: Echo
) -> None:
    path = "/webhooks/twilio/voice/gather?step=1"
    first = post_ok(client, path, call(Digits="2"))
    assert "step=2" in first.text
    again = post_ok(client, path, call(Digits="2"))
    assert again.text == first.text and len(echo.seen) == 1
    post_ok(
        client,
        "/webhooks/twilio/voice/gather?step=2",
        call(SpeechResult="पानी नहीं आ रहा", Confidence="0.87"),
    )
    assert echo.seen[0].digits == "2" and echo.seen[0].message_id == "CA0001:1"
    assert echo.seen[1].text == "पानी नहीं आ रहा" and echo.seen[1].transcript_confidence == 0.87
    assert len(stored(assembly)) == 2


def test_a_recording_arrives_as_media(client: TestClient, echo: Echo) -> None:
    echo.expect = Expect.MEDIA
    response = post_ok(
        client,
        "/webhooks/twilio/voice/record?step=3",
        call(RecordingUrl="https://api.twilio.com/rec/RE1", RecordingDuration="7"),
    )
    assert '<Record action="/webhooks/twilio/voice/record?step=4"' in response.text
    assert echo.seen[0].media[0].url == "https://api.twilio.com/rec/RE1"


@pytest.mark.parametrize("query", ["", "?step=abc", "?step=0", "?step=100000"])
def test_a_follow_up_without_a_valid_step_is_a_400(client: TestClient, query: str) -> None:
    path = f"/webhooks/twilio/voice/gather{query}"
    assert signed_post(client, path, call(Digits="1")).status_code == 400


def test_a_recording_callback_without_the_recording_is_a_400(client: TestClient) -> None:
    response = signed_post(client, "/webhooks/twilio/voice/record?step=1", call())
    assert response.status_code == 400


def test_nothing_is_mounted_without_settings(assemble: AssembleFn, echo: Echo) -> None:
    app = assemble(twilio_account_sid="AC123", telegram_secret_token="s3").app(handler=echo)
    with TestClient(app) as bare:
        assert bare.post("/webhooks/twilio/messaging").status_code == 404
        assert bare.post("/webhooks/telegram").status_code == 404
