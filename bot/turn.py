"""One message being answered: the conversation, what the message says, the replies so far."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot import messages
from bot.exchange import Expect, Inbound, Option, Reply
from bot.words import typed_number
from grievance import i18n
from grievance.clock import Clock
from grievance.conversations.models import Conversation
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.service import TicketService
from nlu.result import ParseResult
from nlu.village_index import VillageIndex, VillageRow

if TYPE_CHECKING:
    from bot.villages import Directory

# Confidence at or above which an intent is acted on without asking back.
SURE = 0.8


class Step(StrEnum):
    """What the conversation waits for; `bot.engine.STEPS` maps each to its handler."""

    CONSENT = "consent"
    LANGUAGE = "language"
    IDLE = "idle"
    DID_YOU_MEAN = "did_you_mean"
    VILLAGE = "village"
    VILLAGE_PICK = "village_pick"
    VILLAGE_CONFIRM = "village_confirm"
    SINCE = "since"
    MEDIA = "media"
    CONFIRM = "confirm"
    CONFIRM_FIX = "confirm_fix"  # is water back?
    RATE = "rate"  # how well was it handled, 1 to 5


@dataclass
class Services:
    """What flows need besides the session: shared by every turn of one engine."""

    policy: Policy
    vault: ContactVault
    clock: Clock
    villages: Callable[[Session], VillageIndex]
    parse: Callable[[Session, str], ParseResult]
    directory: Directory
    ivr_prompts_url: str | None = None  # recorded prompts: a call can go on in any language


@dataclass
class Turn:
    session: Session
    services: Services
    conversation: Conversation
    inbound: Inbound
    text: str
    parsed: ParseResult
    slots: dict[str, Any]
    replies: list[Reply] = field(default_factory=list)
    forget: bool = False  # the citizen withdrew: delete the conversation row
    reread_text: bool = False  # after `reread`, the tapped button and keypad digits are spent

    def reread(self, text: str) -> None:
        """Answer `text` instead of this message's (a first message kept until consent)."""
        self.text, self.parsed = text, self.services.parse(self.session, text)
        self.reread_text = True

    # -- reading the message ------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self.conversation.language

    @property
    def step(self) -> Step:
        return Step(self.conversation.step)

    def choice(self) -> str | None:
        """The key of the offered option the citizen picked: tapped (payload) or typed (number)."""
        offered: list[str] = self.slots.get("options", [])
        payload, digits = (
            ("", "") if self.reread_text else (self.inbound.payload, self.inbound.digits)
        )
        if payload in offered:
            return payload
        number = typed_number(digits or self.text)
        if number is not None and 1 <= number <= len(offered):
            return offered[number - 1]
        return None

    def sure_intent(self) -> str | None:
        """The NLU's intent when it is confident, else None (unsure means ask)."""
        parsed = self.parsed
        if parsed.uncertain or parsed.confidence < SURE:
            return None
        return parsed.intent

    def yes_or_no(self) -> bool | None:
        """Yes/No, by option or in words ("haan", "नहीं", "yes"); None when neither."""
        picked = self.choice()
        if picked in ("yes", "no"):
            return picked == "yes"
        intent = self.sure_intent()
        if intent in ("affirm", "deny"):
            return intent == "affirm"
        return None

    def tickets(self) -> TicketService:
        """The grievance core's ticket service, in this message's transaction."""
        services = self.services
        return TicketService(
            self.session,
            services.policy,
            services.vault,
            services.clock,
            services.directory.service_maps,
        )

    def village(self, code: int) -> VillageRow | None:
        """The village with this LGD code (name, GP, block), or None."""
        return self.services.directory.village(self.session, code)

    # -- answering ----------------------------------------------------------------------------

    def t(self, message: str, **params: Any) -> str:
        """`message` in the conversation's language."""
        return i18n.say(message, self.language, **params)

    def say(
        self,
        message: str,
        expect: Expect = Expect.TEXT,
        spoken_digits: tuple[str, ...] = (),
        **params: Any,
    ) -> None:
        self.replies.append(
            Reply(self.t(message, **params), self.language, (), expect, spoken_digits)
        )

    def ask(
        self,
        message: str,
        options: Sequence[tuple[str, str]] = (),
        expect: Expect | None = None,
        **params: Any,
    ) -> None:
        """A question; `options` are (key, shown label), remembered to read the answer."""
        self.slots["options"] = [key for key, _ in options]
        self.replies.append(
            Reply(
                self.t(message, **params),
                self.language,
                options=tuple(Option(key, label) for key, label in options),
                expect=expect or (Expect.CHOICE if options else Expect.TEXT),
            )
        )

    def yes_no_options(self) -> list[tuple[str, str]]:
        return [("yes", self.t(messages.YES)), ("no", self.t(messages.NO))]

    def go(self, step: Step) -> None:
        self.conversation.step = step.value
