"""FTK tests recorded against IS 10500: stored and graded; unsafe water goes to the Executive
Engineer at once and every reporting household is told, in its language, not to drink it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.channels.notify import ChannelDeliverer
from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.errors import UnknownVillageError, ValidationError
from grievance.outbox.delivery import deliver_due
from grievance.outbox.models import OutboxMessage
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.quality.check import Reading, Verdict
from grievance.quality.models import WaterTest
from grievance.quality.service import Recorded, WaterTestService
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole
from grievance.types import Channel, Level, MemberRole
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place, add_member
from tests.conftest import Desk
from tests.test_bot_engine import said
from tests.test_channels_outbound import FakeTwilio, make_sender

TESTER = Actor(ActorRole.VWSC, "member-9")
TESTER_PHONE = "+919845000009"
SAFE = [Reading("ph", 7.2), Reading("turbidity", 0.5), Reading("e_coli", False)]
UNSAFE = [Reading("ph", 7.2), Reading("fluoride", 2.4), Reading("e_coli", True)]


def record(
    sessions: sessionmaker[Session],
    desk: Desk,
    village: int,
    readings: list[Reading],
    **extra: object,
) -> Recorded:
    with unit_of_work(sessions) as session:
        service = WaterTestService(session, desk.policy, desk.vault, desk.clock)
        return service.record(village, readings, TESTER, **extra)  # type: ignore[arg-type]


def ftk_requests(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.purpose == "ftk_request")
        return list(session.scalars(query))


def count(sessions: sessionmaker[Session], model: type[object]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_safe_test_is_stored_graded_and_audited_and_changes_nothing_else(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    incident_id = desk.file(place.village, "dirty_water").incident.id
    recorded = record(sessions, desk, place.village, SAFE)
    assert recorded.report.worst is Verdict.ACCEPTABLE and recorded.escalated == ()
    with sessions() as session:
        [test] = session.scalars(select(WaterTest)).all()
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "water_test.recorded")
        ).one()
    assert test.readings == {"ph": 7.2, "turbidity": 0.5, "e_coli": False}
    assert test.verdicts == {"ph": "acceptable", "turbidity": "acceptable", "e_coli": "acceptable"}
    assert test.tested_by == str(TESTER) and event.payload["verdict"] == "acceptable"
    assert desk.incident(incident_id).level is Level.VWSC


def test_unsafe_water_goes_to_the_ee_at_once_and_households_are_told_in_their_language(
    assembly: Assembly, desk: Desk, place: Place, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hindi = desk.file(place.village, "dirty_water", "+919900000001", language="hi")
    bengali = desk.file(place.village, "dirty_water", "+919900000002", language="bn")
    recorded = record(sessions, desk, place.village, UNSAFE)
    assert [f.reading.parameter for f in recorded.report.unsafe] == ["fluoride", "e_coli"]
    assert recorded.escalated == (hindi.incident.id,) and recorded.advised == 2
    incident = desk.incident(hindi.incident.id)
    assert (incident.level, incident.assigned_official_id) == (Level.EE, place.ee)

    fake = FakeTwilio()
    deliverer = ChannelDeliverer(assembly.sessions, make_sender(assembly, fake, clock))
    report = deliver_due(sessions, desk.vault, deliverer, clock.now, {Channel.SMS: 10})
    assert report.sent == 3  # the two households, and the Executive Engineer (on SMS)
    bodies = {r.data["To"]: r.data["Body"] for r in fake.requests}
    assert len(bodies) == 3 and {k: v for k, v in bodies.items() if k.startswith("+9199")} == {
        "+919900000001": said(
            messages.UNSAFE_WATER, "hi", village="Tammapur", reference=hindi.ticket.reference
        ),
        "+919900000002": said(
            messages.UNSAFE_WATER, "bn", village="Tammapur", reference=bengali.ticket.reference
        ),
    }


@pytest.mark.parametrize(
    ("readings", "extra", "error"),
    [
        pytest.param([Reading("ph", 20.0)], {}, ValidationError, id="ph-20"),
        pytest.param([Reading("turbidity", -1.0)], {}, ValidationError, id="negative-turbidity"),
        pytest.param([Reading("colour_of_sky", 1.0)], {}, ValidationError, id="unknown-parameter"),
        pytest.param(SAFE, {"incident_id": 999_999}, ValidationError, id="unknown-incident"),
        pytest.param(SAFE, {"village": 999_999}, UnknownVillageError, id="unknown-village"),
        pytest.param(SAFE, {"future": True}, ValidationError, id="dated-tomorrow"),
    ],
)
def test_impossible_tests_are_refused_and_nothing_is_stored(
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    readings: list[Reading],
    extra: dict[str, object],
    error: type[Exception],
) -> None:
    extra = dict(extra)  # the parameter is shared by both database runs: do not change it
    village = int(extra.pop("village", place.village))  # type: ignore[call-overload]
    if extra.pop("future", False):
        extra["tested_at"] = clock.now + timedelta(days=1)
    with pytest.raises(error):
        record(sessions, desk, village, readings, **extra)
    assert count(sessions, WaterTest) == 0


def test_an_incident_of_another_village_is_refused(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    elsewhere = desk.file(place.gp_village, "dirty_water").incident.id
    with pytest.raises(ValidationError, match="not in village"):
        record(sessions, desk, place.village, UNSAFE, incident_id=elsewhere)
    assert desk.incident(elsewhere).level is not Level.EE


def test_dirty_water_asks_the_villages_testers_to_test_in_their_language_first(
    assembly: Assembly,
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    vault: ContactVault,
    clock: FakeClock,
    policy: Policy,
) -> None:
    with unit_of_work(sessions) as session:
        add_member(session, vault, place.vwsc, "Lakshmi", TESTER_PHONE, MemberRole.FTK_TESTER)
    desk.file(place.village, "no_water", "+919900000003")  # not a water-quality problem
    assert ftk_requests(sessions) == []
    desk.file(place.village, "dirty_water", "+919900000001")
    [notice] = ftk_requests(sessions)
    assert (notice.purpose, notice.channel, notice.priority) == ("ftk_request", Channel.WHATSAPP, 0)
    fake = FakeTwilio()
    # The tester has not written to us in the last 24 hours: WhatsApp takes only an approved
    # template then, with the worded notice as its variable.
    template = "HX" + "f" * 32
    sender = make_sender(assembly, fake, clock, templates={"ftk_request": template})
    deliver_due(
        sessions,
        vault,
        ChannelDeliverer(assembly.sessions, sender),
        clock.now,
        {Channel.WHATSAPP: 9},
    )
    [request] = fake.requests
    assert request.data["To"] == "whatsapp:" + TESTER_PHONE
    assert request.data["ContentSid"] == template
    wording = said(messages.FTK_REQUEST, "kn", village="Tammapur")
    assert json.loads(request.data["ContentVariables"]) == {"1": wording}
