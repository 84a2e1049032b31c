"""Resolved → every household asked "is water back?" through the outbox and the real Twilio
sender (only its HTTP client is fake), then its answer closes the incident."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.channels.notify import ChannelDeliverer
from bot.channels.telegram.sender import TelegramSender
from bot.engine import DialogueEngine
from grievance.outbox.delivery import deliver_due
from grievance.outbox.models import OutboxMessage, OutboxStatus
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.enums import ActorRole, Closure, Status
from grievance.tickets.models import Incident, Ticket
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.fake_telegram import Calls, FakeBotApi
from tests.test_bot_engine import Chat, said, tickets
from tests.test_channels_outbound import FakeTwilio, make_sender

SMS_HOUSE, CALL_HOUSE = "+919812300001", "+919812300002"


def outbox(sessions: sessionmaker[Session], purpose: str = "fix_question") -> list[OutboxMessage]:
    with sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.purpose == purpose)
                .order_by(OutboxMessage.id)
            )
        )


def test_a_resolved_incident_asks_each_household_on_its_channel_and_yes_closes_it(
    assembly: Assembly,
    sessions: sessionmaker[Session],
    vault: ContactVault,
    policy: Policy,
    clock: FakeClock,
    place: Place,
    desk: Desk,
) -> None:
    chat = Chat(DialogueEngine(sessions, vault, policy, clock), SMS_HOUSE, Channel.SMS)
    chat.consent("601014 gaon me 3 din se pani nahi")
    chat.send("1")
    desk.file(place.village, phone=CALL_HOUSE, channel=Channel.VOICE)  # a caller joins
    [ticket, called] = tickets(sessions)
    desk.move(ticket.incident_id, Status.RESOLVED, ActorRole.VWSC, "pipe repaired")
    [notice] = outbox(sessions)  # the caller cannot be reached unprompted: not enqueued
    assert (notice.channel, notice.purpose, notice.payload) == (
        Channel.SMS,
        "fix_question",
        {"reference": ticket.reference},
    )
    assert called.reference not in str(notice.payload)

    fake = FakeTwilio()
    deliverer = ChannelDeliverer(assembly.sessions, make_sender(assembly, fake, clock))
    # SMS only: the committee's chair (told of the new complaint) is on WhatsApp.
    report = deliver_due(sessions, vault, deliverer, clock.now, {Channel.SMS: 10})
    assert (report.sent, report.dead) == (1, 0)
    [request] = fake.requests
    assert request.data["To"] == SMS_HOUSE
    assert request.data["Body"].startswith(
        said(messages.CONFIRM_FIX, "hi-Latn", reference=ticket.reference)
    )
    assert outbox(sessions)[0].status is OutboxStatus.SENT

    chat.send("1")  # yes, by the number in the SMS
    assert chat.texts[0] == said(messages.FIX_CONFIRMED, "hi-Latn", reference=ticket.reference)
    with sessions() as session:
        incident = session.get_one(Incident, ticket.incident_id)
    assert (incident.status, incident.closure) == (Status.CLOSED, Closure.CONFIRMED)


def test_a_household_in_the_middle_of_another_question_is_asked_later(
    assembly: Assembly,
    sessions: sessionmaker[Session],
    vault: ContactVault,
    policy: Policy,
    clock: FakeClock,
    place: Place,
    desk: Desk,
) -> None:
    chat = Chat(DialogueEngine(sessions, vault, policy, clock), SMS_HOUSE, Channel.SMS)
    chat.consent("601014 gaon me 3 din se pani nahi")
    chat.send("1")
    chat.send("nal toota hai")  # a second complaint under way: a question is pending
    [ticket] = tickets(sessions)
    desk.move(ticket.incident_id, Status.RESOLVED, ActorRole.VWSC, "pipe repaired")
    fake = FakeTwilio()
    deliverer = ChannelDeliverer(assembly.sessions, make_sender(assembly, fake, clock))
    report = deliver_due(sessions, vault, deliverer, clock.now, {Channel.SMS: 10})
    assert (report.sent, report.retrying, fake.requests) == (0, 1, [])
    [notice] = outbox(sessions)
    assert notice.status is OutboxStatus.PENDING and notice.next_attempt_at > clock.now


def resolved_on_telegram(
    sessions: sessionmaker[Session],
    vault: ContactVault,
    policy: Policy,
    clock: FakeClock,
    desk: Desk,
    chat_id: str,
) -> tuple[Chat, Ticket]:
    """A household that complained on Telegram, its incident marked fixed by the committee."""
    chat = Chat(DialogueEngine(sessions, vault, policy, clock), chat_id, Channel.TELEGRAM)
    chat.consent("601014 gaon me 3 din se pani nahi")
    chat.send("1")
    [ticket] = tickets(sessions)
    desk.move(ticket.incident_id, Status.RESOLVED, ActorRole.VWSC, "pipe repaired")
    return chat, ticket


def test_a_telegram_household_is_asked_with_buttons_and_a_tap_closes_it(
    assembly: Assembly,
    sessions: sessionmaker[Session],
    vault: ContactVault,
    policy: Policy,
    clock: FakeClock,
    place: Place,
    desk: Desk,
) -> None:
    chat, ticket = resolved_on_telegram(sessions, vault, policy, clock, desk, "777001")
    calls: Calls = []
    telegram = TelegramSender("4242:TEST-TOKEN", request=lambda: FakeBotApi(calls))
    deliverer = ChannelDeliverer(assembly.sessions, None, telegram)
    report = deliver_due(sessions, vault, deliverer, clock.now, {Channel.TELEGRAM: 10})
    telegram.close()
    assert report.sent == 1
    [params] = [parameters for method, parameters in calls if method == "sendMessage"]
    assert params["chat_id"] == 777001
    assert params["text"] == said(messages.CONFIRM_FIX, "hi-Latn", reference=ticket.reference)
    buttons = params["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in buttons for b in row] == ["yes", "no"]
    chat.send(payload="yes")  # the household taps "yes"
    with sessions() as session:
        incident = session.get_one(Incident, ticket.incident_id)
    assert incident.closure is Closure.CONFIRMED


def test_a_household_that_blocked_the_bot_is_a_dead_letter_not_a_retry(
    assembly: Assembly,
    sessions: sessionmaker[Session],
    vault: ContactVault,
    policy: Policy,
    clock: FakeClock,
    place: Place,
    desk: Desk,
) -> None:
    resolved_on_telegram(sessions, vault, policy, clock, desk, "777002")
    blocked = {
        "sendMessage": (
            403,
            {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"},
        )
    }
    telegram = TelegramSender("4242:TEST-TOKEN", request=lambda: FakeBotApi([], blocked))
    deliverer = ChannelDeliverer(assembly.sessions, None, telegram)
    report = deliver_due(sessions, vault, deliverer, clock.now, {Channel.TELEGRAM: 10})
    telegram.close()
    assert (report.sent, report.retrying, report.dead) == (0, 0, 1)
    [notice] = outbox(sessions)
    assert notice.status is OutboxStatus.DEAD and "blocked" in (notice.last_error or "")
