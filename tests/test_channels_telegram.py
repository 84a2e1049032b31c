"""The Telegram webhook with the real python-telegram-bot Application; only HTTP is faked."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.exchange import Expect, Inbound, Option, Reply, SharedContact
from grievance.channel_messages.models import InboundMessage
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.conftest import AssembleFn
from tests.fake_telegram import BOT, FakeBotApi

SECRET = "webhook-secret-for-tests"
CHAT = 5550001
USER = {"id": CHAT, "is_bot": False, "first_name": "Ramesh", "language_code": "hi"}
OPTIONS = (Option("no_water", "पानी नहीं"), Option("dirty_water", "गंदा पानी"))


class Echo:
    def __init__(self) -> None:
        self.seen: list[Inbound] = []
        self.fail = False

    def answer(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        if self.fail:
            raise RuntimeError("the engine broke")
        self.seen.append(inbound)
        if inbound.shared_contact is not None:
            return [Reply("जुड़ गया", "hi")]
        if inbound.text == "share?":
            return [Reply("नंबर भेजें", "hi", share_contact_button="मेरा नंबर भेजें")]
        said = inbound.text or inbound.payload or "nothing"
        return [Reply(f"मिला: {said}", "hi", options=OPTIONS, expect=Expect.CHOICE)]

    def apology(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        return [Reply("क्षमा करें", "hi")]


@pytest.fixture
def echo() -> Echo:
    return Echo()


@pytest.fixture
def calls() -> list[tuple[str, dict[str, Any]]]:
    return []


def telegram_app(
    assemble: AssembleFn, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> FastAPI:
    """The service with the Telegram channel configured; only the Bot API's HTTP is faked."""
    with_telegram = assemble(telegram_bot_token="4242:TEST-TOKEN", telegram_secret_token=SECRET)
    return with_telegram.app(handler=echo, telegram_requests=lambda: FakeBotApi(calls))


@pytest.fixture
def client(
    assemble: AssembleFn, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> Iterator[TestClient]:
    app = telegram_app(assemble, echo, calls)
    with TestClient(app) as test_client:
        assert [name for name, _ in calls] == ["getMe"]  # initialize() ran in the lifespan
        yield test_client


def message(update_id: int = 1000, **content: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1763800000,
            "chat": {"id": CHAT, "type": "private", "first_name": "Ramesh"},
            "from": USER,
            **content,
        },
    }


def post(client: TestClient, body: Any, secret: str | None = SECRET) -> httpx2.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        "/webhooks/telegram",
        content=content,
        headers={**headers, "Content-Type": "application/json"},
    )


