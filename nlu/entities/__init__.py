"""Entities in a message: village codes, ticket references and durations.

`extract(text)` runs every extractor and returns the entities sorted by start, never
overlapping (a ticket reference beats a village code beats a duration). Everything is compiled
at import; a message without digits skips the number patterns.
"""

from __future__ import annotations

from nlu.entities.codes import extract_codes
from nlu.entities.duration import extract_durations
from nlu.result import Entity

__all__ = ["extract", "extract_codes", "extract_durations", "without_overlaps"]

_PRIORITY = {"ticket_ref": 0, "village_code": 1, "village": 2, "duration": 3}


def without_overlaps(entities: list[Entity]) -> list[Entity]:
    """Keeps the more important (then the longer) of two overlapping entities; sorts by start.

    Candidates for one span (several villages called "Rampur") are not in conflict: all stay.
    """
    ranked = sorted(entities, key=lambda e: (_PRIORITY.get(e.entity, 9), e.start - e.end, e.start))
    kept: list[Entity] = []
    for entity in ranked:
        if all(_compatible(entity, other) for other in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.start)


def _compatible(one: Entity, other: Entity) -> bool:
    apart = one.end <= other.start or other.end <= one.start
    same_span = (one.entity, one.start, one.end) == (other.entity, other.start, other.end)
    return apart or same_span


def extract(text: str) -> list[Entity]:
    codes = extract_codes(text)
    durations = extract_durations(text)
    if not codes or not durations:
        return codes or durations
    return without_overlaps(codes + durations)
