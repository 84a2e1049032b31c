"""Villages as the bot knows them: shown with their gram panchayat and block, found by code
or by name, and the name index the NLU matches them against.

The one place the core's village rows (`grievance.lgd.village_names`) meet the language
understanding (`nlu.village_index`): the core never imports `nlu`, and `nlu` never reads the
database.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from grievance.cache import TimedCache
from grievance.directory.service_map import ServiceMap
from grievance.lgd.village_names import village_name, village_names
from nlu.village_index import VillageIndex, VillageRow, village_row

# Names scoring at least this against the query are offered; exact keys score 100.
NAME_MATCH_SCORE = 85.0
MAX_CHOICES = 5


def village_by_code(session: Session, code: int) -> VillageRow | None:
    """The village with this LGD code and its gram panchayat of lowest code, or None."""
    found = village_name(session, code)
    return None if found is None else village_row(found)


def load_village_index(session: Session, state_code: int | None = None) -> VillageIndex:
    """The villages of one state (or all), each with its gram panchayat of lowest code (a village
    can be in several) and that link's block."""
    return VillageIndex(village_names(session, state_code))


class VillageIndexCache:
    """The index of the directory's villages, rebuilt at most every `seconds` (the directory
    cache's clock, JALSAMVAD_DIRECTORY_CACHE_SECONDS), so an import shows without a restart;
    0 rebuilds it for every message."""

    def __init__(
        self, seconds: float, load: Callable[[Session], VillageIndex] | None = None
    ) -> None:
        self._index: TimedCache[None, VillageIndex] = TimedCache(seconds, maxsize=1)
        self._load = load or load_village_index

    @classmethod
    def fixed(cls, index: VillageIndex) -> VillageIndexCache:
        """Always `index` (a test's or a benchmark's own villages)."""
        return cls(float("inf"), lambda _session: index)

    def get(self, session: Session) -> VillageIndex:
        return self._index.get(None, lambda: self._load(session))


class Directory:
    """What the bot reads about villages on nearly every message, kept `seconds` in memory:
    the village rows it shows and who serves each village (for filing)."""

    def __init__(self, seconds: float) -> None:
        self.rows: TimedCache[int, VillageRow | None] = TimedCache(seconds)
        self.service_maps: TimedCache[int, ServiceMap] = TimedCache(seconds)

    def village(self, session: Session, code: int) -> VillageRow | None:
        return self.rows.get(code, lambda: village_by_code(session, code))


def villages_named(index: VillageIndex, name: str) -> list[VillageRow]:
    """Villages called `name`: the exact matches if any, else the close ones, best first."""
    matches = index.search(name, limit=MAX_CHOICES, min_score=NAME_MATCH_SCORE)
    exact = [m for m in matches if m.score >= 100.0]
    return [m.row for m in (exact or matches)][:MAX_CHOICES]
