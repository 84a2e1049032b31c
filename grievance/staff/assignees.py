"""Who an incident may be given to: the village's committee and the officials serving the
village, read through the ServiceMap, as routing reads them.

`StaffDesk.assign` accepts exactly these and the web form offers exactly these, so a choice on
the page can never be one the desk refuses (nor the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.directory.models import Official, Vwsc
from grievance.directory.service_map import ServiceMap
from grievance.types import LADDER, Level


@dataclass(frozen=True)
class Assignee:
    vwsc_id: int | None
    official_id: int | None
    name: str
    level: Level

    @property
    def party(self) -> str:
        """How the audit log names it ("vwsc:3", "official:7"); also the form's value."""
        return party(self.vwsc_id, self.official_id) or ""


def party(vwsc_id: int | None, official_id: int | None) -> str | None:
    if vwsc_id is not None:
        return f"vwsc:{vwsc_id}"
    return f"official:{official_id}" if official_id is not None else None


def serving(session: Session, village: int) -> list[Assignee]:
    """The committee (village or GP level), then the officials from the lowest rung up; empty
    when the village is no longer in the directory."""
    services = ServiceMap.load(session, [village])
    if services.place(village) is None:
        return []
    found: list[Assignee] = []
    vwsc_id = services.vwsc_for(village)
    if vwsc_id is not None:
        name = session.scalars(select(Vwsc.name).where(Vwsc.id == vwsc_id)).one()
        found.append(Assignee(vwsc_id, None, name, Level.VWSC))
    # The map holds only officials whose jurisdiction contains the village (filtered in SQL).
    official_ids = {i for ids in services.officials.values() for i in ids}
    officials = session.execute(
        select(Official.id, Official.name, Official.role).where(Official.id.in_(official_ids))
    ).all()
    found += sorted(
        (Assignee(None, i, name, Level(role.value)) for i, name, role in officials),
        key=lambda a: (LADDER.index(a.level), a.name, a.official_id),
    )
    return found
