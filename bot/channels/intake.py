"""Process each inbound message exactly once, and answer a redelivery as the first time.

The dialogue engine commits its own transactions, so a message goes through three steps:
claim (store the scrubbed raw message; the unique (channel, id) makes one delivery the
owner), handle (the engine answers), finish (store the rendered reply). A redelivery gets the
stored reply; one arriving while the owner still works gets `rendered=None` (nothing more to
say). A claim abandoned by a crashed process is taken over after `LEASE`; a failed handler
releases its claim so the provider's retry is processed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.channels import store
from bot.channels.handler import Handler
from bot.channels.models import InboundMessage
from bot.protocol import Inbound, Reply
from grievance.clock import utcnow
from grievance.db import unit_of_work
from jalsamvad.runtime import Runtime

LEASE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Outcome:
    rendered: str | None  # None: a duplicate still being processed by its first delivery
    replies: tuple[Reply, ...]  # empty for a duplicate: nothing new to send
    duplicate: bool


def handle_once(
    runtime: Runtime,
    handler: Handler,
    inbound: Inbound,
    payload: Mapping[str, Any],
    render: Callable[[Sequence[Reply]], str],
    keep: timedelta | None = None,
) -> Outcome:
    """`keep`: how long an id stays a duplicate (None: for ever, as Twilio's ids are unique)."""
    claim = _claim(runtime, inbound, payload, keep)
    if isinstance(claim, Outcome):
        return claim
    try:
        replies = tuple(handler(inbound))
        rendered = render(replies)
    except BaseException:
        with unit_of_work(runtime.sessions) as session:
            session.execute(delete(InboundMessage).where(InboundMessage.id == claim))
        raise
    with unit_of_work(runtime.sessions) as session:
        row = session.get(InboundMessage, claim)
        if row is not None:
            row.reply_rendered, row.processed_at = rendered, utcnow()
    return Outcome(rendered, replies, duplicate=False)


def _claim(
    runtime: Runtime, inbound: Inbound, payload: Mapping[str, Any], keep: timedelta | None
) -> int | Outcome:
    try:
        with unit_of_work(runtime.sessions) as session:
            now = utcnow()
            found = store.find_inbound(session, inbound.channel, inbound.message_id)
            if found is not None:
                if found.processed_at is None:
                    if now - found.received_at < LEASE:
                        return Outcome(None, (), duplicate=True)
                    found.received_at = now  # abandoned by a crashed process: take it over
                    return found.id
                if not (keep and store.retire_stale(session, found, now, keep)):
                    return Outcome(found.reply_rendered, (), duplicate=True)
            sender_hash = runtime.vault.lookup_hash(inbound.sender)
            row = store.add_inbound(
                session, inbound.channel, inbound.message_id, sender_hash, payload, now
            )
            return row.id
    except IntegrityError:
        # Another delivery of the same message claimed it between our look-up and insert.
        with unit_of_work(runtime.sessions) as session:
            found = store.find_inbound(session, inbound.channel, inbound.message_id)
            rendered = found.reply_rendered if found is not None else None
            return Outcome(rendered, (), duplicate=True)