def sent(calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [params for name, params in calls if name == "sendMessage"]


def stored(assembly: Assembly) -> list[InboundMessage]:
    with assembly.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_text_is_answered_with_buttons_and_stored_without_names(
    client: TestClient, assembly: Assembly, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    response = post(client, message(text="पानी नहीं आ रहा"))
    assert response.status_code == 200
    [inbound] = echo.seen
    assert (inbound.channel, inbound.sender.canonical, inbound.message_id) == (
        Channel.TELEGRAM,
        f"telegram:{CHAT}",
        "1000",
    )
    assert inbound.text == "पानी नहीं आ रहा"
    [reply] = sent(calls)
    assert reply["chat_id"] == CHAT and reply["text"] == "मिला: पानी नहीं आ रहा"
    keyboard = reply["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [
        ["no_water"],
        ["dirty_water"],
    ]
    [row] = stored(assembly)
    assert row.sender_hash == assembly.vault.lookup_hash(f"telegram:{CHAT}")
    assert row.payload["message"]["text"] == "पानी नहीं आ रहा"
    assert "Ramesh" not in json.dumps(row.payload, ensure_ascii=False)
    assert "from" not in row.payload["message"] and "chat" not in row.payload["message"]
    assert json.loads(row.reply_rendered or "")[0]["text"] == "मिला: पानी नहीं आ रहा"


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_happens(
    client: TestClient,
    assembly: Assembly,
    echo: Echo,
    calls: list[tuple[str, dict[str, Any]]],
    secret: str | None,
) -> None:
    assert post(client, message(text="hi"), secret=secret).status_code == 403
    assert echo.seen == [] and stored(assembly) == [] and sent(calls) == []


def test_a_redelivered_update_is_processed_once(
    client: TestClient, assembly: Assembly, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    assert post(client, message(text="one")).status_code == 200
    assert post(client, message(text="one")).status_code == 200
    assert len(echo.seen) == 1 and len(sent(calls)) == 1 and len(stored(assembly)) == 1


def test_an_update_id_seen_over_24_hours_ago_is_a_new_update(
    client: TestClient, assembly: Assembly, echo: Echo
) -> None:
    post(client, message(text="last week"))
    with assembly.sessions() as session, session.begin():
        [row] = session.scalars(select(InboundMessage))
        session.execute(
            update(InboundMessage).values(received_at=row.received_at - timedelta(hours=25))
        )
    assert post(client, message(text="after a reset")).status_code == 200
    assert [i.text for i in echo.seen] == ["last week", "after a reset"]
    rows = stored(assembly)
    assert len(rows) == 2 and rows[0].provider_message_id.startswith("1000#retired")
    assert rows[1].provider_message_id == "1000"


@pytest.mark.parametrize(
    ("text", "payload", "rest"),
    [
        ("/start", "start", ""),
        ("/status 9880136938", "status", "9880136938"),
        ("/language@jalsamvad_bot", "language", ""),
    ],
)
def test_commands_arrive_as_payloads(
    client: TestClient, echo: Echo, text: str, payload: str, rest: str
) -> None:
    command_length = len(text.split()[0])
    body = message(
        text=text, entities=[{"type": "bot_command", "offset": 0, "length": command_length}]
    )
    assert post(client, body).status_code == 200
    [inbound] = echo.seen
    assert (inbound.payload, inbound.text) == (payload, rest)


def test_a_button_tap_is_answered_and_passed_on(
    client: TestClient, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    body = {
        "update_id": 2000,
        "callback_query": {
            "id": "cbq-1",
            "from": USER,
            "chat_instance": "ci-1",
            "data": "dirty_water",
            "message": {
                "message_id": 77,
                "date": 1763800000,
                "chat": {"id": CHAT, "type": "private"},
                "from": BOT,
                "text": "समस्या?",
            },
        },
    }
    assert post(client, body).status_code == 200
    answered = [p for name, p in calls if name == "answerCallbackQuery"]
    assert answered == [{"callback_query_id": "cbq-1"}]
    assert (
        echo.seen[0].payload == "dirty_water"
        and echo.seen[0].sender.canonical == f"telegram:{CHAT}"
    )
    assert sent(calls)[0]["text"] == "मिला: dirty_water"


def test_a_location_is_passed_on(client: TestClient, echo: Echo) -> None:
    post(client, message(location={"latitude": 15.3173, "longitude": 75.7139}))
    assert echo.seen[0].location == (15.3173, 75.7139)


def test_a_photo_passes_the_largest_size_and_its_caption(client: TestClient, echo: Echo) -> None:
    photo = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 1280},
    ]
    post(client, message(photo=photo, caption="नल टूटा है"))
    [inbound] = echo.seen
    assert inbound.text == "नल टूटा है"
    assert [(m.url, m.content_type) for m in inbound.media] == [("tg-file:large", "image/jpeg")]


def test_a_voice_note_is_passed_on(client: TestClient, echo: Echo) -> None:
    voice = {"file_id": "v1", "file_unique_id": "v", "duration": 4, "mime_type": "audio/ogg"}
    post(client, message(voice=voice))
    assert [(m.url, m.content_type) for m in echo.seen[0].media] == [("tg-file:v1", "audio/ogg")]


def test_a_long_reply_is_split_with_buttons_on_the_last_message(
    client: TestClient, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    post(client, message(text="पानी " * 1000))
    messages = sent(calls)
    assert len(messages) == 2 and all(len(m["text"]) <= 4096 for m in messages)
    assert "reply_markup" not in messages[0] and "reply_markup" in messages[1]


@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b'{"message": {}}', b'{"update_id": "7"}', b"\xff\xfe"]
)
def test_a_body_that_is_not_an_update_is_a_400(
    client: TestClient, assembly: Assembly, body: bytes
) -> None:
    assert post(client, body).status_code == 400
    assert stored(assembly) == []


def test_a_handler_failure_is_answered_with_the_apology_and_stored_once(
    client: TestClient, assembly: Assembly, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    echo.fail = True
    assert post(client, message(text="retry me")).status_code == 200
    assert [m["text"] for m in sent(calls)] == ["क्षमा करें"]
    echo.fail = False
    assert post(client, message(text="retry me")).status_code == 200  # a redelivery
    assert len(stored(assembly)) == 1 and len(sent(calls)) == 1 and echo.seen == []


def test_the_bot_is_initialised_once_per_app_lifespan(
    assemble: AssembleFn, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    with TestClient(telegram_app(assemble, echo, calls)) as test_client:
        assert test_client.get("/healthz").status_code == 200
    assert [name for name, _ in calls] == ["getMe"]


# -- staff linking: the share-my-number button and the contact it sends back ----------------

PHONE = "919845000101"


def contact(user_id: int | None, **message_fields: Any) -> dict[str, Any]:
    shared: dict[str, Any] = {"phone_number": PHONE, "first_name": "Ramesh"}
    if user_id is not None:
        shared["user_id"] = user_id
    return message(contact=shared, **message_fields)


def test_a_reply_can_offer_the_share_my_number_button(
    client: TestClient, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    post(client, message(text="share?"))
    [reply] = sent(calls)
    markup = reply["reply_markup"]
    assert markup["keyboard"] == [[{"text": "मेरा नंबर भेजें", "request_contact": True}]]
    assert markup["one_time_keyboard"] is True


def test_ones_own_contact_is_passed_on_as_own_and_the_keyboard_is_removed(
    client: TestClient, assembly: Assembly, echo: Echo, calls: list[tuple[str, dict[str, Any]]]
) -> None:
    assert post(client, contact(user_id=CHAT)).status_code == 200
    [inbound] = echo.seen
    assert inbound.shared_contact == SharedContact(PHONE, own=True)
    [reply] = sent(calls)
    assert reply["reply_markup"] == {"remove_keyboard": True}
    [row] = stored(assembly)
    assert PHONE not in json.dumps(row.payload) and "contact" not in row.payload["message"]


@pytest.mark.parametrize(
    "shared",
    [
        contact(user_id=CHAT + 1),  # somebody else's contact card
        contact(user_id=None),  # a card of a number with no Telegram account
        contact(  # one's own number, but shared in a group
            user_id=CHAT, chat={"id": -100123, "type": "group", "title": "VWSC"}
        ),
    ],
    ids=["another-person", "no-account", "in-a-group"],
)
def test_a_contact_that_is_not_the_senders_own_is_passed_on_as_not_own(
    client: TestClient, echo: Echo, shared: dict[str, Any]
) -> None:
    assert post(client, shared).status_code == 200
    [inbound] = echo.seen
    assert inbound.shared_contact == SharedContact(PHONE, own=False)
