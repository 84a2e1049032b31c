"""Is water back? The household's word on a fix and its rating, through the real engine."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.channels.notify import ChannelDeliverer
from bot.engine import DialogueEngine
from bot.turn import Step
from grievance import labels
from grievance.audit.models import AuditEvent
from grievance.conversations.models import Conversation
from grievance.db import unit_of_work
from grievance.errors import ValidationError
from grievance.outbox.delivery import deliver_due
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.confirmation import TIMEOUT_ACTOR
from grievance.tickets.enums import ActorRole, Closure, Status
from grievance.tickets.models import Incident, Ticket
from grievance.tickets.service import TicketService
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.test_bot_engine import Chat, said, tickets
from tests.test_channels_outbound import FakeTwilio, make_sender

COMPLAINT = "601014 gaon me 3 din se pani nahi"
HOUSE_A, HOUSE_B = "+919812300001", "+919812300002"


@pytest.fixture
def bot(
    sessions: sessionmaker[Session],
    vault: ContactVault,
    policy: Policy,
    clock: FakeClock,
    place: Place,
) -> DialogueEngine:
    return DialogueEngine(sessions, vault, policy, clock)


def file(
    bot: DialogueEngine,
    phone: str = HOUSE_A,
    first: str = COMPLAINT,
    channel: Channel = Channel.WHATSAPP,
) -> Chat:
    chat = Chat(bot, phone, channel)
    chat.consent(first)
    chat.send("1")  # yes, register it
    return chat


def resolve(desk: Desk, sessions: sessionmaker[Session]) -> Ticket:
    ticket = tickets(sessions)[-1]
    desk.move(ticket.incident_id, Status.RESOLVED, ActorRole.VWSC, "valve replaced")
    return ticket


def incident_of(sessions: sessionmaker[Session], ticket: Ticket) -> Incident:
    with sessions() as session:
        return session.get_one(Incident, ticket.incident_id)


def stored(sessions: sessionmaker[Session], ticket: Ticket) -> Ticket:
    with sessions() as session:
        return session.get_one(Ticket, ticket.id)


def test_checking_a_fixed_complaint_asks_and_yes_closes_it_confirmed_then_rates(
    bot: DialogueEngine, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    chat = file(bot)
    ticket = resolve(desk, sessions)
    chat.send(ticket.reference)
    assert chat.texts[-1] == said(messages.CONFIRM_FIX, "hi-Latn", reference=ticket.reference)
    assert [o.key for o in chat.last.options] == ["yes", "no"]
    chat.send("haan")
    assert chat.texts == [
        said(messages.FIX_CONFIRMED, "hi-Latn", reference=ticket.reference),
        said(messages.RATE, "hi-Latn"),
    ]
    incident = incident_of(sessions, ticket)
    assert (incident.status, incident.closure) == (Status.CLOSED, Closure.CONFIRMED)
    chat.send("4")
    assert chat.texts == [said(messages.THANKS_FOR_RATING, "hi-Latn")]
    answered = stored(sessions, ticket)
    assert (answered.fix_confirmed, answered.rating) == (True, 4)
    assert answered.fix_answered_at is not None and answered.rated_at is not None


def test_no_reopens_and_a_new_problem_instead_of_a_rating_is_answered_as_usual(
    bot: DialogueEngine, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    chat = file(bot)
    ticket = resolve(desk, sessions)
    chat.send("meri shikayat")  # my complaints: the list, then the question about it
    assert chat.texts[-1] == said(messages.CONFIRM_FIX, "hi-Latn", reference=ticket.reference)
    chat.send("abhi bhi pani nahi aa raha")  # "still no water" counts as no
    assert chat.texts[0] == said(messages.FIX_NOT_HELD, "hi-Latn", reference=ticket.reference)
    assert incident_of(sessions, ticket).status is Status.REOPENED
    chat.send("hamare gaon me nal toota hai")  # not a rating: a new complaint starts
    assert stored(sessions, ticket).rating is None
    assert "Which village" not in chat.texts[-1]  # the remembered village is offered instead
    assert chat.last.options and chat.last.options[0].key == "yes"


def test_only_the_household_that_reported_it_is_asked(
    bot: DialogueEngine, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    file(bot, HOUSE_A)
    ticket = resolve(desk, sessions)
    neighbour = Chat(bot, HOUSE_B)
    neighbour.consent("hello")
    neighbour.send(ticket.reference)
    assert len(neighbour.texts) == 1 and ticket.reference in neighbour.texts[0]
    assert neighbour.last.options == ()
    assert incident_of(sessions, ticket).status is Status.RESOLVED


def test_an_answer_that_is_neither_is_asked_again_in_the_same_language(
    bot: DialogueEngine, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    chat = file(bot, first="601014 गाँव में 3 दिन से पानी नहीं आ रहा")
    ticket = resolve(desk, sessions)
    chat.send(ticket.reference)
    chat.send("7")
    assert chat.texts == [
        said(messages.CHOOSE_FROM_LIST, "hi"),
        said(messages.CONFIRM_FIX, "hi", reference=ticket.reference),
    ]
    chat.send("हाँ")
    assert chat.texts[0] == said(messages.FIX_CONFIRMED, "hi", reference=ticket.reference)


def asked(assembly: Assembly, clock: FakeClock) -> list[tuple[str, str]]:
    """Deliver what the outbox holds for SMS; (to, body) of each household question."""
    fake = FakeTwilio()
    deliverer = ChannelDeliverer(assembly.sessions, make_sender(assembly, fake, clock))
    deliver_due(assembly.sessions, assembly.vault, deliverer, clock.now, {Channel.SMS: 10})
    houses = {HOUSE_A, HOUSE_B}
    return [(r.data["To"], r.data["Body"]) for r in fake.requests if r.data["To"] in houses]


def test_every_reporter_is_asked_in_their_language_and_the_first_answer_decides(
    bot: DialogueEngine,
    desk: Desk,
    sessions: sessionmaker[Session],
    assembly: Assembly,
    clock: FakeClock,
) -> None:
    house_a = file(bot, HOUSE_A, channel=Channel.SMS)
    house_b = file(bot, HOUSE_B, "601014 গ্রামে ৩ দিন ধরে জল নেই", Channel.SMS)
    ticket_a, ticket_b = tickets(sessions)
    assert ticket_a.incident_id == ticket_b.incident_id
    resolve(desk, sessions)
    questions = asked(assembly, clock)
    assert [to for to, _ in questions] == [HOUSE_A, HOUSE_B]
    assert questions[0][1].startswith(
        said(messages.CONFIRM_FIX, "hi-Latn", reference=ticket_a.reference)
    )
    assert questions[1][1].startswith(
        said(messages.CONFIRM_FIX, "bn", reference=ticket_b.reference)
    )
    house_a.send("1")  # yes, by the number shown
    assert incident_of(sessions, ticket_a).closure is Closure.CONFIRMED
    house_b.send("2")  # no: the incident is closed already, so the problem is filed again
    new = tickets(sessions)[-1]
    assert new.id not in (ticket_a.id, ticket_b.id) and new.incident_id != ticket_a.incident_id
    assert new.reference in house_b.texts[0]
    assert incident_of(sessions, new).status is Status.NEW
    assert stored(sessions, ticket_b).fix_confirmed is False


def test_a_household_that_withdrew_or_is_mid_question_is_not_asked(
    bot: DialogueEngine,
    desk: Desk,
    sessions: sessionmaker[Session],
    assembly: Assembly,
    clock: FakeClock,
) -> None:
    withdrawn = file(bot, HOUSE_A, channel=Channel.SMS)
    busy = file(bot, HOUSE_B, channel=Channel.SMS)
    withdrawn.send("STOP")
    busy.send("nal toota hai")  # starting another complaint: a question is pending
    resolve(desk, sessions)
    assert asked(assembly, clock) == []
    with sessions() as session:
        steps = [c.step for c in session.scalars(select(Conversation))]
    assert Step.CONFIRM_FIX.value not in steps


def test_answers_and_ratings_are_audited_and_a_rating_must_be_1_to_5(
    desk: Desk, sessions: sessionmaker[Session], policy: Policy, vault: ContactVault, place: Place
) -> None:
    filed = desk.file(place.village)
    desk.move(filed.incident.id, Status.RESOLVED, ActorRole.VWSC, "fixed")
    with unit_of_work(sessions) as session:
        service = TicketService(session, policy, vault)
        ticket = service.find(filed.ticket.reference)
        service.answer_fix(ticket, fixed=True)
        service.answer_fix(ticket, fixed=False)  # a second answer is kept, not acted on
        with pytest.raises(ValidationError):
            service.rate(ticket, 6)
        service.rate(ticket, 2)
    with sessions() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
        incident = session.get_one(Incident, filed.incident.id)
    assert actions[-3:] == ["incident.closed", "ticket.fix_answered", "ticket.rated"]
    assert incident.status is Status.CLOSED


def test_checking_a_complaint_closed_without_an_answer_says_so(
    bot: DialogueEngine, desk: Desk, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    chat = file(bot)
    ticket = resolve(desk, sessions)
    with unit_of_work(sessions) as session:
        service = TicketService(session, desk.policy, desk.vault, clock)
        service.transition(ticket.incident_id, Status.CLOSED, TIMEOUT_ACTOR, "no answer")
    chat.send(ticket.reference)
    unconfirmed = said(labels.CLOSURE_LABELS["unconfirmed"], "hi-Latn")
    assert unconfirmed in chat.texts[0] and len(chat.texts) == 1  # closed: nothing to ask
