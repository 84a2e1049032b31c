"""Filing a complaint: routing, outages ("me too"), onboarding fallback, bad input."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit.models import AuditEvent
from grievance.errors import UnknownVillageError, ValidationError
from grievance.privacy import ContactVault
from grievance.tickets.enums import AttachmentKind, Priority, Status
from grievance.tickets.models import IncidentRoute, Reporter, Ticket
from grievance.tickets.reference import is_valid
from grievance.tickets.report import AttachmentIn
from grievance.tickets.service import Outcome
from grievance.types import Channel, Level
from tests.builders import Place
from tests.conftest import Desk


def routes_of(
    sessions: sessionmaker[Session], incident_id: int
) -> list[tuple[str, str, int | None, int | None]]:
    with sessions() as session:
        rows = session.scalars(
            select(IncidentRoute)
            .where(IncidentRoute.incident_id == incident_id)
            .order_by(IncidentRoute.id)
        )
        return [(r.reason.value, r.level.value, r.vwsc_id, r.official_id) for r in rows]


def test_filing_assigns_the_village_vwsc_and_starts_the_sla_clock(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    filed = desk.file(place.village, "no_water")

    assert filed.outcome is Outcome.NEW_INCIDENT
    assert is_valid(filed.ticket.reference) and len(filed.ticket.reference) == 10
    incident = desk.incident(filed.incident.id)
    assert (incident.status, incident.level, incident.assigned_vwsc_id) == (
        Status.NEW,
        Level.VWSC,
        place.vwsc,
    )
    assert incident.due_at == desk.clock.now + desk.policy.sla(incident.category, Level.VWSC)
    assert incident.priority is Priority.NORMAL and not incident.needs_onboarding
    assert routes_of(sessions, incident.id) == [("primary", "vwsc", place.vwsc, None)]


@pytest.mark.parametrize("category", ["dirty_water", "health_issue"])
def test_water_quality_complaints_are_urgent_and_also_notify_je_and_district(
    desk: Desk, place: Place, sessions: sessionmaker[Session], category: str
) -> None:
    filed = desk.file(place.village, category)

    assert filed.incident.priority is Priority.URGENT
    assert routes_of(sessions, filed.incident.id) == [
        ("primary", "vwsc", place.vwsc, None),
        ("notify", "je", None, place.je),
        ("notify", "dwsm", None, place.dwsm),
    ]


def test_billing_stays_with_the_vwsc(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    filed = desk.file(place.village, "billing")
    assert routes_of(sessions, filed.incident.id) == [("primary", "vwsc", place.vwsc, None)]


def test_a_gp_level_committee_serves_villages_of_its_panchayat(desk: Desk, place: Place) -> None:
    filed = desk.file(place.gp_village, "leakage")
    assert filed.incident.assigned_vwsc_id == place.gp_vwsc
    assert not filed.incident.needs_onboarding


def test_a_village_without_vwsc_goes_to_the_nearest_level_and_is_flagged(
    desk: Desk, place: Place
) -> None:
    # The orphan village's block has no JE; the sub-district AE is the nearest level on record.
    filed = desk.file(place.orphan_village, "no_water")

    assert filed.incident.level is Level.AE and filed.incident.assigned_official_id == place.ae
    assert filed.incident.needs_onboarding


def test_a_village_with_nobody_on_record_lands_in_the_state_queue(
    sessions: sessionmaker[Session], desk: Desk, vault: ContactVault
) -> None:
    from grievance.db import unit_of_work
    from tests.builders import build_directory

    with unit_of_work(sessions) as session:
        bare = build_directory(session, vault, with_officials=False)
    filed = desk.file(bare.orphan_village, "no_water")

    assert filed.incident.level is Level.STATE_ADMIN
    assert filed.incident.assigned_official_id is None and filed.incident.assigned_vwsc_id is None
    assert filed.incident.needs_onboarding


def test_more_households_reporting_the_same_outage_join_one_incident(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    first = desk.file(place.village, "no_water", phone="+919900000001")
    second = desk.file(place.village, "no_water", phone="+919900000002", channel=Channel.WHATSAPP)
    again = desk.file(
        place.village, "no_water", phone="09900000002"
    )  # same household, local format
    other = desk.file(place.village, "leakage", phone="+919900000003")

    assert second.outcome is Outcome.JOINED and second.incident.id == first.incident.id
    assert second.ticket.reference != first.ticket.reference
    assert again.outcome is Outcome.ALREADY_REPORTED and again.ticket.id == second.ticket.id
    assert other.outcome is Outcome.NEW_INCIDENT and other.incident.id != first.incident.id
    assert desk.incident(first.incident.id).households == 2
    with sessions() as session:
        reporters = session.scalars(
            select(Ticket.reporter_id).where(Ticket.incident_id == first.incident.id)
        ).all()
    assert len(set(reporters)) == 2


def test_a_report_after_the_incident_closed_opens_a_new_one(desk: Desk, place: Place) -> None:
    from grievance.tickets.enums import ActorRole

    first = desk.file(place.village, "no_water")
    desk.move(first.incident.id, Status.RESOLVED, ActorRole.VWSC, "valve replaced")
    desk.move(first.incident.id, Status.CLOSED, ActorRole.CITIZEN)

    later = desk.file(place.village, "no_water")
    assert later.outcome is Outcome.NEW_INCIDENT and later.incident.id != first.incident.id


def test_a_report_while_resolved_reopens_the_incident(desk: Desk, place: Place) -> None:
    from grievance.tickets.enums import ActorRole

    first = desk.file(place.village, "no_water", phone="+919900000001")
    desk.move(first.incident.id, Status.RESOLVED, ActorRole.VWSC, "valve replaced")

    again = desk.file(place.village, "no_water", phone="+919900000002")
    assert again.outcome is Outcome.JOINED
    assert desk.incident(first.incident.id).status is Status.REOPENED


def test_phone_numbers_are_stored_encrypted_and_found_by_keyed_hash(
    desk: Desk, place: Place, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    filed = desk.file(place.village, phone="+91 99000 12345")

    with sessions() as session:
        reporter = session.get(Reporter, filed.ticket.reporter_id)
        assert reporter is not None
        assert b"9900012345" not in reporter.contact_ciphertext
        assert desk.vault.decrypt(reporter.contact_ciphertext) == "+919900012345"
        events = session.scalars(select(AuditEvent)).all()
    assert all("9900012345" not in str(e.payload) + e.actor for e in events)
    assert "9900012345" not in caplog.text
    with sessions() as session:
        from grievance.tickets.service import TicketService

        same_phone = desk.vault.resolve(Channel.SMS, "09900012345")
        mine = TicketService(session, desk.policy, desk.vault, desk.clock).tickets_of(same_phone)
    assert [t.reference for t in mine] == [filed.ticket.reference]


def test_attachments_are_kept_with_the_ticket(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    photo = AttachmentIn(AttachmentKind.MEDIA, "https://api.twilio.com/media/ME1", "image/jpeg")
    filed = desk.file(place.village, attachments=(photo,), description="pipe burst near school")
    with sessions() as session:
        ticket = session.get(Ticket, filed.ticket.id)
        assert ticket is not None
        assert [(a.kind, a.url) for a in ticket.attachments] == [(AttachmentKind.MEDIA, photo.url)]
        assert ticket.description == "pipe burst near school"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "electricity"}, "unknown category 'electricity'"),
        ({"phone": "12"}, "not a"),
        ({"language": "Hindi!!"}, "not a language code"),
        ({"description": "x" * 5000}, "at most 4000"),
        (
            {"attachments": (AttachmentIn(AttachmentKind.MEDIA, "file:///etc/passwd"),)},
            "http(s) URL",
        ),
        ({"channel": Channel.TELEGRAM, "phone": "not-a-chat"}, "not a phone number or chat id"),
    ],
)
def test_bad_reports_get_a_clear_error_and_nothing_is_written(
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
    overrides: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        desk.file(place.village, **overrides)
    with sessions() as session:
        assert session.scalars(select(Ticket)).all() == []
        assert session.scalars(select(AuditEvent)).all() == []


def test_an_unknown_village_is_named_in_the_error(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(UnknownVillageError, match="no village with LGD code 999999"):
        desk.file(999999)
    with sessions() as session:
        assert session.scalars(select(Reporter)).all() == []


def test_control_characters_are_stripped_from_descriptions(desk: Desk, place: Place) -> None:
    filed = desk.file(place.village, description="no\x00 water\x07 since monday\n")
    assert filed.ticket.description == "no water since monday"


@pytest.mark.postgres_only
def test_households_filing_the_same_outage_at_once_get_one_incident(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    import threading

    start = threading.Barrier(8)
    filed = []

    def report(i: int) -> None:
        start.wait(timeout=10)
        filed.append(desk.file(place.village, "no_water", phone=f"+9199001200{i:02d}"))

    threads = [threading.Thread(target=report, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(filed) == 8 and len({f.incident.id for f in filed}) == 1
    assert sorted(f.outcome.value for f in filed).count("new_incident") == 1
    assert desk.incident(filed[0].incident.id).households == 8
    assert desk.verify_chain().ok


def test_language_tags_are_stored_in_their_conventional_case(desk: Desk, place: Place) -> None:
    assert desk.file(place.village, language="HI-latn").ticket.language == "hi-Latn"
