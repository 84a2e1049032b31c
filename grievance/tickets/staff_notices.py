"""Telling the people who act: a new incident's owner, the owner after an escalation, and,
after each SLA sweep, one digest per official (not one message per incident).

A committee is told through its chair, secretary and pump operator; an official directly; a
queue (nobody on record) is not told anyone. Each notice carries the person's language, and
the bot words it when it is delivered. Written in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.directory.models import Official, VwscMember
from grievance.outbox import service as outbox
from grievance.outbox.models import Priority
from grievance.outbox.service import Notice
from grievance.privacy import ContactVault
from grievance.tickets.models import Incident
from grievance.tickets.routing import Assignee
from grievance.types import Channel, MemberRole

NEW_INCIDENT = "new_incident"
ESCALATED = "escalated"
ESCALATION_DIGEST = "escalation_digest"
COMMITTEE_ROLES = (MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.PUMP_OPERATOR)
# Channels a person can be written to on, unprompted.
REACHABLE = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.TELEGRAM})


@dataclass(frozen=True)
class StaffContact:
    key: str  # "member-5", "official-3": who, without a name or number
    channel: Channel
    ciphertext: bytes
    language: str


def contacts_of(session: Session, owner: Assignee) -> list[StaffContact]:
    if owner.vwsc_id is not None:
        found = _committee(session, owner.vwsc_id)
    elif owner.official_id is not None:
        found = [_official(session, owner.official_id)]
    else:
        found = []
    return [c for c in found if c.channel in REACHABLE]


def _committee(session: Session, vwsc_id: int) -> list[StaffContact]:
    members = session.scalars(
        select(VwscMember)
        .where(VwscMember.vwsc_id == vwsc_id, VwscMember.role.in_(COMMITTEE_ROLES))
        .order_by(VwscMember.id)
    )
    return [
        StaffContact(f"member-{m.id}", m.channel, m.phone_ciphertext, m.language) for m in members
    ]


def _official(session: Session, official_id: int) -> StaffContact:
    official = session.get_one(Official, official_id)
    return StaffContact(
        f"official-{official.id}", official.channel, official.phone_ciphertext, official.language
    )


def tell_owner(
    session: Session,
    vault: ContactVault,
    incident: Incident,
    owner: Assignee,
    purpose: str,
    now: datetime,
) -> int:
    """`purpose` (NEW_INCIDENT or ESCALATED) to whoever `owner` is; how many were written."""
    written = 0
    for contact in contacts_of(session, owner):
        notice = Notice(
            dedupe_key=f"{purpose}:{incident.id}:{owner.level.value}:{contact.key}",
            channel=contact.channel,
            contact=vault.decrypt(contact.ciphertext),
            purpose=purpose,
            payload={"incident": incident.id, "language": contact.language},
            priority=Priority.REPLY,
        )
        written += outbox.enqueue(session, vault, notice, now)
    return written


def send_digests(
    session: Session, vault: ContactVault, escalated_to: Counter[int], now: datetime
) -> int:
    """After a sweep: each official is told how many incidents climbed to them."""
    written = 0
    for official_id, count in sorted(escalated_to.items()):
        contact = _official(session, official_id)
        if contact.channel in REACHABLE:
            notice = Notice(
                dedupe_key=f"{ESCALATION_DIGEST}:{contact.key}:{now.isoformat()}",
                channel=contact.channel,
                contact=vault.decrypt(contact.ciphertext),
                purpose=ESCALATION_DIGEST,
                payload={"count": count, "language": contact.language},
            )
            written += outbox.enqueue(session, vault, notice, now)
    return written
