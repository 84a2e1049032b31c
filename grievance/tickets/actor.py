"""Who did something: a role plus a stable pseudonymous id (never a phone number)."""

from __future__ import annotations

from dataclasses import dataclass

from grievance.tickets.enums import ActorRole


@dataclass(frozen=True)
class Actor:
    role: ActorRole
    id: str

    def __str__(self) -> str:
        return f"{self.role.value}:{self.id}"

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(ActorRole.SYSTEM, job)

    @classmethod
    def reporter(cls, reporter_id: int) -> Actor:
        return cls(ActorRole.CITIZEN, f"reporter-{reporter_id}")
