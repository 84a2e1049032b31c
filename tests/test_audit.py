"""The audit chain catches any edited, inserted or deleted event."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit import chain
from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.tickets.enums import ActorRole, Status
from tests.builders import Place
from tests.conftest import Desk


@pytest.fixture
def history(desk: Desk, place: Place) -> int:
    """Two incidents, a joined report and two moves: seven events."""
    first = desk.file(place.village).incident.id
    desk.file(place.village, phone="+919900000002")
    desk.move(first, Status.ACKNOWLEDGED, ActorRole.VWSC, "seen")
    desk.move(first, Status.RESOLVED, ActorRole.VWSC, "fixed")
    desk.file(place.gp_village, "leakage")
    return first


def tamper(sessions: sessionmaker[Session], statement) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(sessions) as session:
        session.execute(statement)


def test_an_untouched_chain_verifies(desk: Desk, history: int) -> None:
    result = desk.verify_chain()
    assert result.ok and result.events == 7


def test_every_event_links_to_the_one_before(sessions: sessionmaker[Session], history: int) -> None:
    with sessions() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert events[0].prev_hash == chain.GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))


def test_an_edited_payload_is_caught(
    desk: Desk, sessions: sessionmaker[Session], history: int
) -> None:
    tamper(
        sessions, update(AuditEvent).where(AuditEvent.seq == 5).values(payload={"note": "all good"})
    )
    result = desk.verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 5)
    assert "altered" in (result.problem or "")


def test_an_edited_actor_is_caught(
    desk: Desk, sessions: sessionmaker[Session], history: int
) -> None:
    tamper(sessions, update(AuditEvent).where(AuditEvent.seq == 3).values(actor="ee:someone-else"))
    assert desk.verify_chain().first_broken_seq == 3


def test_a_deleted_event_is_caught(
    desk: Desk, sessions: sessionmaker[Session], history: int
) -> None:
    tamper(sessions, delete(AuditEvent).where(AuditEvent.seq == 4))
    result = desk.verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 4)
    assert "deleted" in (result.problem or "")


def test_deleting_the_newest_events_is_caught(
    desk: Desk, sessions: sessionmaker[Session], history: int
) -> None:
    with sessions() as session:
        last = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    tamper(sessions, delete(AuditEvent).where(AuditEvent.seq >= last - 1))  # type: ignore[operator]
    result = desk.verify_chain()
    assert not result.ok and "deleted" in (result.problem or "")


def test_an_inserted_event_is_caught(
    desk: Desk, sessions: sessionmaker[Session], history: int
) -> None:
    # Rewrite event 6 with a forged one that claims to follow event 5 (hash recomputed): the
    # forgery itself verifies, but event 7 no longer follows it.
    with sessions() as session:
        original = session.get(AuditEvent, 6)
        assert original is not None
        prev = original.prev_hash
    forged = chain.EventDraft(
        "je:forger", "incident.note", "incident", "1", {"note": "x"}, original.occurred_at
    )
    tamper(sessions, delete(AuditEvent).where(AuditEvent.seq == 6))
    tamper(
        sessions,
        insert(AuditEvent).values(
            seq=6,
            occurred_at=forged.occurred_at,
            actor=forged.actor,
            action=forged.action,
            entity_type=forged.entity_type,
            entity_id=forged.entity_id,
            payload=forged.payload,
            prev_hash=prev,
            hash=chain.chain_hash(prev, 6, forged),
        ),
    )
    result = desk.verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 7)
