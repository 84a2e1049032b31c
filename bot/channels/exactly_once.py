"""Process each inbound message exactly once, and answer a redelivery as the first time.

One transaction per message: claim the (channel, provider id) with an insert that does nothing
on conflict, let the dialogue answer, store the rendered reply, commit. A redelivery finds the
stored reply; one arriving while the first is still being answered waits on the unique index
(PostgreSQL) or the write lock (SQLite) until that commits, then gets the same reply. A crash
rolls everything back, so the provider's retry is processed as new.

If the dialogue fails (twice on a concurrent change, or once on anything else), the raw
message is still stored once, in a fresh transaction, with the handler's apology as its reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.channels.handler import Handler
from bot.exchange import Inbound, Reply
from grievance.channel_messages import repository as channel_messages
from grievance.clock import utcnow
from grievance.db import unit_of_work
from grievance.errors import ConflictError

log = logging.getLogger(__name__)

# Another process changed the same conversation or incident meanwhile: answering again works.
RETRYABLE = (StaleDataError, IntegrityError, ConflictError)
ATTEMPTS = 2

Render = Callable[[Sequence[Reply]], str]


@dataclass(frozen=True, slots=True)
class Outcome:
    rendered: str | None  # what the provider gets back (None only for a legacy unfinished row)
    replies: tuple[Reply, ...]  # empty for a duplicate: nothing new to send
    duplicate: bool


@dataclass(frozen=True, slots=True)
class _Delivery:
    inbound: Inbound
    payload: Mapping[str, Any]
    keep: timedelta | None


def handle_once(
    sessions: sessionmaker[Session],
    handler: Handler,
    inbound: Inbound,
    payload: Mapping[str, Any],
    render: Render,
    keep: timedelta | None = None,
) -> Outcome:
    """`keep`: how long an id stays a duplicate (None: for ever, as Twilio's ids are unique)."""
    delivery = _Delivery(inbound, payload, keep)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with unit_of_work(sessions) as session:
                return _process(session, delivery, handler.answer, render)
        except RETRYABLE:
            if attempt < ATTEMPTS:
                log.info("%s: changed concurrently; answering again", _what(inbound))
                continue
            log.exception("%s: still changing concurrently", _what(inbound))
        except Exception:
            log.exception("%s: could not be answered", _what(inbound))
        break
    with unit_of_work(sessions) as session:
        return _process(session, delivery, handler.apology, render)


def _process(
    session: Session,
    delivery: _Delivery,
    answer: Callable[[Session, Inbound], Sequence[Reply]],
    render: Render,
) -> Outcome:
    now = utcnow()
    claimed = _claim(session, delivery, now)
    if isinstance(claimed, Outcome):
        return claimed
    replies = tuple(answer(session, delivery.inbound))
    rendered = render(replies)
    channel_messages.finish_inbound(session, claimed, rendered, now)
    return Outcome(rendered, replies, duplicate=False)


def _claim(session: Session, delivery: _Delivery, now: datetime) -> int | Outcome:
    """The id of our new row, or the stored answer when the message was already handled."""
    inbound = delivery.inbound
    row_id = channel_messages.claim_inbound(
        session,
        inbound.channel,
        inbound.message_id,
        inbound.sender.lookup_hash,
        delivery.payload,
        now,
    )
    if row_id is not None:
        return row_id
    found = channel_messages.find_inbound(session, inbound.channel, inbound.message_id)
    if found is None:  # the other delivery rolled back after we waited for it: ours now
        raise ConflictError("a concurrent delivery of the same message was rolled back")
    keep = delivery.keep
    if keep and channel_messages.retire_stale(session, found, now, keep):
        return _claim(session, delivery, now)
    return Outcome(found.reply_rendered, (), duplicate=True)


def _what(inbound: Inbound) -> str:
    return f"{inbound.channel.value} message {inbound.message_id}"
