"""LGD units as the pages show them: a unit, the units above it (breadcrumbs) and below it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from grievance.lgd.models import (
    Block,
    District,
    GramPanchayat,
    State,
    SubDistrict,
    Village,
    VillagePanchayat,
)
from grievance.social_audit.rollup import villages_in
from grievance.types import UnitType

# How each kind of unit appears in a URL, and what it holds.
SLUGS = {
    UnitType.STATE: "states",
    UnitType.DISTRICT: "districts",
    UnitType.BLOCK: "blocks",
    UnitType.GP: "gram-panchayats",
    UnitType.VILLAGE: "villages",
}
CHILD = {
    UnitType.STATE: UnitType.DISTRICT,
    UnitType.DISTRICT: UnitType.BLOCK,
    UnitType.BLOCK: UnitType.GP,
    UnitType.GP: UnitType.VILLAGE,
}
_MODELS: dict[UnitType, type[State | District | Block | GramPanchayat | Village]] = {
    UnitType.STATE: State,
    UnitType.DISTRICT: District,
    UnitType.BLOCK: Block,
    UnitType.GP: GramPanchayat,
    UnitType.VILLAGE: Village,
}
MAX_CODE = 2**31 - 1
MAX_CODE_DIGITS = 10


@dataclass(frozen=True)
class Unit:
    kind: UnitType
    code: int
    name: str
    name_local: str | None = None

    @property
    def url(self) -> str:
        return f"/audit/{SLUGS[self.kind]}/{self.code}"


def find(session: Session, kind: UnitType, code: int) -> Unit | None:
    if not 0 < code <= MAX_CODE:
        return None
    model = _MODELS[kind]
    row = session.execute(
        select(model.name, model.name_local).where(model.code == code)
    ).one_or_none()
    return None if row is None else Unit(kind, code, row[0], row[1])


def find_by_text(session: Session, kind: UnitType, digits: str) -> Unit | None:
    """The unit whose LGD code is written in `digits` (ASCII, as `fold_digits` leaves them);
    None for anything else."""
    if not (digits.isascii() and digits.isdigit() and len(digits) <= MAX_CODE_DIGITS):
        return None
    return find(session, kind, int(digits))


def states(session: Session) -> list[Unit]:
    """The states with villages in the directory."""
    has_villages = exists(
        select(Village.code)
        .join(SubDistrict, SubDistrict.code == Village.subdistrict_code)
        .join(District, District.code == SubDistrict.district_code)
        .where(District.state_code == State.code)
    )
    rows = session.execute(
        select(State.code, State.name, State.name_local).where(has_villages).order_by(State.name)
    )
    return [Unit(UnitType.STATE, *row) for row in rows]


def children(session: Session, unit: Unit) -> list[Unit]:
    kind = CHILD.get(unit.kind)
    if kind is None:
        return []
    model = _MODELS[kind]
    if unit.kind is UnitType.STATE:
        where = District.state_code == unit.code
    elif unit.kind is UnitType.DISTRICT:
        where = Block.district_code == unit.code
    elif unit.kind is UnitType.BLOCK:
        where = GramPanchayat.block_code == unit.code
    else:
        where = Village.code.in_(villages_in(UnitType.GP, unit.code).scalar_subquery())
    rows = session.execute(
        select(model.code, model.name, model.name_local).where(where).order_by(model.name)
    )
    return [Unit(kind, *row) for row in rows]


def ancestors(session: Session, unit: Unit) -> list[Unit]:
    """The units above, the state first (a village through its GP of lowest code)."""
    chain: list[Unit] = []
    current: Unit | None = unit
    while current is not None:
        current = _parent(session, current)
        if current is not None:
            chain.append(current)
    return chain[::-1]


def _parent(session: Session, unit: Unit) -> Unit | None:
    code: int | None
    if unit.kind is UnitType.VILLAGE:
        code = session.scalar(
            select(func.min(VillagePanchayat.gp_code)).where(
                VillagePanchayat.village_code == unit.code
            )
        )
        kind = UnitType.GP
    elif unit.kind is UnitType.GP:
        code, kind = (
            session.scalar(select(GramPanchayat.block_code).where(GramPanchayat.code == unit.code)),
            UnitType.BLOCK,
        )
    elif unit.kind is UnitType.BLOCK:
        code, kind = (
            session.scalar(select(Block.district_code).where(Block.code == unit.code)),
            UnitType.DISTRICT,
        )
    elif unit.kind is UnitType.DISTRICT:
        code, kind = (
            session.scalar(select(District.state_code).where(District.code == unit.code)),
            UnitType.STATE,
        )
    else:
        return None
    return None if code is None else find(session, kind, code)
