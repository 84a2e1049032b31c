"""The one rule of what staff may see, as SQL: every staff query filters through it.

An incident is visible when its village lies inside one of the account's LGD units. Units are
resolved against the directory in the query itself (village_panchayats for GP and block, the
revenue tree for sub-district, district and state), so a directory import changes what is
visible at once and nothing is cached per account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, false, or_, select

from grievance.lgd.models import District, SubDistrict, Village, VillagePanchayat
from grievance.staff.principal import Principal, Unit
from grievance.tickets.models import Incident
from grievance.types import UnitType


def villages_in(unit_type: UnitType, codes: list[int]) -> Select[int]:
    """The codes of the villages inside any of these units of one type."""
    if unit_type is UnitType.VILLAGE:
        return select(Village.code).where(Village.code.in_(codes))
    if unit_type is UnitType.GP:
        return select(VillagePanchayat.village_code).where(VillagePanchayat.gp_code.in_(codes))
    if unit_type is UnitType.BLOCK:
        return select(VillagePanchayat.village_code).where(VillagePanchayat.block_code.in_(codes))
    if unit_type is UnitType.SUBDISTRICT:
        return select(Village.code).where(Village.subdistrict_code.in_(codes))
    in_district = select(Village.code).join(
        SubDistrict, SubDistrict.code == Village.subdistrict_code
    )
    if unit_type is UnitType.DISTRICT:
        return in_district.where(SubDistrict.district_code.in_(codes))
    return in_district.join(District, District.code == SubDistrict.district_code).where(
        District.state_code.in_(codes)
    )


def village_filter(units: Iterable[Unit]) -> ColumnElement[bool]:
    """A condition on Incident.village_code: inside one of `units` (false for none)."""
    by_type: dict[UnitType, list[int]] = defaultdict(list)
    for unit_type, code in units:
        by_type[unit_type].append(code)
    if not by_type:
        return false()
    return or_(
        *(
            Incident.village_code.in_(villages_in(unit_type, sorted(codes)))
            for unit_type, codes in sorted(by_type.items())
        )
    )


def visible_incidents(principal: Principal) -> ColumnElement[bool]:
    """The incidents (and so the tickets) this account may see and act on."""
    return village_filter(principal.units)
