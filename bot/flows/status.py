"""Where is my complaint: by reference (check digit verified first) or the list of my own."""

from __future__ import annotations

from bot import messages
from bot.exchange import Expect, Reply
from bot.flows import fix
from bot.turn import Turn
from grievance import i18n, labels
from grievance.errors import DomainError, InvalidReferenceError, NotFoundError
from grievance.tickets.models import Incident, Ticket


def show(turn: Turn, reference: str) -> None:
    try:
        ticket = turn.tickets().find(reference)
    except InvalidReferenceError:
        turn.say(messages.INVALID_REFERENCE, reference=reference)
        return
    except NotFoundError:
        turn.say(messages.UNKNOWN_REFERENCE, reference=reference)
        return
    incident = ticket.incident
    row = turn.village(incident.village_code)
    turn.say(
        messages.STATUS,
        Expect.NOTHING,
        tuple(ticket.reference),
        reference=ticket.reference,
        problem=_problem(turn, ticket),
        village=row.name if row else str(incident.village_code),
        date=i18n.format_day(ticket.created_at, turn.language),
        status=turn.t(labels.status_label(incident.status.value, _closure(incident))),
    )
    fix.offer(turn, ticket)


def show_mine(turn: Turn) -> None:
    try:
        tickets = turn.tickets().tickets_of(turn.inbound.sender)
    except DomainError:
        tickets = []  # a sender the core cannot file for has no complaints either
    if not tickets:
        turn.say(messages.NO_COMPLAINTS)
        return
    lines = [turn.t(messages.MY_COMPLAINTS)]
    lines += [
        turn.t(
            messages.MY_COMPLAINT_LINE,
            reference=ticket.reference,
            problem=_problem(turn, ticket),
            status=turn.t(
                labels.status_label(ticket.incident.status.value, _closure(ticket.incident))
            ),
        )
        for ticket in tickets
    ]
    turn.replies.append(Reply("\n".join(lines), turn.language, expect=Expect.NOTHING))
    for ticket in tickets:  # ask about the first one marked fixed and not answered yet
        if fix.offer(turn, ticket):
            break


def _closure(incident: Incident) -> str | None:
    return incident.closure.value if incident.closure else None


def _problem(turn: Turn, ticket: Ticket) -> str:
    label = labels.CATEGORY_LABELS.get(ticket.incident.category.value)
    return turn.t(label) if label else ticket.incident.category.value
