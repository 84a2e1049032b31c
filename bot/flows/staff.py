"""Committee members and engineers act by chat: LIST, ACK <number>, RESOLVE <number> <what was
done> (DONE works as RESOLVE). The number is the incident's (as in the notices) or a household's
complaint reference.

A sender is treated as staff only when the message starts with one of these words and the
phone is registered in the directory (a VWSC member or an official, found by keyed hash; on
Telegram, the phone the chat was linked to, and an unlinked chat is asked to link), so
a committee member can still report a problem of their own like any household, and other
messages cost no look-up. Staff see and act only on open incidents assigned to them; anything
else is "not assigned to you", whether it exists or not. Replies are in the language the
directory has for them.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot import i18n, messages
from bot.flows import staff_link, water_test
from bot.flows.staff_member import STAFF_CHANNELS, StaffMember, recognise, say, t, tag
from bot.protocol import Expect, Reply
from bot.turn import Services
from grievance.errors import TransitionNotAllowedError, ValidationError
from grievance.tickets.enums import FINAL_STATUSES, Status
from grievance.tickets.models import Incident, Ticket
from grievance.tickets.reference import REFERENCE_LENGTH, is_valid
from grievance.tickets.service import TicketService
from grievance.types import Channel

_COMMAND = re.compile(r"^\s*(list|ack|resolve|done)\b\s*(\d{1,12})?\s*(.*)$", re.I | re.S)
MAX_LISTED = 10


def answer(
    session: Session, services: Services, channel: Channel, sender: str, text: str
) -> list[Reply] | None:
    """The replies to a staff command, or None when this is not one (the citizen flow answers)."""
    found = _COMMAND.match(text)
    testing = found is None and water_test.COMMAND.match(text) is not None
    if not (found or testing) or channel not in STAFF_CHANNELS:
        return None
    member = recognise(session, services, channel, sender)
    if member is None:
        if channel in staff_link.LINKED_CHANNELS and _plainly_staff(found):
            return [staff_link.invite(session, services, channel, sender)]
        return None
    if found is None:
        return water_test.answer(session, services, member, text)
    word, number, note = found.group(1).lower(), found.group(2), found.group(3).strip()
    if word == "list":
        return [_list(session, services, member)]
    if number is None:
        return [say(member, messages.STAFF_NEEDS_NUMBER)]
    return [_act(session, services, member, word, int(number), note)]


def _plainly_staff(found: re.Match[str] | None) -> bool:
    """LIST, or a command with a complaint number: not something a household would write."""
    return found is not None and (found.group(1).lower() == "list" or found.group(2) is not None)


def _assigned(member: StaffMember) -> ColumnElement[bool]:
    """Incidents this person owns: their committee's, or theirs as an official."""
    if member.vwsc_id is not None:
        return Incident.assigned_vwsc_id == member.vwsc_id
    return Incident.assigned_official_id == member.official_id


def _list(session: Session, services: Services, member: StaffMember) -> Reply:
    incidents = session.scalars(
        select(Incident)
        .where(_assigned(member), Incident.status.not_in(FINAL_STATUSES))
        .order_by(Incident.due_at.is_(None), Incident.due_at, Incident.id)
        .limit(MAX_LISTED)
    ).all()
    if not incidents:
        return say(member, messages.STAFF_LIST_EMPTY)
    lines = [t(member, messages.STAFF_LIST_HEADER)]
    lines += [
        t(member, messages.STAFF_LIST_LINE, **_words(session, services, member, i))
        for i in incidents
    ]
    return Reply("\n".join(lines), tag(member), (), Expect.NOTHING)


def _act(
    session: Session, services: Services, member: StaffMember, word: str, number: int, note: str
) -> Reply:
    incident = session.scalars(
        select(Incident).where(
            Incident.id == _incident_id(session, number),
            _assigned(member),
            Incident.status.not_in(FINAL_STATUSES),
        )
    ).one_or_none()
    if incident is None:
        return say(member, messages.STAFF_NOT_YOURS, number=str(number))
    target = Status.ACKNOWLEDGED if word == "ack" else Status.RESOLVED
    if target is Status.RESOLVED and not note:
        return say(member, messages.STAFF_NEEDS_NOTE, number=str(number))
    service = TicketService(session, services.policy, services.vault, services.clock)
    try:
        service.transition(incident.id, target, member.actor, note)
    except (TransitionNotAllowedError, ValidationError):
        status = t(member, messages.STATUS_LABELS[incident.status.value])
        return say(member, messages.STAFF_CANNOT, number=str(number), status=status)
    done = messages.STAFF_ACKNOWLEDGED if target is Status.ACKNOWLEDGED else messages.STAFF_RESOLVED
    return say(member, done, number=str(number))


def _incident_id(session: Session, number: int) -> int:
    """A household's complaint reference (ten digits with a valid check digit) stands for its
    incident, so staff can act on the number a household reads out to them; any other number
    is the incident's own, as in the notices."""
    typed = str(number)
    if len(typed) == REFERENCE_LENGTH and is_valid(typed):
        found = session.scalar(select(Ticket.incident_id).where(Ticket.reference == typed))
        if found is not None:
            return found
    return number


def _words(
    session: Session, services: Services, member: StaffMember, incident: Incident
) -> dict[str, str]:
    row = services.directory.village(session, incident.village_code)
    label = messages.CATEGORY_LABELS.get(incident.category.value)
    return {
        "number": str(incident.id),
        "problem": t(member, label) if label else incident.category.value,
        "village": row.name if row else str(incident.village_code),
        "status": t(member, messages.STATUS_LABELS[incident.status.value]),
        "deadline": i18n.format_deadline(incident.due_at or incident.opened_at, tag(member)),
    }
