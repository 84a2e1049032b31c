"""Committee members and engineers act by chat: LIST, ACK <number>, RESOLVE <number> <what was
done> (DONE works as RESOLVE), and TEST (`bot/flows/water_test.py`). The number is the
incident's (as in the notices) or a household's complaint reference.

A sender is treated as staff only when the message starts with one of these words and the
phone is registered in the directory (a VWSC member or an official, found by keyed hash; on
Telegram, the phone the chat was linked to, and an unlinked chat is asked to link), so
a committee member can still report a problem of their own like any household, and other
messages cost no look-up.

The person acts as a `Principal` (`grievance.staff.directory_principal`) through `StaffDesk`,
the web queue's and the staff API's own rule: an official on the incidents in their
jurisdiction, a committee member on those in the committee's village (or gram panchayat), each
as the workflow table lets their role; not only on what is assigned to them, as before. LIST
shows the top of the same work queue the web shows them (open incidents, most urgent first).
Anything outside the jurisdiction is "no complaint <number> in your area", whether it exists or
not. Replies are in the language the directory has for them.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot import messages
from bot.exchange import Expect, Reply
from bot.flows import staff_link, water_test
from bot.flows.staff_member import STAFF_CHANNELS, recognise, say, t, tag
from bot.turn import Services
from grievance import i18n, labels
from grievance.errors import NotFoundError, TransitionNotAllowedError, ValidationError
from grievance.privacy import Contact
from grievance.staff import casefile, queue
from grievance.staff import repository as staff_repository
from grievance.staff.actions import StaffDesk
from grievance.staff.errors import ForbiddenError
from grievance.staff.principal import Principal
from grievance.tickets.enums import Status
from grievance.tickets.models import Incident
from grievance.types import Channel

_COMMAND = re.compile(r"^\s*(list|ack|resolve|done)\b\s*(\d{1,12})?\s*(.*)$", re.I | re.S)
MAX_LISTED = 10


def answer(
    session: Session, services: Services, channel: Channel, sender: Contact, text: str
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
    desk = StaffDesk(session, services.policy, services.vault, member, services.clock)
    if found is None:
        return water_test.answer(session, services, desk, text)
    word, number, note = found.group(1).lower(), found.group(2), found.group(3).strip()
    if word == "list":
        return [_list(session, services, member)]
    if number is None:
        return [say(member, messages.STAFF_NEEDS_NUMBER)]
    return [_act(session, desk, word, str(int(number)), note)]


def _plainly_staff(found: re.Match[str] | None) -> bool:
    """LIST, or a command with a complaint number: not something a household would write."""
    return found is not None and (found.group(1).lower() == "list" or found.group(2) is not None)


def _list(session: Session, services: Services, member: Principal) -> Reply:
    """The first few incidents of the person's work queue, as the web queue lists them."""
    incidents = queue.open_incidents(session, member, services.clock(), MAX_LISTED)
    if not incidents:
        return say(member, messages.STAFF_LIST_EMPTY)
    lines = [t(member, messages.STAFF_LIST_HEADER)]
    lines += [
        t(member, messages.STAFF_LIST_LINE, **_words(session, services, member, i))
        for i in incidents
    ]
    return Reply("\n".join(lines), tag(member), (), Expect.NOTHING)


def _act(session: Session, desk: StaffDesk, word: str, number: str, note: str) -> Reply:
    member = desk.principal
    incident_id = staff_repository.incident_id_for(session, number)
    try:
        incident = casefile.visible_incident(session, member, incident_id)
    except NotFoundError:  # outside the jurisdiction, or no such incident: the same answer
        return say(member, messages.STAFF_NOT_FOUND, number=number)
    target = Status.ACKNOWLEDGED if word == "ack" else Status.RESOLVED
    if target is Status.RESOLVED and not note:
        return say(member, messages.STAFF_NEEDS_NOTE, number=number)
    try:
        if target is Status.RESOLVED:
            desk.resolve(incident.id, note, photo_url=None, expected_version=None)
        else:
            desk.move(incident.id, target)
    except (TransitionNotAllowedError, ValidationError, ForbiddenError):
        status = t(member, labels.STATUS_LABELS[incident.status.value])
        return say(member, messages.STAFF_CANNOT, number=number, status=status)
    done = messages.STAFF_ACKNOWLEDGED if target is Status.ACKNOWLEDGED else messages.STAFF_RESOLVED
    return say(member, done, number=number)


def _words(
    session: Session, services: Services, member: Principal, incident: Incident
) -> dict[str, str]:
    row = services.directory.village(session, incident.village_code)
    label = labels.CATEGORY_LABELS.get(incident.category.value)
    return {
        "number": str(incident.id),
        "problem": t(member, label) if label else incident.category.value,
        "village": row.name if row else str(incident.village_code),
        "status": t(member, labels.STATUS_LABELS[incident.status.value]),
        "deadline": i18n.format_deadline(incident.due_at or incident.opened_at, tag(member)),
    }
