"""Committee members and engineers act by chat, in their language, on what lies in their
jurisdiction (as on the web and through the staff API), not only on what is assigned to them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.engine import DialogueEngine
from grievance import i18n, labels
from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.directory.models import VwscMember
from grievance.outbox.models import OutboxMessage
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.quality.check import Verdict
from grievance.quality.models import WaterTest
from grievance.tickets.enums import Status
from grievance.types import Channel, Level, MemberRole
from tests.builders import FakeClock, Place, add_member
from tests.conftest import Desk
from tests.test_bot_engine import Chat, said

CHAIR = "+919845000101"  # the village committee's chair, Kannada (tests/builders.py)
JE = "+919845000201"  # the block's Junior Engineer
GP_TESTER = "+919845000555"  # added to the gram panchayat's committee where needed


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
        problem=i18n.say(labels.CATEGORY_LABELS["no_water"], "kn"),
        village="Tammapur",
        status=i18n.say(labels.STATUS_LABELS["new"], "kn"),
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
    status = i18n.say(labels.STATUS_LABELS["resolved"], "kn")
    assert chair.texts == [kn(messages.STAFF_CANNOT, number=number, status=status)]
    chair.send("LIST")  # resolved: the households have the next word, the work queue is empty
    assert chair.texts == [kn(messages.STAFF_LIST_EMPTY)]


def test_nobody_acts_outside_their_jurisdiction(
    bot: DialogueEngine, desk: Desk, place: Place
) -> None:
    # The orphan village lies in another block: neither the JE's nor the committee's.
    incident_id = desk.file(place.orphan_village, "no_water", "+919900000001").incident.id
    for phone, channel in ((JE, Channel.SMS), (CHAIR, Channel.WHATSAPP)):
        person = Chat(bot, phone, channel)
        for order in (f"ACK {incident_id}", f"RESOLVE {incident_id} done", "ACK 999999"):
            person.send(order)
            number = order.split()[1]  # the same answer as for a number nobody has
            assert person.texts == [kn(messages.STAFF_NOT_FOUND, number=number)]
        person.send("list")
        assert person.texts == [kn(messages.STAFF_LIST_EMPTY)]
        person.send("ACK")
        assert person.texts == [kn(messages.STAFF_NEEDS_NUMBER)]
    assert desk.incident(incident_id).status is Status.NEW


def test_an_engineer_acts_on_the_committees_incident_in_the_block(
    bot: DialogueEngine, desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    """The rule changed: the JE's jurisdiction is the block, so the JE lists and acts on the
    committee's incident too, as on the web queue (it was "not assigned to you" before)."""
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id
    assert desk.incident(incident_id).assigned_vwsc_id == place.vwsc  # the committee's
    engineer = Chat(bot, JE, Channel.SMS)
    engineer.send("list")
    assert engineer.texts[0].startswith(kn(messages.STAFF_LIST_HEADER) + f"\n{incident_id}: ")
    engineer.send(f"ACK {incident_id}")
    assert engineer.texts == [kn(messages.STAFF_ACKNOWLEDGED, number=str(incident_id))]
    assert desk.incident(incident_id).status is Status.ACKNOWLEDGED
    with sessions() as session:
        actor = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "incident.acknowledged")
        ).one()
    assert actor == f"je:official-{place.je}"


def test_staff_can_act_on_the_reference_a_household_reads_out(
    bot: DialogueEngine, desk: Desk, place: Place
) -> None:
    filed = desk.file(place.village, "no_water", "+919900000001")
    reference = filed.ticket.reference
    chair = Chat(bot, CHAIR, Channel.WHATSAPP)
    chair.send(f"ACK {reference}")
    assert chair.texts == [kn(messages.STAFF_ACKNOWLEDGED, number=reference)]
    assert desk.incident(filed.incident.id).status is Status.ACKNOWLEDGED
    engineer = Chat(bot, JE, Channel.SMS)  # the committee's, in the engineer's block
    engineer.send(f"RESOLVE {reference} fixed")
    assert engineer.texts == [kn(messages.STAFF_RESOLVED, number=reference)]
    assert desk.incident(filed.incident.id).status is Status.RESOLVED
    elsewhere = desk.file(place.orphan_village, "no_water", "+919900000001").ticket.reference
    chair.send(f"ACK {elsewhere}")  # another block's: as if the reference did not exist
    assert chair.texts == [kn(messages.STAFF_NOT_FOUND, number=elsewhere)]


def test_a_household_writing_list_and_a_member_reporting_a_problem_get_the_citizen_flow(
    bot: DialogueEngine, place: Place
) -> None:
    household = Chat(bot, "+919900000009", Channel.WHATSAPP)
    household.send("list")
    chair = Chat(bot, CHAIR, Channel.WHATSAPP)
    chair.send("hamare gaon me pani nahi aa raha")
    for chat in (household, chair):  # the privacy notice of a first contact, not a staff answer
        assert chat.last.options and chat.last.options[0].key == "yes"


# -- field-test-kit results by chat ------------------------------------------------------------


def water_tests(sessions: sessionmaker[Session]) -> list[WaterTest]:
    with sessions() as session:
        return list(session.scalars(select(WaterTest).order_by(WaterTest.id)))


def test_a_tester_sends_a_safe_then_an_unsafe_test_and_unsafe_water_reaches_the_ee(
    bot: DialogueEngine, desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    chair = Chat(bot, CHAIR, Channel.WHATSAPP)
    chair.send("TEST ph 7.2 turbidity 0.5 ecoli no")
    assert chair.texts == [kn(messages.WATER_TEST_SAFE, village="Tammapur")]
    incident_id = desk.file(place.village, "dirty_water", "+919900000001").incident.id
    chair.send("test pH: 7.1, fluoride 2.4, E.coli yes")
    unsafe = kn(messages.WATER_TEST_UNSAFE, village="Tammapur", parameters="fluoride, e_coli")
    assert chair.texts == [unsafe]
    assert desk.incident(incident_id).level is Level.EE
    assert [t.verdict for t in water_tests(sessions)] == [Verdict.ACCEPTABLE, Verdict.UNSAFE]


def test_impossible_readings_and_another_village_are_refused_in_the_testers_language(
    bot: DialogueEngine, place: Place, sessions: sessionmaker[Session]
) -> None:
    chair = Chat(bot, CHAIR, Channel.WHATSAPP)
    chair.send("TEST ph 20")
    [reply] = chair.texts
    assert reply.startswith(kn(messages.WATER_TEST_REFUSED, reason="X").split("(")[0])
    assert "ph" in reply
    chair.send(f"TEST {place.gp_village} ph 7")  # not this committee's village
    assert chair.texts == [kn(messages.WATER_TEST_WHICH_VILLAGE)]
    assert water_tests(sessions) == []


def test_a_gram_panchayat_committee_names_the_village_it_tested(
    bot: DialogueEngine,
    place: Place,
    sessions: sessionmaker[Session],
    vault: ContactVault,
) -> None:
    with unit_of_work(sessions) as session:
        add_member(session, vault, place.gp_vwsc, "Savitri", GP_TESTER, MemberRole.FTK_TESTER)
    tester = Chat(bot, GP_TESTER, Channel.WHATSAPP)
    tester.send("TEST ph 7")
    assert tester.texts == [kn(messages.WATER_TEST_WHICH_VILLAGE)]
    tester.send(f"TEST {place.gp_village} ph 7 ecoli no")
    [test] = water_tests(sessions)
    assert test.village_code == place.gp_village and test.verdict is Verdict.ACCEPTABLE
