"""Append to and verify the hash chain.

Each event's hash is SHA-256 over the previous hash and the event's canonical JSON, so an
edited, inserted or deleted row breaks every hash after it. Appends lock the single head row,
which orders concurrent writers; callers take their own row locks before appending.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from grievance.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HEAD_ID = 1

# PostgreSQL, many events at once: one statement, the rows as one JSON document. A json
# column keeps the text it is given, so payloads are stored exactly as json.dumps wrote them.
_INSERT_ALL_PG = text(
    """
    INSERT INTO audit_events
        (seq, occurred_at, actor, action, entity_type, entity_id, payload, prev_hash, hash)
    SELECT seq, occurred_at, actor, action, entity_type, entity_id, payload, prev_hash, hash
    FROM json_to_recordset(CAST(:rows AS json)) AS e(
        seq bigint, occurred_at timestamptz, actor text, action text, entity_type text,
        entity_id text, payload json, prev_hash text, hash text)
    """
)


@dataclass(frozen=True)
class EventDraft:
    """An event before it has a place in the chain."""

    actor: str
    action: str
    entity_type: str
    entity_id: str
    payload: dict[str, Any]
    occurred_at: datetime


def canonical(seq: int, draft: EventDraft) -> str:
    body = {
        "seq": seq,
        "occurred_at": draft.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": draft.actor,
        "action": draft.action,
        "entity_type": draft.entity_type,
        "entity_id": draft.entity_id,
        "payload": draft.payload,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, seq: int, draft: EventDraft) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(seq, draft)}".encode()).hexdigest()


def append(session: Session, drafts: Iterable[EventDraft]) -> None:
    """Chain and insert events in order, in the caller's transaction."""
    drafts = list(drafts)
    if not drafts:
        return  # nothing to chain: do not take the head lock
    head = session.execute(
        select(AuditChainHead.seq, AuditChainHead.hash)
        .where(AuditChainHead.id == HEAD_ID)
        .with_for_update()
    ).one()
    seq, prev = head.seq, head.hash
    rows = []
    for draft in drafts:
        seq += 1
        digest = chain_hash(prev, seq, draft)
        rows.append(
            {
                "seq": seq,
                "occurred_at": draft.occurred_at,
                "actor": draft.actor,
                "action": draft.action,
                "entity_type": draft.entity_type,
                "entity_id": draft.entity_id,
                "payload": draft.payload,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    _insert_events(session, rows)
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(seq=seq, hash=prev)
    )


def _insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    if len(rows) > 1 and session.get_bind().dialect.name == "postgresql":
        document = [{**row, "occurred_at": row["occurred_at"].isoformat()} for row in rows]
        session.execute(_INSERT_ALL_PG, {"rows": json.dumps(document)})
    else:
        session.execute(insert(AuditEvent), rows)


@dataclass(frozen=True)
class Verification:
    events: int
    first_broken_seq: int | None = None
    problem: str | None = None
    last_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stored_events(session: Session) -> Generator[Row[Any], None, None]:
    """Plain rows, not ORM objects: nothing to fill an identity map with and expunge again."""
    stmt = (
        select(
            AuditEvent.seq,
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.entity_type,
            AuditEvent.entity_id,
            AuditEvent.payload,
            AuditEvent.prev_hash,
            AuditEvent.hash,
        )
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=5000)
    )
    result = session.execute(stmt)
    try:
        yield from result
    finally:
        result.close()  # verify may stop early; release the server-side cursor now


def verify(session: Session) -> Verification:
    """Walk the chain from genesis; name the first event that does not fit."""
    with closing(_stored_events(session)) as events:
        found = _walk(events)
    if not found.ok:
        return found
    head = session.execute(select(AuditChainHead).where(AuditChainHead.id == HEAD_ID)).scalar_one()
    if head.seq != found.events or head.hash != found.last_hash:
        return Verification(
            found.events,
            found.events + 1,
            f"events after {found.events} were deleted (the head is at {head.seq})",
        )
    return found


def _walk(events: Iterator[Row[Any]]) -> Verification:
    expected_seq, prev, count = 1, GENESIS_HASH, 0
    for event in events:
        if event.seq != expected_seq:
            missing = "deleted" if event.seq > expected_seq else "duplicated"
            return Verification(count, expected_seq, f"event {expected_seq} is {missing}")
        if event.prev_hash != prev:
            return Verification(
                count, event.seq, f"event {event.seq} does not follow its predecessor"
            )
        draft = EventDraft(
            event.actor,
            event.action,
            event.entity_type,
            event.entity_id,
            event.payload,
            event.occurred_at,
        )
        if chain_hash(prev, event.seq, draft) != event.hash:
            return Verification(count, event.seq, f"event {event.seq} was altered")
        prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
    return Verification(count, last_hash=prev)
