"""Is water back? The household's word on a fix, then how well it was handled (1 to 5).

Asked when a household looks at its own complaint that is marked fixed (`offer`), and sent to
every reporter when the incident is resolved: the outbox's deliverer words each question with
`question_for`.
Yes closes the incident as confirmed, no reopens it. When another household answered first,
the answer is kept on the ticket; a "no" for an incident already closed files it again, so a
"no" always leads to someone acting.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from sqlalchemy.orm import Session

from bot import messages
from bot.exchange import Expect, Option, Reply
from bot.flows import calls, filing, menus
from bot.turn import Step, Turn
from bot.words import typed_number
from grievance import i18n, labels
from grievance.conversations import repository as conversations
from grievance.errors import DomainError
from grievance.privacy import Contact
from grievance.tickets import repository as tickets
from grievance.tickets.enums import Status
from grievance.tickets.models import Ticket
from grievance.tickets.service import FixAnswer
from grievance.types import Channel

COMPLAINTS = frozenset(labels.CATEGORY_LABELS)
FIX, RATE = "fix", "rate"  # the slot holding the complaint reference each question is about


def offer(turn: Turn, ticket: Ticket) -> bool:
    """After showing `ticket`: ask whether water is back if it is this household's, marked
    fixed, and not answered yet. True if asked."""
    if ticket.incident.status is not Status.RESOLVED or ticket.fix_confirmed is not None:
        return False
    if not turn.tickets().is_reporter(ticket, turn.inbound.sender):
        return False
    turn.slots[FIX] = ticket.reference
    prompt_fix(turn)
    return True


def prompt_fix(turn: Turn) -> None:
    turn.ask(messages.CONFIRM_FIX, turn.yes_no_options(), reference=turn.slots[FIX])
    turn.go(Step.CONFIRM_FIX)


def on_fix_answer(turn: Turn) -> None:
    fixed = turn.yes_or_no()
    if fixed is None and turn.sure_intent() in COMPLAINTS:
        fixed = False  # "still no water"
    if fixed is None:
        turn.say(calls.worded(turn, messages.CHOOSE_FROM_LIST))
        prompt_fix(turn)
        return
    service = turn.tickets()
    try:
        ticket = service.find(turn.slots[FIX])
    except DomainError:
        menus.reset(turn)
        menus.main_menu(turn)
        return
    outcome = service.answer_fix(ticket, fixed)
    if not fixed and ticket.incident.status is Status.CLOSED:
        _report_again(turn, ticket)
        return
    turn.say(_answer_message(outcome, fixed, ticket), reference=ticket.reference)
    menus.reset(turn)
    turn.slots[RATE] = ticket.reference
    prompt_rating(turn)


def prompt_rating(turn: Turn) -> None:
    turn.ask(calls.worded(turn, messages.RATE), expect=Expect.TEXT)
    turn.go(Step.RATE)


def on_rating(turn: Turn, then: Callable[[Turn], None]) -> None:
    """A rating from 1 to 5; anything else is a new message, answered as the main menu would."""
    stars = typed_number(turn.inbound.digits or turn.text)
    reference = turn.slots.get(RATE)
    menus.reset(turn)
    if stars is None or not 1 <= stars <= 5 or reference is None:
        then(turn)
        return
    service = turn.tickets()
    with suppress(DomainError):  # a complaint gone meanwhile: nothing to rate, still thank
        service.rate(service.find(reference), stars)
    turn.say(messages.THANKS_FOR_RATING)


def _answer_message(outcome: FixAnswer, fixed: bool, ticket: Ticket) -> str:
    if outcome is FixAnswer.CLOSED or (fixed and ticket.incident.status is Status.CLOSED):
        return messages.FIX_CONFIRMED
    if not fixed:
        return messages.FIX_NOT_HELD  # reopened now, or by another household already
    return messages.THANKS_FOR_ANSWER  # water is back here, though others said it is not


def _report_again(turn: Turn, ticket: Ticket) -> None:
    """Another household confirmed the fix and the incident closed; here it did not hold."""
    menus.reset(turn)
    turn.slots.update(
        village=ticket.incident.village_code,
        category=ticket.incident.category.value,
        text=ticket.description,
    )
    filing.file(turn)


# -- asking a household unprompted, when the incident is resolved ------------------------------


class CannotAskError(Exception):
    """The household cannot be asked now (`permanent`: nor later)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


def question_for(
    session: Session, channel: Channel, contact: Contact, reference: str
) -> Reply | None:
    """Put the household's conversation on "is water back?" for complaint `reference` and
    return the question; None when it has been answered already (nothing to ask)."""
    ticket = tickets.ticket_by_reference(session, reference)
    if ticket is None or ticket.fix_confirmed is not None:
        return None
    conversation = conversations.load(session, channel, contact.lookup_hash)
    if conversation is None or conversation.consent_version is None:
        raise CannotAskError("no conversation with consent on this channel", permanent=True)
    asked_already = (
        conversation.step == Step.CONFIRM_FIX and conversation.slots.get(FIX) == reference
    )
    if Step(conversation.step) is not Step.IDLE and not asked_already:
        raise CannotAskError("in the middle of another question", permanent=False)
    language = conversation.language
    conversation.step = Step.CONFIRM_FIX.value
    conversation.slots = {FIX: reference, "options": ["yes", "no"]}
    options = (
        Option("yes", i18n.say(messages.YES, language)),
        Option("no", i18n.say(messages.NO, language)),
    )
    text = i18n.say(messages.CONFIRM_FIX, language, reference=reference)
    return Reply(text, language, options, Expect.CHOICE)
