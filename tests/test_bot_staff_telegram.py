"""Staff on Telegram: a chat is linked to a registered phone by sharing one's own contact; then
the member lists, acknowledges (also with the notice's one-tap button) and resolves there, and
their notices come there until they unlink."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.channels.notify import ChannelDeliverer
from bot.channels.telegram.sender import TelegramSender
from bot.engine import DialogueEngine
from bot.exchange import SharedContact
from grievance import i18n, labels
from grievance.directory.models import StaffChatLink
from grievance.outbox.delivery import deliver_due
from grievance.outbox.models import OutboxMessage
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.enums import Status
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place
from tests.conftest import AssembleFn, Desk
from tests.fake_telegram import Calls, FakeBotApi
from tests.test_bot_engine import Chat, said

CHAIR_AS_TELEGRAM_SENDS_IT = "919845000101"  # the chair (tests/builders.py), without the "+"
CHAIR_CHAT, OTHER_CHAT = "61000001", "61000002"


@pytest.fixture
def bot(
    sessions: sessionmaker[Session], vault: ContactVault, policy: Policy, clock: FakeClock
) -> DialogueEngine:
    return DialogueEngine(sessions, vault, policy, clock)


def links(sessions: sessionmaker[Session]) -> list[StaffChatLink]:
    with sessions() as session:
        return list(session.scalars(select(StaffChatLink)))


def notices_to(sessions: sessionmaker[Session], vault: ContactVault) -> list[tuple[str, str]]:
    """(channel, contact) of each new-incident notice, in order."""
    with sessions() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.purpose == "new_incident")
            .order_by(OutboxMessage.id)
        )
        return [(r.channel.value, vault.decrypt(r.recipient_ciphertext)) for r in rows]


def linked_chair(bot: DialogueEngine) -> Chat:
    chair = Chat(bot, CHAIR_CHAT, Channel.TELEGRAM)
    chair.send(contact=SharedContact(CHAIR_AS_TELEGRAM_SENDS_IT, own=True))
    assert chair.texts == [said(messages.STAFF_LINKED, "kn")]
    return chair


def test_an_unlinked_chat_is_asked_to_share_its_number_with_the_button(
    bot: DialogueEngine, place: Place, desk: Desk
) -> None:
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id
    chat = Chat(bot, CHAIR_CHAT, Channel.TELEGRAM)
    asked = [chat.send(text)[0] for text in ("LIST", f"ACK {incident_id}", "staff")]
    asked.append(chat.send(payload="staff")[0])  # the /staff command
    for reply in asked:
        assert reply.text == said(messages.STAFF_SHARE_PHONE, "en")
        assert reply.share_contact_button == said(messages.SHARE_PHONE_BUTTON, "en")
    assert desk.incident(incident_id).status is Status.NEW and links(bot.sessions) == []


def test_a_household_on_telegram_writing_done_or_test_gets_the_citizen_flow(
    bot: DialogueEngine, place: Place
) -> None:
    for chat_id, text in (("62000001", "done"), ("62000002", "test ph 7")):
        household = Chat(bot, chat_id, Channel.TELEGRAM)
        household.send(text)
        assert household.last.options and household.last.options[0].key == "yes"  # consent


def test_someone_elses_contact_or_an_unregistered_number_links_nothing(
    bot: DialogueEngine, place: Place
) -> None:
    chat = Chat(bot, OTHER_CHAT, Channel.TELEGRAM)
    chat.send(contact=SharedContact(CHAIR_AS_TELEGRAM_SENDS_IT, own=False))
    assert chat.texts == [said(messages.SHARE_OWN_PHONE, "en")]
    assert chat.last.share_contact_button  # the button is offered again
    for phone in ("919900000077", "12"):  # a household's number; not a number at all
        chat.send(contact=SharedContact(phone, own=True))
        assert chat.texts == [said(messages.STAFF_NOT_REGISTERED, "en")]
    assert links(bot.sessions) == []


def test_a_linked_member_lists_acknowledges_by_button_and_resolves_in_their_language(
    bot: DialogueEngine, place: Place, desk: Desk
) -> None:
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id
    number = str(incident_id)
    chair = linked_chair(bot)
    chair.send("list")
    assert chair.texts[0].startswith(said(messages.STAFF_LIST_HEADER, "kn"))
    assert f"{number}:" in chair.texts[0]
    chair.send(payload=f"ACK {number}")  # the notice's inline "Seen" button
    assert chair.texts == [said(messages.STAFF_ACKNOWLEDGED, "kn", number=number)]
    chair.send(f"resolve {number} valve replaced")
    assert chair.texts == [said(messages.STAFF_RESOLVED, "kn", number=number)]
    assert desk.incident(incident_id).status is Status.RESOLVED
    chair.send(payload="staff")
    assert chair.texts == [said(messages.STAFF_LINKED, "kn")]


def test_notices_follow_the_link_and_return_to_the_phone_after_unlink(
    bot: DialogueEngine,
    place: Place,
    desk: Desk,
    sessions: sessionmaker[Session],
    vault: ContactVault,
) -> None:
    chair = linked_chair(bot)
    desk.file(place.village, "no_water", "+919900000001")
    chair.send("UNLINK")
    assert chair.texts == [said(messages.STAFF_UNLINKED, "kn")]
    desk.file(place.village, "leakage", "+919900000002")
    assert notices_to(sessions, vault) == [
        ("telegram", f"telegram:{CHAIR_CHAT}"),
        ("whatsapp", "+919845000101"),
    ]
    chair.send("LIST")  # not staff here any more: asked to link again
    assert chair.texts == [said(messages.STAFF_SHARE_PHONE, "en")]


def test_linking_the_same_phone_from_another_chat_moves_the_link(
    bot: DialogueEngine, place: Place, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.flows.staff_link")
    first = linked_chair(bot)
    second = Chat(bot, OTHER_CHAT, Channel.TELEGRAM)
    second.send(contact=SharedContact("+" + CHAIR_AS_TELEGRAM_SENDS_IT, own=True))
    assert second.texts == [said(messages.STAFF_LINKED, "kn")]
    [link] = links(bot.sessions)
    assert bot.services.vault.decrypt(link.chat_ciphertext) == f"telegram:{OTHER_CHAT}"
    first.send("LIST")
    assert first.texts == [said(messages.STAFF_SHARE_PHONE, "en")]
    assert caplog.text.count("vwsc:member-") == 2  # who linked, twice; never what number
    assert CHAIR_AS_TELEGRAM_SENDS_IT[2:] not in caplog.text and CHAIR_CHAT not in caplog.text


def test_the_new_incident_notice_on_telegram_carries_a_seen_button_that_acknowledges(
    assembly: Assembly, bot: DialogueEngine, place: Place, desk: Desk, clock: FakeClock
) -> None:
    chair = linked_chair(bot)
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id
    calls: Calls = []
    telegram = TelegramSender("4242:TEST-TOKEN", request=lambda: FakeBotApi(calls))
    report = deliver_due(
        assembly.sessions,
        assembly.vault,
        ChannelDeliverer(assembly.sessions, None, telegram),
        clock.now,
        {Channel.TELEGRAM: 10},
    )
    telegram.close()
    assert report.sent == 1
    [params] = [p for method, p in calls if method == "sendMessage"]
    assert params["chat_id"] == int(CHAIR_CHAT)
    incident = desk.incident(incident_id)
    assert params["text"] == said(
        messages.NEW_INCIDENT_STAFF,
        "kn",
        number=str(incident_id),
        village="Tammapur",
        problem=i18n.say(labels.CATEGORY_LABELS["no_water"], "kn"),
        households="1",
        deadline=i18n.format_deadline(incident.due_at or clock.now, "kn"),
    )
    [[button]] = params["reply_markup"]["inline_keyboard"]
    seen = i18n.say(messages.STAFF_SEEN_BUTTON, "kn")
    assert button == {"text": seen, "callback_data": f"ACK {incident_id}"}
    chair.send(payload=button["callback_data"])
    assert desk.incident(incident_id).status is Status.ACKNOWLEDGED


def test_through_the_webhook_a_shared_contact_links_and_a_button_tap_acknowledges(
    assemble: AssembleFn, clock: FakeClock, place: Place, desk: Desk
) -> None:
    """The service as `serve` builds it: the real python-telegram-bot Application and dialogue
    engine behind the route; only HTTP is fake."""
    calls: Calls = []
    with_telegram = assemble(
        clock=clock, telegram_bot_token="4242:TEST-TOKEN", telegram_secret_token="s3"
    )
    app = with_telegram.app(telegram_requests=lambda: FakeBotApi(calls))
    user = {"id": int(CHAIR_CHAT), "is_bot": False, "first_name": "Chair"}
    chat = {"id": int(CHAIR_CHAT), "type": "private"}
    shared = {"phone_number": CHAIR_AS_TELEGRAM_SENDS_IT, "first_name": "C", "user_id": user["id"]}
    contact_update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1763800000,
            "chat": chat,
            "from": user,
            "contact": shared,
        },
    }
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id
    tap = {
        "update_id": 2,
        "callback_query": {
            "id": "cbq-1",
            "from": user,
            "chat_instance": "ci",
            "data": f"ACK {incident_id}",
            "message": {"message_id": 9, "date": 1763800000, "chat": chat, "text": "…"},
        },
    }
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3"}
    with TestClient(app) as client:
        for update in (contact_update, tap):
            assert (
                client.post("/webhooks/telegram", json=update, headers=headers).status_code == 200
            )
    linked, acknowledged = [p for method, p in calls if method == "sendMessage"]
    assert linked["text"] == said(messages.STAFF_LINKED, "kn")
    assert linked["reply_markup"] == {"remove_keyboard": True}
    number = str(incident_id)
    assert acknowledged["text"] == said(messages.STAFF_ACKNOWLEDGED, "kn", number=number)
    assert desk.incident(incident_id).status is Status.ACKNOWLEDGED
