"""Who owns an incident and who is told of it. The rules are data (policy.toml); this module
only walks the escalation ladder against the directory."""

from __future__ import annotations

from dataclasses import dataclass

from grievance.directory.service_map import ServiceMap
from grievance.policy import Policy
from grievance.tickets.enums import Category
from grievance.types import LADDER, Level, OfficialRole


@dataclass(frozen=True)
class Assignee:
    level: Level
    vwsc_id: int | None = None
    official_id: int | None = None

    @property
    def party(self) -> str:
        """How the audit log names the assignee."""
        if self.vwsc_id is not None:
            return f"vwsc:{self.vwsc_id}"
        if self.official_id is not None:
            return f"official:{self.official_id}"
        return f"queue:{self.level.value}"


def _person_at(services: ServiceMap, village: int, level: Level) -> Assignee | None:
    if level is Level.VWSC:
        vwsc = services.vwsc_for(village)
        return Assignee(level, vwsc_id=vwsc) if vwsc is not None else None
    official = services.official_for(village, OfficialRole(level.value))
    return Assignee(level, official_id=official) if official is not None else None


def _first_staffed(
    services: ServiceMap, village: int, levels: tuple[Level, ...]
) -> Assignee | None:
    for level in levels:
        found = _person_at(services, village, level)
        if found is not None:
            return found
    return None


def first_owner(
    services: ServiceMap, policy: Policy, village: int, category: Category
) -> tuple[Assignee, bool]:
    """The owner at filing, and whether the village needs onboarding (its first rung is empty).

    A village with nobody on record is never refused: it waits in the queue of the ladder's
    top level (the state queue for most categories).
    """
    ladder = policy.ladder(category)
    owner = _first_staffed(services, village, ladder) or Assignee(ladder[-1])
    return owner, owner.level != ladder[0]


def next_owner(
    services: ServiceMap, policy: Policy, village: int, category: Category, level: Level
) -> Assignee | None:
    """Who takes over when `level` runs out of time; None at the top of the ladder."""
    above = policy.levels_above(category, level)
    if not above:
        return None
    return _first_staffed(services, village, above) or Assignee(above[-1])


def owner_at_least(
    services: ServiceMap, policy: Policy, village: int, category: Category, level: Level
) -> Assignee:
    """The first person on the category's ladder at `level` or above (e.g. straight to the
    Executive Engineer for unsafe water); the top level's queue if nobody is on record."""
    ladder = policy.ladder(category)
    rungs = tuple(r for r in ladder if LADDER.index(r) >= LADDER.index(level)) or ladder[-1:]
    return _first_staffed(services, village, rungs) or Assignee(rungs[-1])


def watchers(
    services: ServiceMap, policy: Policy, village: int, category: Category, owner: Assignee
) -> list[Assignee]:
    """Who is told at filing besides the owner (e.g. JE and district for dirty water)."""
    found = []
    for level in policy.notify.get(category, ()):
        person = _person_at(services, village, level)
        if person is not None and person != owner:
            found.append(person)
    return found
