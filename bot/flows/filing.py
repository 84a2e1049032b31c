"""Filing the confirmed complaint through the grievance core, and telling who acts by when."""

from __future__ import annotations

import logging

from bot import messages
from bot.exchange import Expect
from bot.flows import menus
from bot.turn import Turn
from grievance import i18n
from grievance.errors import ConflictError, DomainError
from grievance.tickets.enums import AttachmentKind
from grievance.tickets.models import Incident
from grievance.tickets.report import MAX_DESCRIPTION_CHARS, AttachmentIn, Report
from grievance.tickets.service import Outcome
from grievance.types import Level

log = logging.getLogger(__name__)

_ENGINEERS = frozenset({Level.JE, Level.AE, Level.EE})


def file(turn: Turn) -> None:
    slots = turn.slots
    report = Report(
        village_code=int(slots["village"]),
        category=slots["category"],
        contact=turn.inbound.sender,
        channel=turn.inbound.channel,
        language=turn.language,
        description=str(slots.get("text", ""))[:MAX_DESCRIPTION_CHARS],
        attachments=_attachments(slots.get("media") or []),
    )
    service = turn.tickets()
    try:
        filed = service.file(report)
    except ConflictError:
        raise  # the engine retries the whole message once
    except DomainError as error:
        log.warning("could not file a complaint: %s", error)
        turn.say(messages.SOMETHING_WENT_WRONG)
        menus.reset(turn)
        return
    turn.conversation.village_code = report.village_code
    menus.reset(turn)
    reference = filed.ticket.reference
    digits = tuple(reference)
    if filed.outcome is Outcome.NEW_INCIDENT:
        turn.say(
            _who_acts(filed.incident),
            Expect.NOTHING,
            digits,
            reference=reference,
            deadline=_deadline(filed.incident, turn.language),
        )
    elif filed.outcome is Outcome.JOINED:
        row = turn.village(report.village_code)
        turn.say(
            messages.JOINED,
            Expect.NOTHING,
            digits,
            reference=reference,
            households=str(filed.incident.households),
            village=row.name if row else str(report.village_code),
        )
    else:
        turn.say(messages.ALREADY_REPORTED, Expect.NOTHING, digits, reference=reference)


def _who_acts(incident: Incident) -> str:
    if incident.level is Level.VWSC:
        return messages.FILED_VWSC
    if incident.level in _ENGINEERS:
        return messages.FILED_ENGINEER
    return messages.FILED_DISTRICT


def _deadline(incident: Incident, language: str) -> str:
    due = incident.due_at or incident.opened_at
    return i18n.format_deadline(due, language)


def _attachments(media: list[list[str]]) -> tuple[AttachmentIn, ...]:
    """Photos, voice notes and call recordings the channel gave as URLs; anything else is not
    kept. Audio (a voice note, a description recorded on a call) is kept as a recording."""
    return tuple(
        AttachmentIn(_kind(content_type), url, content_type or None)
        for url, content_type in media[:10]
        if url.startswith(("https://", "http://"))
    )


def _kind(content_type: str) -> AttachmentKind:
    audio = (content_type or "").lower().startswith("audio/")
    return AttachmentKind.RECORDING if audio else AttachmentKind.MEDIA
