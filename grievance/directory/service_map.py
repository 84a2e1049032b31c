"""Who serves which villages, loaded in a few set-based queries.

Filing looks up one village; the escalation sweep looks up thousands at once. Both use this
map, so neither issues a query per incident.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from grievance.directory.models import Official, OfficialJurisdiction, Vwsc
from grievance.lgd.models import District, SubDistrict, Village, VillagePanchayat
from grievance.types import OfficialRole, UnitType


@dataclass(frozen=True)
class VillagePlace:
    """Where a village sits in both LGD trees."""

    village: int
    subdistrict: int
    district: int
    state: int
    gps: tuple[int, ...] = ()
    blocks: tuple[int, ...] = ()

    def units(self) -> list[tuple[UnitType, int]]:
        """Every unit containing the village, most specific first."""
        return [
            (UnitType.VILLAGE, self.village),
            *((UnitType.GP, gp) for gp in self.gps),
            *((UnitType.BLOCK, block) for block in self.blocks),
            (UnitType.SUBDISTRICT, self.subdistrict),
            (UnitType.DISTRICT, self.district),
            (UnitType.STATE, self.state),
        ]


@dataclass
class ServiceMap:
    places: dict[int, VillagePlace]
    vwsc_by_village: dict[int, int] = field(default_factory=dict)
    vwsc_by_gp: dict[int, int] = field(default_factory=dict)
    # (unit type, unit code, role) -> official ids, lowest id first
    officials: dict[tuple[UnitType, int, OfficialRole], list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, village_codes: Iterable[int]) -> ServiceMap:
        places = _load_places(session, set(village_codes))
        service_map = cls(places)
        if places:
            service_map._load_vwscs(session)
            service_map._load_officials(session)
        return service_map

    @classmethod
    def empty(cls) -> ServiceMap:
        return cls(places={})

    def include(self, session: Session, village_codes: Iterable[int]) -> ServiceMap:
        """Load the villages this map does not hold yet, so one map can serve a whole sweep."""
        missing = set(village_codes) - self.places.keys()
        if missing:
            # A load holds complete entries for every key it touches, so merging is replacing.
            more = ServiceMap.load(session, missing)
            self.places.update(more.places)
            self.vwsc_by_village.update(more.vwsc_by_village)
            self.vwsc_by_gp.update(more.vwsc_by_gp)
            self.officials.update(more.officials)
        return self

    def place(self, village: int) -> VillagePlace | None:
        return self.places.get(village)

    def vwsc_for(self, village: int) -> int | None:
        """The village's own committee, else its gram panchayat's."""
        if village in self.vwsc_by_village:
            return self.vwsc_by_village[village]
        place = self.places[village]
        return next((self.vwsc_by_gp[gp] for gp in place.gps if gp in self.vwsc_by_gp), None)

    def official_for(self, village: int, role: OfficialRole) -> int | None:
        """The official of `role` with the most specific jurisdiction over the village."""
        for unit_type, code in self.places[village].units():
            ids = self.officials.get((unit_type, code, role))
            if ids:
                return ids[0]
        return None

    def _load_vwscs(self, session: Session) -> None:
        villages = list(self.places)
        gps = sorted({gp for place in self.places.values() for gp in place.gps})
        rows = session.execute(
            select(Vwsc.id, Vwsc.village_code, Vwsc.gp_code).where(
                or_(Vwsc.village_code.in_(villages), Vwsc.gp_code.in_(gps))
            )
        )
        for vwsc_id, village, gp in rows:
            if village is not None:
                self.vwsc_by_village[village] = vwsc_id
            elif gp is not None:
                self.vwsc_by_gp[gp] = vwsc_id

    def _load_officials(self, session: Session) -> None:
        codes_by_type: dict[UnitType, set[int]] = defaultdict(set)
        for place in self.places.values():
            for unit_type, code in place.units():
                codes_by_type[unit_type].add(code)
        jurisdiction = OfficialJurisdiction
        rows = session.execute(
            select(jurisdiction.unit_type, jurisdiction.unit_code, Official.role, Official.id)
            .join(Official, Official.id == jurisdiction.official_id)
            .where(
                or_(
                    *(
                        and_(jurisdiction.unit_type == unit_type, jurisdiction.unit_code.in_(codes))
                        for unit_type, codes in codes_by_type.items()
                    )
                )
            )
            .order_by(Official.id)
        )
        for unit_type, code, role, official_id in rows:
            self.officials.setdefault((unit_type, code, role), []).append(official_id)


def _load_places(session: Session, village_codes: set[int]) -> dict[int, VillagePlace]:
    if not village_codes:
        return {}
    codes = sorted(village_codes)
    links: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for village, gp, block in session.execute(
        select(VillagePanchayat.village_code, VillagePanchayat.gp_code, VillagePanchayat.block_code)
        .where(VillagePanchayat.village_code.in_(codes))
        .order_by(VillagePanchayat.gp_code)
    ):
        links[village].append((gp, block))
    rows = session.execute(
        select(
            Village.code, Village.subdistrict_code, SubDistrict.district_code, District.state_code
        )
        .join(SubDistrict, SubDistrict.code == Village.subdistrict_code)
        .join(District, District.code == SubDistrict.district_code)
        .where(Village.code.in_(codes))
    )
    places = {}
    for village, subdistrict, district, state in rows:
        gp_links = links.get(village, [])
        blocks = tuple(dict.fromkeys(block for _, block in gp_links if block is not None))
        places[village] = VillagePlace(
            village, subdistrict, district, state, tuple(gp for gp, _ in gp_links), blocks
        )
    return places
