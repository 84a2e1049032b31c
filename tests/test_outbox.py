"""The notification outbox: written with the change, delivered once, retried, dead-lettered."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import unit_of_work
from grievance.outbox.delivery import (
    INTERRUPTED,
    Backoff,
    DeliveryError,
    deliver_due,
)
from grievance.outbox.models import OutboxMessage, OutboxStatus, Priority
from grievance.outbox.repository import dead_letters
from grievance.outbox.service import Notice, enqueue
from grievance.privacy import Contact, ContactVault
from grievance.types import Channel
from tests.builders import FakeClock
from tests.conftest import TEST_SECRET

PHONE = "+919812345678"
EVERY_CHANNEL = dict.fromkeys(Channel, 100)
VAULT = ContactVault(TEST_SECRET)  # the `vault` fixture's keys


class Provider:
    """Stands in for SMS/WhatsApp/Telegram: records what it was asked to send; can fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[Channel, str, str, dict[str, Any]]] = []
        self.failures: list[DeliveryError] = []
        self.lock = threading.Lock()

    def __call__(
        self, channel: Channel, contact: Contact, purpose: str, payload: Mapping[str, Any]
    ) -> str | None:
        with self.lock:
            if self.failures:
                raise self.failures.pop(0)
            self.sent.append((channel, contact.canonical, purpose, dict(payload)))
            return f"SM{len(self.sent):04d}"


@pytest.fixture
def provider() -> Provider:
    return Provider()


def notice(key: str = "fix_question:1", **extra: Any) -> Notice:
    fields: dict[str, Any] = {
        "channel": Channel.SMS,
        "contact": PHONE,
        "purpose": "fix_question",
        "payload": {"reference": "1234567890"},
    }
    fields.update(extra)
    fields["contact"] = VAULT.resolve(fields["channel"], fields["contact"])
    return Notice(dedupe_key=key, **fields)


def add(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, *notices: Notice
) -> None:
    with unit_of_work(sessions) as session:
        for item in notices:
            enqueue(session, item, clock.now)


def rows(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def run(
    sessions: sessionmaker[Session],
    vault: ContactVault,
    provider: Provider,
    clock: FakeClock,
    budget: Mapping[Channel, int] = EVERY_CHANNEL,
) -> Any:
    return deliver_due(sessions, vault, provider, clock.now, budget)


def test_a_notice_is_delivered_once_to_its_contact_and_the_phone_is_stored_encrypted(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, provider: Provider
) -> None:
    add(sessions, vault, clock, notice(), notice())  # the same event twice: one row
    [row] = rows(sessions)
    assert PHONE.encode() not in row.recipient_ciphertext
    assert row.recipient_hash == vault.lookup_hash(PHONE)
    report = run(sessions, vault, provider, clock)
    again = run(sessions, vault, provider, clock)
    assert (report.sent, again.sent) == (1, 0)
    assert provider.sent == [(Channel.SMS, PHONE, "fix_question", {"reference": "1234567890"})]
    [row] = rows(sessions)
    assert (row.status, row.provider_id, row.attempts) == (OutboxStatus.SENT, "SM0001", 1)


def test_a_rolled_back_change_leaves_no_notice(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock
) -> None:
    with pytest.raises(RuntimeError), unit_of_work(sessions) as session:
        enqueue(session, notice(), clock.now)
        raise RuntimeError("the change failed")
    assert rows(sessions) == []


def test_temporary_failures_back_off_exponentially_then_the_message_is_dead(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, provider: Provider
) -> None:
    add(sessions, vault, clock, notice())
    backoff = Backoff(first=timedelta(minutes=1), factor=2, max_attempts=3)
    waits = []
    for _ in range(3):
        provider.failures.append(DeliveryError("HTTP 503 from the provider"))
        deliver_due(sessions, vault, provider, clock.now, EVERY_CHANNEL, backoff)
        [row] = rows(sessions)
        if row.status is OutboxStatus.DEAD:
            break
        waits.append(row.next_attempt_at - clock.now)
        assert deliver_due(sessions, vault, provider, clock.now, EVERY_CHANNEL, backoff).sent == 0
        clock.now = row.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2)]
    assert (row.status, row.attempts, row.last_error) == (
        OutboxStatus.DEAD,
        3,
        "HTTP 503 from the provider",
    )
    with sessions() as session:
        assert [m.id for m in dead_letters(session)] == [row.id]
    assert provider.sent == []


def test_a_permanent_failure_is_dead_at_once(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, provider: Provider
) -> None:
    add(sessions, vault, clock, notice())
    provider.failures.append(DeliveryError("not a WhatsApp number", permanent=True))
    report = run(sessions, vault, provider, clock)
    assert (report.dead, rows(sessions)[0].status) == (1, OutboxStatus.DEAD)


def test_a_send_interrupted_by_a_crash_is_dead_lettered_never_sent_again(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, provider: Provider
) -> None:
    add(sessions, vault, clock, notice())
    with unit_of_work(sessions) as session:  # claimed by a worker that then died
        session.execute(
            update(OutboxMessage).values(status=OutboxStatus.SENDING, claimed_at=clock.now)
        )
    assert run(sessions, vault, provider, clock).interrupted == 0  # it may still be sending
    clock.now += timedelta(minutes=11)
    report = run(sessions, vault, provider, clock)
    [row] = rows(sessions)
    assert (report.interrupted, row.status, row.last_error) == (1, OutboxStatus.DEAD, INTERRUPTED)
    assert provider.sent == []


def test_replies_go_before_bulk_and_each_channel_keeps_its_budget(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, provider: Provider
) -> None:
    bulk = [notice(f"bulk:{n}", payload={"n": n}) for n in range(3)]
    reply = notice("reply:1", payload={"n": "reply"}, priority=Priority.REPLY)
    telegram = notice("tg:1", channel=Channel.TELEGRAM, contact="777", payload={"n": "tg"})
    add(sessions, vault, clock, *bulk, reply, telegram)
    budget = {Channel.SMS: 2, Channel.TELEGRAM: 5}
    first = run(sessions, vault, provider, clock, budget)
    assert [p["n"] for _, _, _, p in provider.sent] == ["reply", 0, "tg"]
    assert first.by_channel == {Channel.SMS: 2, Channel.TELEGRAM: 1}
    run(sessions, vault, provider, clock, budget)
    assert [p["n"] for _, _, _, p in provider.sent][3:] == [1, 2]


def test_a_channel_without_a_sender_keeps_its_messages_waiting(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, provider: Provider
) -> None:
    add(sessions, vault, clock, notice(channel=Channel.WHATSAPP))
    run(sessions, vault, provider, clock, {Channel.SMS: 10})
    assert rows(sessions)[0].status is OutboxStatus.PENDING and provider.sent == []


@pytest.mark.postgres_only
def test_two_workers_at_once_deliver_each_message_exactly_once(
    sessions: sessionmaker[Session], vault: ContactVault, clock: FakeClock, provider: Provider
) -> None:
    add(sessions, vault, clock, *(notice(f"n:{n}", payload={"n": n}) for n in range(40)))
    start = threading.Barrier(2)

    def worker() -> int:
        start.wait()
        sent = 0
        while (report := run(sessions, vault, provider, clock, {Channel.SMS: 5})).sent:
            sent += report.sent
        return sent

    with ThreadPoolExecutor(2) as pool:
        totals = list(pool.map(lambda _: worker(), range(2)))
    assert sum(totals) == 40
    assert sorted(p["n"] for _, _, _, p in provider.sent) == list(range(40))
