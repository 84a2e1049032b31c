"""Where a village counts: its gram panchayat (the lowest code of several, as everywhere else),
that link's block (or the panchayat's), its district and state, read from the LGD tables into
`social_audit_village_places` when the fold first meets the village.

The fold attributes each village's figures to these units as it folds them
(`social_audit_unit_daily`), and every unit's village list is read from the same table, so the
two cannot disagree. A directory import that moves a village takes effect at the next rebuild
(`jalsamvad audit rebuild-stats`), which reads every place anew.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from grievance.lgd.models import District, GramPanchayat, SubDistrict, Village, VillagePanchayat
from grievance.social_audit.models import VillagePlaces
from grievance.types import UnitType
from grievance.upsert import table_of, upsert

_places = table_of(VillagePlaces)
_IN_CHUNK = 900
# The units above a village with figures of their own, and their column in the places table.
UNIT_COLUMNS = {
    UnitType.GP: "gp_code",
    UnitType.BLOCK: "block_code",
    UnitType.DISTRICT: "district_code",
    UnitType.STATE: "state_code",
}
Places = dict[int, dict[UnitType, int]]  # village → unit type → code


def from_directory() -> Select[Any]:
    """Every village's code, gram panchayat (the lowest-coded), block, sub-district, district
    and state, as the directory says now (the open data's place columns read the same)."""
    first = (
        select(
            VillagePanchayat.village_code.label("village_code"),
            func.min(VillagePanchayat.gp_code).label("gp_code"),
        )
        .group_by(VillagePanchayat.village_code)
        .subquery()
    )
    link = VillagePanchayat.__table__.alias("link")
    return (
        select(
            Village.code,
            first.c.gp_code,
            func.coalesce(link.c.block_code, GramPanchayat.block_code),
            Village.subdistrict_code,
            SubDistrict.district_code,
            District.state_code,
        )
        .join(SubDistrict, SubDistrict.code == Village.subdistrict_code, isouter=True)
        .join(District, District.code == SubDistrict.district_code, isouter=True)
        .join(first, first.c.village_code == Village.code, isouter=True)
        .join(
            link,
            (link.c.village_code == Village.code) & (link.c.gp_code == first.c.gp_code),
            isouter=True,
        )
        .join(GramPanchayat, GramPanchayat.code == first.c.gp_code, isouter=True)
    )


def _row(
    village: int, gp: int | None, block: int | None, district: int | None, state: int | None
) -> dict[str, Any]:
    return {
        "village_code": village,
        "gp_code": gp,
        "block_code": block,
        "district_code": district,
        "state_code": state,
    }


def places_of(session: Session, villages: Collection[int]) -> Places:
    """The units of each village, reading from the directory those not placed yet."""
    wanted = sorted(set(villages))
    found = _stored(session, wanted)
    missing = [v for v in wanted if v not in found]
    for start in range(0, len(missing), _IN_CHUNK):
        chunk = missing[start : start + _IN_CHUNK]
        found_rows = session.execute(from_directory().where(Village.code.in_(chunk)))
        rows = [
            _row(v, gp, block, district, state) for v, gp, block, _, district, state in found_rows
        ]
        upsert(session, _places, rows, key=["village_code"])  # a concurrent fold's row stays
    if missing:
        found |= _stored(session, missing)
    return found


def _stored(session: Session, villages: list[int]) -> Places:
    found: Places = {}
    for start in range(0, len(villages), _IN_CHUNK):
        chunk = villages[start : start + _IN_CHUNK]
        for row in session.execute(select(_places).where(_places.c.village_code.in_(chunk))):
            found[row.village_code] = {
                unit: code
                for unit, column in UNIT_COLUMNS.items()
                if (code := getattr(row, column)) is not None
            }
    return found


def villages_of(unit: UnitType, code: int) -> Select[tuple[int]]:
    """The villages placed in a gram panchayat, block, district or state."""
    return select(_places.c.village_code).where(_places.c[UNIT_COLUMNS[unit]] == code)
