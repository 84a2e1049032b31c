"""What every NLU backend answers: one intent, a calibrated confidence, the language, entities."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

# Texts longer than this are cut before parsing: a complaint never needs more, and it bounds
# the time and memory one message can cost. `ParseResult.truncated` says when it happened.
MAX_TEXT_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class Entity:
    """A span of the (cut, cleaned) input text and its normalised value.

    `value` is canonical: ASCII digits for `village_code` and `ticket_ref`, an ISO 8601 duration
    ("P3D") or an anchor ("since:monday") for `duration`, the LGD code for `village`.
    """

    entity: str
    value: str
    start: int
    end: int
    text: str = ""
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class ParseResult:
    text: str
    intent: str
    confidence: float
    language: str
    entities: tuple[Entity, ...] = ()
    ranking: tuple[IntentScore, ...] = ()
    # The best guess when `intent` was lowered to out_of_scope for low confidence.
    uncertain: bool = False
    truncated: bool = False
    language_confidence: float = 1.0
    extras: dict[str, Any] = field(default_factory=dict)

    def entity(self, name: str) -> Entity | None:
        return next((item for item in self.entities if item.entity == name), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Backend(Protocol):
    """Anything that turns a message into a `ParseResult`; must be safe to call from threads."""

    name: str

    def parse(self, text: str) -> ParseResult: ...
