"""The one thing a channel needs from the dialogue engine: replies to a message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from bot.exchange import Inbound, Reply


class Handler(Protocol):
    def answer(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        """The replies, written in the caller's transaction; raises if it cannot answer."""

    def apology(self, session: Session, inbound: Inbound) -> Sequence[Reply]:
        """What to say instead when `answer` failed (in a fresh transaction)."""
