"""Villages as the bot shows them: name, gram panchayat and block, found by code or by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.cache import TimedCache
from grievance.directory.service_map import ServiceMap
from grievance.lgd.models import Block, GramPanchayat, Village, VillagePanchayat
from nlu.villages import VillageIndex, VillageRow

# Names scoring at least this against the query are offered; exact keys score 100.
NAME_MATCH_SCORE = 85.0
MAX_CHOICES = 5


def village_by_code(session: Session, code: int) -> VillageRow | None:
    """The village with this LGD code and its gram panchayat of lowest code, or None."""
    village = session.get(Village, code)
    if village is None:
        return None
    link = session.execute(
        select(GramPanchayat.name, Block.name)
        .select_from(VillagePanchayat)
        .join(GramPanchayat, GramPanchayat.code == VillagePanchayat.gp_code)
        .outerjoin(Block, Block.code == VillagePanchayat.block_code)
        .where(VillagePanchayat.village_code == code)
        .order_by(VillagePanchayat.gp_code)
        .limit(1)
    ).first()
    gp, block = (link[0], link[1]) if link else (None, None)
    return VillageRow(code=code, name=village.name, gram_panchayat=gp, block=block)


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
