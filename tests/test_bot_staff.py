"""Committee members and engineers act by chat, in their language, only on what is theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import i18n, messages
from bot.engine import DialogueEngine
from grievance.audit.models import AuditEvent
from grievance.directory.models import VwscMember
from grievance.outbox.models import OutboxMessage
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.enums import Status
from grievance.types import Channel
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.test_bot_engine import Chat, said

CHAIR = "+919845000101"  # the village committee's chair, Kannada (tests/builders.py)
JE = "+919845000201"  # the block's Junior Engineer


@pytest.fixture
def bot(
    sessions: sessionmaker[Session], vault: ContactVault, policy: Policy, clock: FakeClock
) -> DialogueEngine:
    return DialogueEngine(sessions, vault, policy, clock)


def kn(message: str, **params: str) -> str:
    return said(message, "kn", **params)


def test_the_committee_lists_acknowledges_and_resolves_its_complaint(
    bot: DialogueEngine, desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id
    number = str(incident_id)
    chair = Chat(bot, CHAIR, Channel.WHATSAPP)
    chair.send("LIST")
    incident = desk.incident(incident_id)
    line = kn(
        messages.STAFF_LIST_LINE,
        number=number,
        problem=i18n.say(messages.CATEGORY_LABELS["no_water"], "kn"),
        village="Tammapur",
        status=i18n.say(messages.STATUS_LABELS["new"], "kn"),
        deadline=i18n.format_deadline(incident.due_at or incident.opened_at, "kn"),
    )
    assert chair.texts == [kn(messages.STAFF_LIST_HEADER) + "\n" + line]
    chair.send(f"ack {number}")
    assert chair.texts == [kn(messages.STAFF_ACKNOWLEDGED, number=number)]
    assert desk.incident(incident_id).status is Status.ACKNOWLEDGED
    chair.send(f"RESOLVE {number}")
    assert chair.texts == [kn(messages.STAFF_NEEDS_NOTE, number=number)]
    assert desk.incident(incident_id).status is Status.ACKNOWLEDGED
    chair.send(f"RESOLVE {number} valve replaced")
    assert chair.texts == [kn(messages.STAFF_RESOLVED, number=number)]
    assert desk.incident(incident_id).status is Status.RESOLVED
    with sessions() as session:
        actors = set(
            session.scalars(
                select(AuditEvent.actor).where(
                    AuditEvent.action.in_(["incident.acknowledged", "incident.resolved"])
                )
            )
        )
        chair_id = session.scalars(
            select(VwscMember.id).where(VwscMember.vwsc_id == place.vwsc)
        ).one()
        asked = session.scalars(
            select(OutboxMessage).where(OutboxMessage.purpose == "fix_question")
        ).all()
    assert actors == {f"vwsc:member-{chair_id}"} and len(asked) == 1
    chair.send(f"ACK {number}")  # resolved now: the workflow does not allow it
    status = i18n.say(messages.STATUS_LABELS["resolved"], "kn")
    assert chair.texts == [kn(messages.STAFF_CANNOT, number=number, status=status)]
    chair.send("LIST")
    assert chair.texts[0].startswith(kn(messages.STAFF_LIST_HEADER))  # resolved is still open


def test_nobody_acts_on_what_is_not_assigned_to_them(
    bot: DialogueEngine, desk: Desk, place: Place
) -> None:
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id
    engineer = Chat(bot, JE, Channel.SMS)
    for order in (f"ACK {incident_id}", f"RESOLVE {incident_id} done", "ACK 999999"):
        engineer.send(order)
        number = order.split()[1]
        assert engineer.texts == [kn(messages.STAFF_NOT_YOURS, number=number)]
    engineer.send("list")
    assert engineer.texts == [kn(messages.STAFF_LIST_EMPTY)]
    engineer.send("ACK")
    assert engineer.texts == [kn(messages.STAFF_NEEDS_NUMBER)]
    assert desk.incident(incident_id).status is Status.NEW


def test_a_household_writing_list_and_a_member_reporting_a_problem_get_the_citizen_flow(
    bot: DialogueEngine, place: Place
) -> None:
    household = Chat(bot, "+919900000009", Channel.WHATSAPP)
    household.send("list")
    chair = Chat(bot, CHAIR, Channel.WHATSAPP)
    chair.send("hamare gaon me pani nahi aa raha")
    for chat in (household, chair):  # the privacy notice of a first contact, not a staff answer
        assert chat.last.options and chat.last.options[0].key == "yes"
