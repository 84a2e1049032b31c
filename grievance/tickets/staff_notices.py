"""Telling the people who act: a new incident's owner, the owner after an escalation or after
staff assigned it to them, and, after each SLA sweep, one digest per official (not one message
per incident).

A committee is told through its chair, secretary and pump operator; an official directly; a
queue (nobody on record) is not told anyone. Staff who linked a Telegram chat are told there.
Each notice carries the person's language, and the bot words it when it is delivered. Written
in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.directory import chat_links
from grievance.directory.models import Official, VwscMember
from grievance.outbox import service as outbox
from grievance.outbox.models import Priority
from grievance.outbox.service import Notice
from grievance.privacy import SealedContact
from grievance.tickets.models import Incident
from grievance.tickets.routing import Assignee
from grievance.types import Channel, MemberRole

NEW_INCIDENT = "new_incident"
ESCALATED = "escalated"
ASSIGNED = "assigned"
ESCALATION_DIGEST = "escalation_digest"
COMMITTEE_ROLES = (MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.PUMP_OPERATOR)
# Channels a person can be written to on, unprompted.
REACHABLE = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.TELEGRAM})


@dataclass(frozen=True)
class StaffContact:
    key: str  # "member-5", "official-3": who, without a name or number
    channel: Channel
    contact: SealedContact  # the linked chat's or the phone's, as stored
    language: str


Person = VwscMember | Official


def reach(session: Session, people: Sequence[Person]) -> list[StaffContact]:
    """How to write to each person: the chat they linked themselves (Telegram) if any, else
    the channel and phone the directory has for them."""
    chats = chat_links.linked_chats(session, (p.phone_hash for p in people))
    found = []
    for person in people:
        key = f"member-{person.id}" if isinstance(person, VwscMember) else f"official-{person.id}"
        chat = chats.get(person.phone_hash)
        if chat is not None:
            chat_contact = SealedContact(chat.chat_hash, chat.chat_ciphertext)
            found.append(StaffContact(key, chat.channel, chat_contact, person.language))
        else:
            found.append(
                StaffContact(
                    key,
                    person.channel,
                    SealedContact(person.phone_hash, person.phone_ciphertext),
                    person.language,
                )
            )
    return found


def contacts_of(session: Session, owner: Assignee) -> list[StaffContact]:
    people: list[Person] = []
    if owner.vwsc_id is not None:
        people += session.scalars(
            select(VwscMember)
            .where(VwscMember.vwsc_id == owner.vwsc_id, VwscMember.role.in_(COMMITTEE_ROLES))
            .order_by(VwscMember.id)
        )
    elif owner.official_id is not None:
        people.append(session.get_one(Official, owner.official_id))
    return [c for c in reach(session, people) if c.channel in REACHABLE]


def tell_owner(
    session: Session,
    incident: Incident,
    owner: Assignee,
    purpose: str,
    now: datetime,
    occasion: str = "",
) -> int:
    """`purpose` (NEW_INCIDENT, ESCALATED or ASSIGNED) to whoever `owner` is; how many were
    written. Each is told once per incident and level, or once per `occasion` when given (an
    incident can be assigned to the same people more than once)."""
    written = 0
    once = f":{occasion}" if occasion else ""
    for contact in contacts_of(session, owner):
        notice = Notice(
            dedupe_key=f"{purpose}:{incident.id}:{owner.level.value}:{contact.key}{once}",
            channel=contact.channel,
            contact=contact.contact,
            purpose=purpose,
            payload={"incident": incident.id, "language": contact.language},
            priority=Priority.REPLY,
        )
        written += outbox.enqueue(session, notice, now)
    return written


def send_digests(session: Session, escalated_to: Counter[int], now: datetime) -> int:
    """After a sweep: each official is told how many incidents climbed to them."""
    written = 0
    for official_id, count in sorted(escalated_to.items()):
        (contact,) = reach(session, [session.get_one(Official, official_id)])
        if contact.channel in REACHABLE:
            notice = Notice(
                dedupe_key=f"{ESCALATION_DIGEST}:{contact.key}:{now.isoformat()}",
                channel=contact.channel,
                contact=contact.contact,
                purpose=ESCALATION_DIGEST,
                payload={"count": count, "language": contact.language},
            )
            written += outbox.enqueue(session, notice, now)
    return written
