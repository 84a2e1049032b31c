"""Sending through Twilio's REST API: the real `twilio.rest.Client` over a recording HttpClient.

The HttpClient is the only fake: it records each request and answers with the JSON Twilio's
Messages resource returns. Everything else (store, status webhook, database) is real.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from twilio.http import HttpClient  # type: ignore[import-untyped]
from twilio.http.response import Response as TwilioResponse  # type: ignore[import-untyped]
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from api.app import create_app
from bot.channels.mount import mount_channels
from bot.channels.twilio import sender as twilio_sender
from bot.channels.twilio.sender import (
    ChannelNotConfiguredError,
    NoTemplateError,
    OutboundError,
    TwilioSender,
    template_text,
)
from bot.exchange import Inbound, Option, Reply
from grievance.channel_messages import repository as channel_messages
from grievance.channel_messages.models import InboundMessage, OutboundMessage
from grievance.clock import Clock, utcnow
from grievance.db import unit_of_work
from grievance.privacy import Contact, ContactVault
from grievance.settings import Settings
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock
from tests.conftest import TEST_SECRET, AssembleFn

ACCOUNT = "AC" + "a1" * 16
TOKEN = "test-auth-token"
BASE = "https://jal.example.in"
CALLBACK = f"{BASE}/webhooks/twilio/status"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
SMS_FROM = "+15005550006"
SERVICE = "MG" + "b2" * 16
WA_FROM = "whatsapp:+14155238886"
PHONE = "+919812345678"
OTHER = "+919812345679"
REPLY_HX = "HX" + "c3" * 16
NOTICE_HX = "HX" + "d4" * 16
OPTIONS = (Option("no_water", "No water"), Option("dirty_water", "Dirty water"))
REPLY = Reply("Aapki shikayat darj hai.", "hi", options=OPTIONS)


@dataclass(frozen=True)
class Recorded:
    method: str
    url: str
    data: dict[str, Any]
    auth: tuple[str, str] | None


class FakeTwilio(HttpClient):  # type: ignore[misc]
    """Records requests and answers as Twilio's API does; `errors` are answered first, in order."""

    def __init__(self) -> None:
        super().__init__(logging.getLogger("tests.fake_twilio"), False)
        self.requests: list[Recorded] = []
        self.errors: list[tuple[int, str] | Exception] = []
        self.before_answer: Callable[[str], None] | None = None  # called with the new sid
        self._lock = threading.Lock()

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        with self._lock:
            self.requests.append(Recorded(method, uri, dict(data or {}), auth))
            sid = f"SM{len(self.requests):032x}"
            error = self.errors.pop(0) if self.errors else None
        if isinstance(error, Exception):
            raise error
        if error is not None:
            return TwilioResponse(error[0], error[1])
        if self.before_answer is not None:
            self.before_answer(sid)
        return TwilioResponse(201, json.dumps(message_json(sid, data or {})))


def message_json(sid: str, data: dict[str, object]) -> dict[str, Any]:
    """A Message resource as Twilio's create answers (201), cf. twilio.rest.api.v2010 Message."""
    return {
        "account_sid": ACCOUNT,
        "api_version": "2010-04-01",
        "body": data.get("Body", ""),
        "date_created": "Sun, 22 Nov 2026 08:00:00 +0000",
        "date_sent": None,
        "date_updated": "Sun, 22 Nov 2026 08:00:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": data.get("From"),
        "messaging_service_sid": data.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if "MessagingServiceSid" in data else "queued",
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}/Media.json",
        },
        "to": data.get("To"),
        "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json",
    }


def twilio_error(code: int, message: str, status: int = 400) -> tuple[int, str]:
    return status, json.dumps(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
    )


VAULT = ContactVault(TEST_SECRET)  # the test assembly's keys: the same hashes


def to(phone: str, channel: Channel = Channel.SMS) -> Contact:
    """A recipient as the channels resolve one."""
    return VAULT.resolve(channel, phone)


@pytest.fixture
def fake() -> FakeTwilio:
    return FakeTwilio()


def make_sender(
    assembly: Assembly,
    fake: FakeTwilio,
    clock: Clock,
    *,
    sms_from: str | None = SMS_FROM,
    whatsapp_from: str | None = WA_FROM,
    templates: dict[str, str] | None = None,
) -> TwilioSender:
    return TwilioSender(
        assembly.sessions,
        account_sid=ACCOUNT,
        auth_token=TOKEN,
        messaging_from=sms_from,
        whatsapp_from=whatsapp_from,
        status_callback_url=CALLBACK,
        templates={"reply": REPLY_HX} if templates is None else templates,
        clock=clock,
        http_client=fake,
    )


