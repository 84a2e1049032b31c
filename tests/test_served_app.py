"""The app exactly as `jalsamvad serve` builds it (`jalsamvad.assembly`), driven over its real
routes the way Twilio and Telegram call them: signed webhooks in, TwiML and Bot API calls out.

Only the network is fake (Telegram's HTTP layer); the dialogue engine, NLU, village-name
index and database are the ones production runs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import phonenumbers
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot import messages
from grievance import i18n
from grievance.privacy import ContactVault
from grievance.tickets.models import Ticket
from jalsamvad.assembly import Assembly
from tests.builders import Place
from tests.conftest import AssembleFn
from tests.fake_telegram import Calls, FakeBotApi
from tests.test_channels_twilio import BASE, signed_post

TOKEN = "served-auth-token"
PHONE = "+919812345678"
CHAT = 777001
# What a household wrote in the report that found the defect: the village is named.
FIRST = "Tammapur gaon me 3 din se paani nahi aa raha"


def said(message: str, language: str, **params: str) -> str:
    return i18n.say(message, language, **params)


class Sms:
    """A phone writing to the served app, each message signed as Twilio signs it."""

    def __init__(self, client: TestClient, phone: str = PHONE) -> None:
        self.client, self.phone, self.sent = client, phone, 0

    def send(self, body: str) -> str:
        self.sent += 1
        params = {
            "AccountSid": "AC123",
            "MessageSid": f"SMserved{self.sent:04d}",
            "From": self.phone,
            "To": "+15005550006",
            "Body": body,
            "NumMedia": "0",
        }
        response = signed_post(self.client, "/webhooks/twilio/messaging", params, token=TOKEN)
        assert response.status_code == 200, response.text
        return response.text


@pytest.fixture
def served(assemble: AssembleFn, place: Place) -> Assembly:
    """The service with Twilio and Telegram configured, as an operator would set them."""
    return assemble(
        public_base_url=BASE,
        twilio_account_sid="AC123",
        twilio_auth_token=TOKEN,
        telegram_bot_token="4242:SERVED-TOKEN",
        telegram_secret_token="served-secret",
    )


@pytest.fixture
def calls() -> Calls:
    return []


@pytest.fixture
def client(served: Assembly, calls: Calls) -> Iterator[TestClient]:
    with TestClient(served.app(telegram_requests=lambda: FakeBotApi(calls))) as test_client:
        yield test_client


def test_a_village_named_in_the_first_sms_is_confirmed_after_consent_not_asked_again(
    client: TestClient,
) -> None:
    phone = Sms(client)
    notice = phone.send(FIRST)
    assert said(messages.CONSENT_QUESTION, "hi-Latn") in notice
    after_consent = phone.send("1")
    assert said(messages.ASK_VILLAGE, "hi-Latn") not in after_consent
    assert "Tammapur" in after_consent and "GORKAL" in after_consent


def test_a_village_named_in_the_first_telegram_message_is_confirmed_after_consent(
    client: TestClient, calls: Calls
) -> None:
    def update(update_id: int, text: str) -> dict[str, Any]:
        user = {"id": CHAT, "is_bot": False, "first_name": "Ramesh"}
        chat = {"id": CHAT, "type": "private", "first_name": "Ramesh"}
        message = {"message_id": update_id, "date": 1763800000, "chat": chat, "from": user}
        return {"update_id": update_id, "message": {**message, "text": text}}

    def post(update_id: int, text: str) -> list[str]:
        before = len(calls)
        response = client.post(
            "/webhooks/telegram",
            content=json.dumps(update(update_id, text)),
            headers={
                "X-Telegram-Bot-Api-Secret-Token": "served-secret",
                "Content-Type": "application/json",
            },
        )
        assert response.status_code == 200
        return [p["text"] for name, p in calls[before:] if name == "sendMessage"]

    notice = post(1, FIRST)
    assert any(said(messages.CONSENT_QUESTION, "hi-Latn") in text for text in notice)
    after_consent = " ".join(post(2, "1"))
    assert said(messages.ASK_VILLAGE, "hi-Latn") not in after_consent
    assert "Tammapur" in after_consent and "GORKAL" in after_consent


def test_the_phone_is_normalised_and_hashed_once_per_message_on_its_way_to_the_ticket(
    client: TestClient, served: Assembly, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts the library's phone parsing and our keyed hash of the household's number over a
    whole conversation that ends in a ticket: once per message, however many steps use it."""
    parsed: Counter[str] = Counter()
    hashed: Counter[str] = Counter()
    real_parse, real_hash = phonenumbers.parse, ContactVault.lookup_hash

    def counting_parse(number: str, region: str | None = None) -> Any:
        parsed[number] += 1
        return real_parse(number, region)

    def counting_hash(vault: ContactVault, contact: str) -> str:
        hashed[contact] += 1
        return real_hash(vault, contact)

    monkeypatch.setattr(phonenumbers, "parse", counting_parse)
    monkeypatch.setattr(ContactVault, "lookup_hash", counting_hash)
    phone = Sms(client)
    # The complaint; yes to consent; yes, Tammapur; no photo; yes, register it.
    for body in (FIRST, "1", "1", "1", "1"):
        phone.send(body)
    with served.sessions() as session:
        assert len(session.scalars(select(Ticket)).all()) == 1  # the conversation filed it
    assert parsed == {PHONE: phone.sent}
    assert hashed[PHONE] == phone.sent
