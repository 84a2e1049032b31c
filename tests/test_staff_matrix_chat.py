"""The staff matrix, chat half: every directory role × every chat command (LIST, ACK, RESOLVE,
TEST) × an incident (or village) inside / outside its jurisdiction, through the real
DialogueEngine.

Chat staff are the directory's people (no accounts, no auditors): the village committee's
chair and pump operator, a gram panchayat committee's member, and the officials from the JE up.
They act as the same person would on the web and through the API (tests/test_staff_matrix.py,
whose roles, villages and categories this file reuses): inside their jurisdiction what the
workflow allows, outside the answer a nonexistent number gets, with nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.engine import DialogueEngine
from grievance import i18n, labels
from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.directory.models import Official, VwscMember
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.quality.models import WaterTest
from grievance.staff.directory_principal import principal_by_phone_hash
from grievance.staff.models import StaffAccount
from grievance.staff.principal import principal_of
from grievance.tickets.enums import Status
from grievance.types import Channel
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.staff_builders import Staffer, add_staff
from tests.staff_client import event_count
from tests.test_bot_engine import Chat
from tests.test_staff_matrix import (
    COMMITTEE,
    ENGINEERS,
    MISSING,
    PHONE,
    add_foreign_village,
    home_village,
    outside_villages,
)

# The directory's phone of each role (tests/builders.py and tests/staff_builders.py); every
# one of them speaks Kannada there.
PHONES = {
    "vwsc": "+919845000101",  # the village committee's chair
    "pump": "+919845000111",  # the village committee's pump operator
    "gp_member": "+919845000112",  # a member of the gram panchayat's committee
    "je": "+919845000201",
    "ae": "+919845000202",
    "ee": "+919845000203",
    "dwsm": "+919845000204",
    "state": "+919845000205",
}
ROLES = sorted(PHONES)
LANGUAGE = "kn"
SAFE = "ph 7.2 turbidity 0.5 ecoli no"


def test_the_chat_roles_are_the_matrix_roles_that_act() -> None:
    """Every role that may act through the API is walked here too (auditors have no phone in
    the directory: they never act by chat)."""
    assert set(ROLES) == ENGINEERS | COMMITTEE


@pytest.fixture
def staff(sessions: sessionmaker[Session], vault: ContactVault, place: Place) -> dict[str, Staffer]:
    """The pump operator and the GP committee's member in the directory (with the accounts the
    API matrix logs in with), and a village in another state."""
    with unit_of_work(sessions) as session:
        accounts = add_staff(session, place, vault)
        add_foreign_village(session)
    return accounts


@pytest.fixture
def bot(
    sessions: sessionmaker[Session], vault: ContactVault, policy: Policy, clock: FakeClock
) -> DialogueEngine:
    return DialogueEngine(sessions, vault, policy, clock)


def chat(bot: DialogueEngine, role: str) -> Chat:
    channel = Channel.WHATSAPP if role in COMMITTEE else Channel.SMS
    return Chat(bot, PHONES[role], channel)


def kn(message: str, **params: str) -> str:
    return i18n.say(message, LANGUAGE, **params)


def listed_numbers(reply: str) -> set[int]:
    header, *lines = reply.split("\n")
    assert header == kn(messages.STAFF_LIST_HEADER)
    return {int(line.split(":", 1)[0]) for line in lines}


def actor_of(sessions: sessionmaker[Session], vault: ContactVault, role: str) -> str:
    """How the audit log names the person: by directory id, as before the common rule."""
    phone_hash = vault.lookup_hash(PHONES[role])
    with sessions() as session:
        if role in COMMITTEE:
            member = session.scalars(select(VwscMember).where(VwscMember.phone_hash == phone_hash))
            return f"vwsc:member-{member.one().id}"
        official = session.scalars(select(Official).where(Official.phone_hash == phone_hash))
        return f"{role if role != 'state' else 'state_admin'}:official-{official.one().id}"


def water_tests(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    with sessions() as session:
        rows = session.execute(select(WaterTest.village_code, WaterTest.tested_by))
        return sorted((village, tester) for village, tester in rows)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_and_command_inside_and_outside(
    role: str,
    bot: DialogueEngine,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    vault: ContactVault,
) -> None:
    home, elsewhere = home_village(role, place), outside_villages(role, place)
    inside = {
        "ack": desk.file(home, "low_pressure", PHONE).incident.id,
        "resolve": desk.file(home, "leakage", PHONE).incident.id,
    }
    by_reference = desk.file(home, "broken_tap", PHONE)
    outside = {
        (village, command): desk.file(village, category, PHONE)
        for village in elsewhere
        for command, category in (("ack", "low_pressure"), ("resolve", "leakage"))
    }
    person = chat(bot, role)

    # LIST: the open incidents inside, and nothing of the outside ones.
    person.send("LIST")
    [reply] = person.texts
    assert listed_numbers(reply) == {*inside.values(), by_reference.incident.id}, role

    # Outside: the very answer a number that does not exist gets, and nothing changes, whether
    # by the incident's number or by a household's reference.
    for (village, command), filed in outside.items():
        incident_id = filed.incident.id
        for number in (str(incident_id), filed.ticket.reference):
            before_events, before = event_count(sessions), desk.incident(incident_id).version
            order = f"ACK {number}" if command == "ack" else f"RESOLVE {number} valve replaced"
            person.send(order)
            assert person.texts == [kn(messages.STAFF_NOT_FOUND, number=number)], (role, village)
            person.send(order.replace(number, str(MISSING)))
            assert person.texts == [kn(messages.STAFF_NOT_FOUND, number=str(MISSING))]
            assert desk.incident(incident_id).version == before
            assert desk.incident(incident_id).status is Status.NEW
            assert event_count(sessions) == before_events

    # Inside: every role in the directory may acknowledge and resolve (the workflow's STAFF).
    number = str(inside["ack"])
    person.send(f"ACK {number}")
    assert person.texts == [kn(messages.STAFF_ACKNOWLEDGED, number=number)], role
    assert desk.incident(inside["ack"]).status is Status.ACKNOWLEDGED
    number = str(inside["resolve"])
    person.send(f"RESOLVE {number} valve replaced")
    assert person.texts == [kn(messages.STAFF_RESOLVED, number=number)], role
    assert desk.incident(inside["resolve"]).status is Status.RESOLVED
    reference = by_reference.ticket.reference
    person.send(f"DONE {reference} tap fixed")
    assert person.texts == [kn(messages.STAFF_RESOLVED, number=reference)], role
    assert desk.incident(by_reference.incident.id).status is Status.RESOLVED
    # A resolved incident is the households' to confirm: the workflow refuses, in words.
    person.send(f"ACK {number}")
    resolved = kn(labels.STATUS_LABELS["resolved"])
    assert person.texts == [kn(messages.STAFF_CANNOT, number=number, status=resolved)]
    with sessions() as session:
        actors = set(
            session.scalars(
                select(AuditEvent.actor).where(
                    AuditEvent.action.in_(["incident.acknowledged", "incident.resolved"])
                )
            )
        )
    assert actors == {actor_of(sessions, vault, role)}

    # LIST is the work queue: resolved incidents wait for the households and leave it.
    person.send("LIST")
    assert listed_numbers(person.texts[0]) == {inside["ack"]}, role


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sends_water_tests_only_inside(
    role: str,
    bot: DialogueEngine,
    staff: dict[str, Staffer],
    place: Place,
    sessions: sessionmaker[Session],
    vault: ContactVault,
) -> None:
    home, person = home_village(role, place), chat(bot, role)
    which_village = kn(messages.WATER_TEST_WHICH_VILLAGE)

    # Outside, and a code no village has: the same question back, and nothing is kept.
    for village in [*outside_villages(role, place), MISSING]:
        before = event_count(sessions)
        person.send(f"TEST {village} {SAFE}")
        assert person.texts == [which_village], (role, village)
        assert water_tests(sessions) == [] and event_count(sessions) == before

    # Inside, naming the village: recorded, in the person's name and language.
    name = "Kapgal" if home == place.gp_village else "Tammapur"
    person.send(f"TEST {home} {SAFE}")
    assert person.texts == [kn(messages.WATER_TEST_SAFE, village=name)], role
    tester = actor_of(sessions, vault, role)
    assert water_tests(sessions) == [(home, tester)]

    # Without a code only a village committee's people are understood: theirs is one village.
    person.send(f"TEST {SAFE}")
    if role in {"vwsc", "pump"}:
        assert person.texts == [kn(messages.WATER_TEST_SAFE, village=name)]
        assert water_tests(sessions) == [(home, tester), (home, tester)]
    else:
        assert person.texts == [which_village], role
        assert water_tests(sessions) == [(home, tester)]


@pytest.mark.parametrize("role", ROLES)
def test_by_chat_a_person_is_the_principal_their_staff_account_is(
    role: str, staff: dict[str, Staffer], sessions: sessionmaker[Session], vault: ContactVault
) -> None:
    """One rule: the directory gives the same role and jurisdiction as the account linked to
    the same member or official; only how the audit log names them differs."""
    with sessions() as session:
        by_chat = principal_by_phone_hash(session, vault.lookup_hash(PHONES[role]))
        account = session.get_one(StaffAccount, staff[role].account_id)
        on_the_web = principal_of(session, account)
    assert by_chat is not None
    assert (by_chat.role, by_chat.units, by_chat.read_only) == (
        on_the_web.role,
        on_the_web.units,
        on_the_web.read_only,
    )
    assert by_chat.actor.role is on_the_web.actor.role
    assert str(by_chat.actor) == actor_of(sessions, vault, role)