@pytest.fixture
def sender(assembly: Assembly, fake: FakeTwilio, clock: FakeClock) -> TwilioSender:
    return make_sender(assembly, fake, clock)


def rows(assembly: Assembly) -> list[OutboundMessage]:
    with assembly.sessions() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def inbound_at(assembly: Assembly, when: Any, phone: str = PHONE, channel: Any = None) -> None:
    """A message from `phone` as the webhook stores it, received at `when`."""
    with unit_of_work(assembly.sessions) as session:
        n = session.query(InboundMessage).count()
        channel_messages.claim_inbound(
            session,
            channel or Channel.WHATSAPP,
            f"SMin{n}",
            assembly.vault.lookup_hash(phone),
            {"Body": "hello"},
            when,
        )


def assert_no_phone_stored(assembly: Assembly) -> None:
    for row in rows(assembly):
        values = [row.provider_sid, row.to_hash, row.status, row.error_code or ""]
        assert not any("9812345678" in value for value in values)


# -- SMS ------------------------------------------------------------------------------------


def test_an_sms_posts_the_form_to_the_messages_url_and_is_recorded_by_hash(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    [sent] = sender.send(Channel.SMS, to(PHONE), REPLY)
    [request] = fake.requests
    assert (request.method, request.url, request.auth) == ("POST", MESSAGES_URL, (ACCOUNT, TOKEN))
    assert request.data == {
        "To": PHONE,
        "From": SMS_FROM,
        "Body": "Aapki shikayat darj hai.\n1 No water\n2 Dirty water",
        "StatusCallback": CALLBACK,
    }
    [row] = rows(assembly)
    assert (row.id, row.provider_sid, row.status) == (sent.row_id, sent.sid, "queued")
    assert row.channel is Channel.SMS and row.error_code is None
    assert row.to_hash == assembly.vault.lookup_hash(PHONE)
    assert_no_phone_stored(assembly)


def test_a_local_number_is_normalised_so_the_hash_matches_the_webhooks(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    sender.send(Channel.SMS, to("098123 45678"), REPLY)
    assert fake.requests[0].data["To"] == PHONE
    assert rows(assembly)[0].to_hash == assembly.vault.lookup_hash(PHONE)


def test_a_messaging_service_sends_with_its_sid(
    assembly: Assembly, fake: FakeTwilio, clock: FakeClock
) -> None:
    sender = make_sender(assembly, fake, clock, sms_from=SERVICE)
    [sent] = sender.send(Channel.SMS, to(PHONE), REPLY)
    data = fake.requests[0].data
    assert data["MessagingServiceSid"] == SERVICE and "From" not in data
    assert sent.status == "accepted" and rows(assembly)[0].status == "accepted"


def test_a_long_sms_goes_as_several_twilio_bodies_each_recorded(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    text = "गाँव में पानी नहीं आ रहा है। " * 120  # ~3,500 characters
    sent = sender.send(Channel.SMS, to(PHONE), Reply(text, "hi"))
    bodies = [r.data["Body"] for r in fake.requests]
    assert len(sent) == len(bodies) == 3 and "".join(bodies) == text
    assert all(len(body) <= 1600 for body in bodies)
    assert [r.provider_sid for r in rows(assembly)] == [s.sid for s in sent]


def test_a_channel_without_a_sender_is_refused(
    assembly: Assembly, fake: FakeTwilio, clock: FakeClock
) -> None:
    sender = make_sender(assembly, fake, clock, whatsapp_from=None)
    assert not sender.serves(Channel.WHATSAPP) and sender.serves(Channel.SMS)
    with pytest.raises(ChannelNotConfiguredError, match="whatsapp"):
        sender.send(Channel.WHATSAPP, to(PHONE), REPLY)
    with pytest.raises(ChannelNotConfiguredError):
        sender.send(Channel.TELEGRAM, to("12345", Channel.TELEGRAM), REPLY)
    assert fake.requests == [] and rows(assembly) == []


# -- WhatsApp and its 24-hour window --------------------------------------------------------


def test_whatsapp_within_24_hours_sends_free_text(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly, clock: FakeClock
) -> None:
    inbound_at(assembly, clock() - timedelta(hours=23, minutes=59))
    [sent] = sender.send(Channel.WHATSAPP, to(PHONE), REPLY)
    assert fake.requests[0].data == {
        "To": f"whatsapp:{PHONE}",
        "From": WA_FROM,
        "Body": "Aapki shikayat darj hai.\n1 No water\n2 Dirty water",
        "StatusCallback": CALLBACK,
    }
    [row] = rows(assembly)
    assert row.channel is Channel.WHATSAPP and row.provider_sid == sent.sid
    assert row.to_hash == assembly.vault.lookup_hash(PHONE)


def test_whatsapp_after_24_hours_sends_the_approved_template(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly, clock: FakeClock
) -> None:
    inbound_at(assembly, clock())
    clock.advance(hours=24)  # exactly 24 h: the window has closed
    sender.send(Channel.WHATSAPP, to(PHONE), REPLY)
    data = fake.requests[0].data
    assert "Body" not in data
    assert data["ContentSid"] == REPLY_HX and data["To"] == f"whatsapp:{PHONE}"
    assert json.loads(data["ContentVariables"]) == {
        "1": "Aapki shikayat darj hai. 1 No water 2 Dirty water"
    }
    assert rows(assembly)[0].status == "queued"


def test_the_window_moves_with_the_clock(
    sender: TwilioSender, assembly: Assembly, clock: FakeClock
) -> None:
    assert not sender.in_window(Channel.WHATSAPP, to(PHONE))  # never wrote to us
    inbound_at(assembly, clock())
    assert sender.in_window(Channel.WHATSAPP, to(PHONE))
    clock.advance(hours=23, minutes=59, seconds=59)
    assert sender.in_window(Channel.WHATSAPP, to(PHONE))
    clock.advance(seconds=1)
    assert not sender.in_window(Channel.WHATSAPP, to(PHONE))
    inbound_at(assembly, clock())  # a new message opens it again
    assert sender.in_window(Channel.SMS, to(OTHER))  # SMS has no window


def test_an_sms_or_another_persons_message_does_not_open_the_window(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly, clock: FakeClock
) -> None:
    inbound_at(assembly, clock(), channel=Channel.SMS)
    inbound_at(assembly, clock(), phone=OTHER)
    sender.send(Channel.WHATSAPP, to(PHONE), REPLY)
    assert fake.requests[0].data["ContentSid"] == REPLY_HX


def test_a_named_template_gets_its_own_variables(
    assembly: Assembly, fake: FakeTwilio, clock: FakeClock
) -> None:
    sender = make_sender(assembly, fake, clock, templates={"reply": REPLY_HX, "notice": NOTICE_HX})
    variables = {"1": "JS-2026-000123", "2": "समाधान हो गया"}
    sender.send(Channel.WHATSAPP, to(PHONE), REPLY, template="notice", variables=variables)
    data = fake.requests[0].data
    assert data["ContentSid"] == NOTICE_HX
    assert json.loads(data["ContentVariables"]) == variables
    assert "समाधान" in data["ContentVariables"]  # sent as UTF-8, not \\u escapes


def test_outside_the_window_without_a_template_nothing_is_sent(
    assembly: Assembly, fake: FakeTwilio, clock: FakeClock
) -> None:
    sender = make_sender(assembly, fake, clock, templates={})
    with pytest.raises(NoTemplateError, match=r"24-hour window.*'reply'") as raised:
        sender.send(Channel.WHATSAPP, to(PHONE), REPLY)
    assert PHONE not in str(raised.value)
    with pytest.raises(NoTemplateError, match="'notice'"):
        make_sender(assembly, fake, clock).send(
            Channel.WHATSAPP, to(PHONE), REPLY, template="notice"
        )
    assert fake.requests == [] and rows(assembly) == []


def test_template_text_is_one_line() -> None:
    assert template_text(Reply("a\n\nb   c\t d", "hi")) == "a b c d"


# -- errors ---------------------------------------------------------------------------------


def test_a_twilio_refusal_is_recorded_and_raised_without_the_phone(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    fake.errors.append(twilio_error(21211, f"The 'To' number {PHONE} is not a valid phone number."))
    with pytest.raises(OutboundError) as raised:
        sender.send(Channel.SMS, to(PHONE), REPLY)
    error = raised.value
    assert (error.code, error.http_status) == ("21211", 400)
    assert "HTTP 400, error 21211" in str(error) and "not a valid phone number" in str(error)
    assert PHONE not in str(error) and "***678" in str(error)
    assert error.__cause__ is None and error.__suppress_context__  # Twilio's text quotes it
    [row] = rows(assembly)
    assert (row.id, row.status, row.error_code) == (error.row_id, "failed", "21211")
    assert row.provider_sid.startswith("local-") and row.to_hash == assembly.vault.lookup_hash(
        PHONE
    )


def test_a_server_error_without_json_is_recorded_with_the_http_status(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    fake.errors.append((503, "<html>Service Unavailable</html>"))
    with pytest.raises(OutboundError, match="HTTP 503") as raised:
        sender.send(Channel.SMS, to(PHONE), REPLY)
    assert raised.value.code == "503"
    assert [(r.status, r.error_code) for r in rows(assembly)] == [("failed", "503")]


def test_a_network_failure_is_recorded_too(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    fake.errors.append(ConnectionError("connection reset"))
    with pytest.raises(OutboundError, match=r"could not reach Twilio.*ConnectionError"):
        sender.send(Channel.SMS, to(PHONE), REPLY)
    assert [(r.status, r.error_code) for r in rows(assembly)] == [("failed", None)]


def test_a_failure_mid_reply_keeps_what_was_sent_and_stops(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    text = "x " * 2000  # three bodies
    original = fake.request

    def fail_second(*args: Any, **kwargs: Any) -> TwilioResponse:
        if len(fake.requests) == 1:
            fake.errors.append(twilio_error(20429, "Too Many Requests", 429))
        return original(*args, **kwargs)

    fake.request = fail_second  # type: ignore[method-assign]
    with pytest.raises(OutboundError) as raised:
        sender.send(Channel.SMS, to(PHONE), Reply(text, "en"))
    assert len(raised.value.sent) == 1 and len(fake.requests) == 2
    assert [r.status for r in rows(assembly)] == ["queued", "failed"]


# -- status callbacks -----------------------------------------------------------------------


@dataclass
class Canned:
    """A stand-in for the dialogue engine: the same replies to every message."""

    replies: Sequence[Reply]
    seen: list[Inbound]

    def answer(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        self.seen.append(inbound)
        return self.replies

    def apology(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        return [Reply("Sorry", "en")]


def echo_factory(replies: Sequence[Reply], seen: list[Inbound]) -> Canned:
    return Canned(replies, seen)


def app_client(
    assembly: Assembly, sender: TwilioSender | None, replies: Sequence[Reply], seen: list[Inbound]
) -> TestClient:
    app = create_app(assembly.api_context())
    twilio = Settings(
        public_base_url=BASE, twilio_account_sid=ACCOUNT, twilio_auth_token=TOKEN
    ).twilio()
    handler = echo_factory(replies, seen)
    mount_channels(
        app, assembly.sessions, assembly.vault, handler, twilio, None, twilio_sender=sender
    )
    return TestClient(app)


def signed_post(client: TestClient, path: str, params: dict[str, str]) -> httpx2.Response:
    signature = RequestValidator(TOKEN).compute_signature(BASE + path, params)
    return client.post(
        path,
        content=urlencode(params).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )


@pytest.fixture
def status_client(assembly: Assembly) -> Iterator[TestClient]:
    with app_client(assembly, None, [], []) as client:
        yield client


def callback(client: TestClient, sid: str, status: str, to: str = PHONE, error: str = "") -> None:
    params = {"MessageSid": sid, "MessageStatus": status, "To": to, "AccountSid": ACCOUNT}
    if error:
        params["ErrorCode"] = error
    assert signed_post(client, "/webhooks/twilio/status", params).status_code == 204


def test_status_callbacks_move_a_sent_message_forward_never_backwards(
    sender: TwilioSender, assembly: Assembly, status_client: TestClient, clock: FakeClock
) -> None:
    inbound_at(assembly, clock())
    [sms] = sender.send(Channel.SMS, to(PHONE), REPLY)
    [wa] = sender.send(Channel.WHATSAPP, to(PHONE), REPLY)
    for value in ("sent", "delivered", "sent", "queued"):
        callback(status_client, sms.sid, value)
    for value in ("delivered", "read", "delivered", "sent"):
        callback(status_client, wa.sid, value, to=f"whatsapp:{PHONE}")
    assert [(r.channel, r.provider_sid, r.status) for r in rows(assembly)] == [
        (Channel.SMS, sms.sid, "delivered"),
        (Channel.WHATSAPP, wa.sid, "read"),
    ]


def test_an_undelivered_callback_keeps_its_error_code(
    sender: TwilioSender, assembly: Assembly, status_client: TestClient
) -> None:
    [sent] = sender.send(Channel.SMS, to(PHONE), REPLY)
    callback(status_client, sent.sid, "undelivered", error="30003")
    callback(status_client, sent.sid, "delivered")
    [row] = rows(assembly)
    assert (row.status, row.error_code) == ("undelivered", "30003")


def test_a_callback_arriving_before_twilios_answer_is_merged(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly, status_client: TestClient
) -> None:
    fake.before_answer = lambda sid: callback(status_client, sid, "sent")
    [sent] = sender.send(Channel.SMS, to(PHONE), REPLY)
    [row] = rows(assembly)  # the local row went; the callback's row has it all
    assert (row.id, row.provider_sid, row.status) == (sent.row_id, sent.sid, "sent")
    assert row.to_hash == assembly.vault.lookup_hash(PHONE)


# -- the messaging webhook: first reply as TwiML, the rest through REST ---------------------

THREE = (
    Reply("Shikayat darj.", "hi"),
    Reply("Aapka number JS-000123 hai.", "hi"),
    Reply("Kya aur kuch?", "hi", options=OPTIONS),
)


def incoming(sid: str, sender: str = PHONE) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT,
        "MessageSid": sid,
        "From": sender,
        "To": SMS_FROM,
        "Body": "pani nahi",
        "NumMedia": "0",
    }


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP])
def test_the_first_reply_answers_in_twiml_and_the_rest_go_through_rest(
    assembly: Assembly, fake: FakeTwilio, channel: Channel
) -> None:
    sender = make_sender(assembly, fake, utcnow)  # the webhook stores inbound at real time
    seen: list[Inbound] = []
    prefix = "whatsapp:" if channel is Channel.WHATSAPP else ""
    with app_client(assembly, sender, THREE, seen) as client:
        response = signed_post(
            client, "/webhooks/twilio/messaging", incoming("SMa1", prefix + PHONE)
        )
        assert response.status_code == 200
        assert response.text.count("<Message>") == 1
        assert "<Message>Shikayat darj.</Message>" in response.text
        assert [r.data["Body"] for r in fake.requests] == [
            "Aapka number JS-000123 hai.",
            "Kya aur kuch?\n1 No water\n2 Dirty water",
        ]
        assert all(r.data["To"] == prefix + PHONE for r in fake.requests)
        assert all("ContentSid" not in r.data for r in fake.requests)  # window just opened
        assert [(r.channel, r.status) for r in rows(assembly)] == [(channel, "queued")] * 2

        again = signed_post(client, "/webhooks/twilio/messaging", incoming("SMa1", prefix + PHONE))
        assert again.text == response.text
        assert len(fake.requests) == 2 and len(seen) == 1  # a redelivery sends nothing more


def test_a_single_reply_uses_no_rest_call(assembly: Assembly, fake: FakeTwilio) -> None:
    with app_client(assembly, make_sender(assembly, fake, utcnow), THREE[:1], []) as client:
        response = signed_post(client, "/webhooks/twilio/messaging", incoming("SMb1"))
    assert "<Message>Shikayat darj.</Message>" in response.text and fake.requests == []


def test_without_a_sender_all_replies_stay_in_twiml(assembly: Assembly) -> None:
    with app_client(assembly, None, THREE, []) as client:
        response = signed_post(client, "/webhooks/twilio/messaging", incoming("SMc1"))
    assert response.text.count("<Message>") == 3 and rows(assembly) == []


def test_a_channel_the_sender_does_not_serve_stays_in_twiml(
    assembly: Assembly, fake: FakeTwilio
) -> None:
    sender = make_sender(assembly, fake, utcnow, whatsapp_from=None)
    with app_client(assembly, sender, THREE, []) as client:
        response = signed_post(
            client, "/webhooks/twilio/messaging", incoming("SMd1", f"whatsapp:{PHONE}")
        )
    assert response.text.count("<Message>") == 3 and fake.requests == []


def test_a_failed_later_reply_is_recorded_and_the_answer_still_goes(
    assembly: Assembly, fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    fake.errors.append(twilio_error(21610, "Attempt to send to unsubscribed recipient"))
    with app_client(assembly, make_sender(assembly, fake, utcnow), THREE, []) as client:
        response = signed_post(client, "/webhooks/twilio/messaging", incoming("SMe1"))
    assert response.status_code == 200 and "Shikayat darj." in response.text
    assert len(fake.requests) == 1  # the third is not sent out of order
    assert [(r.status, r.error_code) for r in rows(assembly)] == [("failed", "21610")]
    assert "later replies to ***678 not all sent" in caplog.text
    assert PHONE not in caplog.text


# -- threads and settings -------------------------------------------------------------------


def test_one_sender_serves_many_threads(
    sender: TwilioSender, fake: FakeTwilio, assembly: Assembly
) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            [sent] = sender.send(Channel.SMS, to(f"+9198123456{n:02d}"), Reply(f"m{n}", "hi"))
            results.append(sent.sid)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = rows(assembly)
    assert len(stored) == len(fake.requests) == 12 == len(set(results))
    assert {r.provider_sid for r in stored} == set(results)
    assert {r.status for r in stored} == {"queued"}


def test_settings_read_senders_and_templates_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, assembly: Assembly
) -> None:
    monkeypatch.setenv("JALSAMVAD_TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("JALSAMVAD_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("JALSAMVAD_TWILIO_SMS_FROM", SERVICE)
    monkeypatch.setenv("JALSAMVAD_TWILIO_WHATSAPP_FROM", "+14155238886")
    monkeypatch.setenv("JALSAMVAD_TWILIO_TEMPLATES", json.dumps({"reply": REPLY_HX}))
    monkeypatch.setenv("JALSAMVAD_PUBLIC_BASE_URL", BASE + "/")
    twilio = Settings().twilio()
    assert twilio is not None and twilio.templates == {"reply": REPLY_HX} and twilio.can_send
    sender = TwilioSender.from_settings(assembly.sessions, twilio, "/webhooks/twilio/status")
    assert sender is not None and sender.status_callback_url == CALLBACK
    assert sender.serves(Channel.SMS) and sender.serves(Channel.WHATSAPP)
    assert sender.templates == {"reply": REPLY_HX}


def test_settings_refuse_a_template_that_is_not_a_content_sid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JALSAMVAD_TWILIO_TEMPLATES", json.dumps({"reply": "hello_template"}))
    with pytest.raises(ValidationError, match="ContentSid"):
        Settings()


def test_without_a_sender_address_nothing_is_built(assembly: Assembly) -> None:
    twilio = Settings(twilio_account_sid=ACCOUNT, twilio_auth_token=TOKEN).twilio()
    assert twilio is not None and not twilio.can_send
    assert TwilioSender.from_settings(assembly.sessions, twilio, "/status") is None
    assert twilio.templates == {}


def test_mounting_with_a_sender_address_sends_later_replies_through_rest(
    assemble: AssembleFn, fake: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The production path: the composition root builds the sender from the settings."""
    monkeypatch.setattr(twilio_sender, "TwilioHttpClient", lambda timeout: fake)
    assembly = assemble(
        public_base_url=BASE,
        twilio_account_sid=ACCOUNT,
        twilio_auth_token=TOKEN,
        twilio_sms_from=SMS_FROM,
    )
    with TestClient(assembly.app(handler=echo_factory(THREE, []))) as client:
        response = signed_post(client, "/webhooks/twilio/messaging", incoming("SMf1"))
    assert response.text.count("<Message>") == 1 and len(fake.requests) == 2
    assert {r.data["StatusCallback"] for r in fake.requests} == {CALLBACK}


def test_a_message_twilio_took_is_not_reported_failed_for_a_database_error(
    sender: TwilioSender,
    assembly: Assembly,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: Any) -> OutboundMessage:
        raise OperationalError("UPDATE outbound_messages", {}, Exception("database gone"))

    monkeypatch.setattr(channel_messages, "attach_sid", broken)
    [sent] = sender.send(Channel.SMS, to(PHONE), REPLY)
    [row] = rows(assembly)  # kept as it was before sending: never lost
    assert (row.id, row.status) == (sent.row_id, "pending") and sent.status == "queued"
    assert f"sent {sent.sid} but could not record it" in caplog.text
