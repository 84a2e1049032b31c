"""The people who act are told: a new incident's owner, the owner after an escalation or an
assignment, and one digest per official after a sweep, each in their own language, through the
outbox."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import messages
from bot.channels.notify import ChannelDeliverer
from bot.engine import DialogueEngine
from grievance import i18n, labels
from grievance.db import unit_of_work
from grievance.outbox.delivery import deliver_due
from grievance.outbox.models import OutboxMessage, OutboxStatus
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.staff.actions import StaffDesk
from grievance.staff.directory_principal import principal_by_phone_hash
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole, RouteReason, Status
from grievance.tickets.escalation import sweep
from grievance.tickets.models import IncidentRoute
from grievance.tickets.service import TicketService
from grievance.types import Channel, Level
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.test_bot_engine import Chat, said
from tests.test_channels_outbound import FakeTwilio, make_sender

CHAIR = "whatsapp:+919845000101"  # the village committee's chair (tests/builders.py)
JE = "+919845000201"  # the block's Junior Engineer, on SMS
TEMPLATE = "HX" + "a" * 32


def notices(sessions: sessionmaker[Session], purpose: str) -> list[OutboxMessage]:
    with sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.purpose == purpose)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def deliver(assembly: Assembly, clock: FakeClock, budget: dict[Channel, int]) -> FakeTwilio:
    fake = FakeTwilio()
    templates = {"new_incident": TEMPLATE}  # the chair has not written to us: WhatsApp template
    deliverer = ChannelDeliverer(
        assembly.sessions, make_sender(assembly, fake, clock, templates=templates)
    )
    deliver_due(assembly.sessions, assembly.vault, deliverer, clock.now, budget)
    return fake


def test_a_new_incident_tells_the_committee_once_with_a_one_tap_seen_button(
    assembly: Assembly,
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    vault: ContactVault,
    policy: Policy,
) -> None:
    bot = DialogueEngine(sessions, vault, policy, clock)
    filed = desk.file(place.village, "no_water", "+919900000001")
    desk.file(place.village, "no_water", "+919900000002")  # joins: nobody is told again
    [notice] = notices(sessions, "new_incident")
    assert notice.channel is Channel.WHATSAPP and notice.payload["language"] == "kn"
    fake = deliver(assembly, clock, {Channel.WHATSAPP: 10})
    [request] = fake.requests
    incident = desk.incident(filed.incident.id)
    expected = said(
        messages.NEW_INCIDENT_STAFF,
        "kn",
        number=str(incident.id),
        village="Tammapur",
        problem=i18n.say(labels.CATEGORY_LABELS["no_water"], "kn"),
        households="2",
        deadline=i18n.format_deadline(incident.due_at or clock.now, "kn"),
    )
    assert request.data["To"] == CHAIR and request.data["ContentSid"] == TEMPLATE
    number = str(incident.id)
    assert json.loads(request.data["ContentVariables"]) == {"1": expected, "2": f"ACK {number}"}
    # One tap on the template's button: WhatsApp sends its id back as the button payload.
    chair = Chat(bot, CHAIR.removeprefix("whatsapp:"), Channel.WHATSAPP)
    chair.send(text="Seen", payload=f"ACK {number}")
    assert chair.texts == [said(messages.STAFF_ACKNOWLEDGED, "kn", number=number)]
    assert desk.incident(incident.id).status is Status.ACKNOWLEDGED


def test_an_escalation_tells_the_new_owner_and_a_closed_incident_is_not_announced(
    assembly: Assembly, desk: Desk, place: Place, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    first = desk.file(place.village, "no_water", "+919900000001").incident.id
    second = desk.file(place.village, "leakage", "+919900000001").incident.id
    with unit_of_work(sessions) as session:
        service = TicketService(session, desk.policy, desk.vault, desk.clock)
        for incident_id in (first, second):
            service.escalate(incident_id, Actor.system("test"), "the household says not fixed")
    desk.move(second, Status.REJECTED, ActorRole.JE, "a canal", responsible_body="Irrigation")
    assert len(notices(sessions, "escalated")) == 2
    fake = deliver(assembly, clock, {Channel.SMS: 10})
    [request] = fake.requests  # the rejected one is no longer anyone's to act on
    assert request.data["To"] == JE
    incident = desk.incident(first)
    assert request.data["Body"] == said(
        messages.ESCALATED_STAFF,
        "kn",
        number=str(first),
        village="Tammapur",
        problem=i18n.say(labels.CATEGORY_LABELS["no_water"], "kn"),
        deadline=i18n.format_deadline(incident.due_at or clock.now, "kn"),
    )
    assert [n.status for n in notices(sessions, "escalated")] == [OutboxStatus.SENT] * 2


def test_a_sweep_sends_each_official_one_digest_only_when_asked(
    assembly: Assembly,
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    policy: Policy,
    vault: ContactVault,
) -> None:
    for category in ("no_water", "leakage", "broken_tap"):
        desk.file(place.village, category, "+919900000001")
    clock.advance(days=30)
    sweep(sessions, policy, clock.now)  # no vault: no digests (benchmarks, tests)
    assert notices(sessions, "escalation_digest") == []
    clock.advance(days=30)
    report = sweep(sessions, policy, clock.now, vault=vault)
    assert report.escalated == 3
    [digest] = notices(sessions, "escalation_digest")
    assert digest.payload == {"count": 3, "language": "kn"}
    fake = deliver(assembly, clock, {Channel.SMS: 10})
    bodies = [r.data["Body"] for r in fake.requests]
    assert said(messages.ESCALATION_DIGEST, "kn", count="3") in bodies


def test_an_assignment_is_in_the_routing_history_and_tells_the_new_owner_each_time(
    assembly: Assembly,
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    vault: ContactVault,
) -> None:
    """As an escalation does: a route row (reason "assignment") and a notice to the new owner;
    the same people given it again are told again."""
    incident_id = desk.file(place.village, "no_water", "+919900000001").incident.id

    def assign(**to: int) -> None:
        with unit_of_work(sessions) as session:
            engineer = principal_by_phone_hash(session, vault.lookup_hash(JE))
            assert engineer is not None
            StaffDesk(session, desk.policy, vault, engineer, clock).assign(incident_id, **to)

    assign(official_id=place.ae)
    assign(vwsc_id=place.vwsc)
    assign(official_id=place.ae)
    with sessions() as session:
        routes = session.execute(
            select(
                IncidentRoute.reason,
                IncidentRoute.level,
                IncidentRoute.vwsc_id,
                IncidentRoute.official_id,
            )
            .where(
                IncidentRoute.incident_id == incident_id,
                IncidentRoute.reason != RouteReason.NOTIFY,
            )
            .order_by(IncidentRoute.id)
        ).all()
    assert [tuple(route) for route in routes] == [
        (RouteReason.PRIMARY, Level.VWSC, place.vwsc, None),
        (RouteReason.ASSIGNMENT, Level.AE, None, place.ae),
        (RouteReason.ASSIGNMENT, Level.VWSC, place.vwsc, None),
        (RouteReason.ASSIGNMENT, Level.AE, None, place.ae),
    ]
    told = notices(sessions, "assigned")
    assert [(n.channel, n.payload) for n in told] == [
        (Channel.SMS, {"incident": incident_id, "language": "kn"}),  # the AE
        (Channel.WHATSAPP, {"incident": incident_id, "language": "kn"}),  # the chair
        (Channel.SMS, {"incident": incident_id, "language": "kn"}),  # the AE again
    ]
    fake = deliver(assembly, clock, {Channel.SMS: 10})
    incident = desk.incident(incident_id)
    expected = said(
        messages.ASSIGNED_STAFF,
        "kn",
        number=str(incident_id),
        village="Tammapur",
        problem=i18n.say(labels.CATEGORY_LABELS["no_water"], "kn"),
        households="1",
        deadline=i18n.format_deadline(incident.due_at or clock.now, "kn"),
    )
    sent = [(r.data["To"], r.data["Body"]) for r in fake.requests]
    assert sent == [("+919845000202", expected)] * 2  # the AE's phone (tests/builders.py)
    assert desk.verify_chain().ok
