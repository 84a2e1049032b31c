"""Every village's names and where it lies, as plain rows: what a name index is built from.

The core feeds these rows to the language understanding (`nlu.village_index.VillageIndex`),
which never reads the database itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
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


@dataclass(frozen=True, slots=True)
class VillageName:
    """One village: its LGD code, its names, and the names of the units it lies in."""

    code: int
    name: str
    gram_panchayat: str | None = None
    block: str | None = None
    district: str | None = None
    state: str | None = None
    name_local: str | None = None


def village_names(session: Session, state_code: int | None = None) -> Iterator[VillageName]:
    """The villages of one state (or all) in code order, each with its gram panchayat of lowest
    code (a village can be in several) and that link's block. Equal unit names share one
    string object, so a whole directory held in memory stays small."""
    statement = _with_places()
    if state_code is not None:
        statement = statement.where(District.state_code == state_code)
    return _first_per_village(session.execute(statement))


def village_name(session: Session, code: int) -> VillageName | None:
    """One village as people know it (its gram panchayat of lowest code and block), or None."""
    found = _first_per_village(session.execute(_with_places().where(Village.code == code)))
    return next(found, None)


def names_of(session: Session, codes: Iterable[int]) -> dict[int, str]:
    """The name of each of these villages that exists."""
    wanted = set(codes)
    if not wanted:
        return {}
    found = session.execute(select(Village.code, Village.name).where(Village.code.in_(wanted)))
    return {code: name for code, name in found}


def _with_places() -> Select[int, str, str | None, str, str, str, str]:
    block_code = func.coalesce(VillagePanchayat.block_code, GramPanchayat.block_code)
    return (
        select(
            Village.code,
            Village.name,
            Village.name_local,
            GramPanchayat.name,
            Block.name,
            District.name,
            State.name,
        )
        .join(SubDistrict, SubDistrict.code == Village.subdistrict_code)
        .join(District, District.code == SubDistrict.district_code)
        .join(State, State.code == District.state_code)
        .outerjoin(VillagePanchayat, VillagePanchayat.village_code == Village.code)
        .outerjoin(GramPanchayat, GramPanchayat.code == VillagePanchayat.gp_code)
        .outerjoin(Block, Block.code == block_code)
        .order_by(Village.code, VillagePanchayat.gp_code)
    )


def _first_per_village(rows: Iterable[Sequence[Any]]) -> Iterator[VillageName]:
    names: dict[str, str] = {}

    def shared(name: str | None) -> str | None:
        return None if name is None else names.setdefault(name, name)

    last = None
    for code, name, local, gp, block, district, state in rows:
        if code != last:
            last = code
            yield VillageName(
                code, name, shared(gp), shared(block), shared(district), shared(state), local
            )
