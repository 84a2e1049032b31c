"""Builds a small directory with real ORM rows, for tests that need villages and people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from grievance.directory.models import Official, OfficialJurisdiction, Vwsc, VwscMember
from grievance.lgd.models import (
    Block,
    District,
    GramPanchayat,
    State,
    SubDistrict,
    Village,
    VillagePanchayat,
)
from grievance.privacy import ContactVault
from grievance.types import Channel, MemberRole, OfficialRole, UnitType

START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand; no sleeping."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Place:
    """Codes of the test directory: one district, two blocks."""

    state: int = 29
    district: int = 546
    subdistrict: int = 5462
    block: int = 5895
    other_block: int = 5896
    gp: int = 219744
    other_gp: int = 219745
    village: int = 601014  # has its own VWSC
    gp_village: int = 601015  # served by the GP-level VWSC of other_gp
    orphan_village: int = 601016  # in other_block: no VWSC and no JE on record
    vwsc: int = 0
    gp_vwsc: int = 0
    je: int = 0
    ae: int = 0
    ee: int = 0
    dwsm: int = 0
    state_admin: int = 0


def build_directory(session: Session, vault: ContactVault, *, with_officials: bool = True) -> Place:
    p = Place()
    # Flush level by level: these models have no relationships for the ORM to order by.
    session.add(State(code=p.state, name="KARNATAKA"))
    session.flush()
    session.add(District(code=p.district, state_code=p.state, name="RAICHUR"))
    session.flush()
    session.add(SubDistrict(code=p.subdistrict, district_code=p.district, name="Manvi"))
    session.add_all(
        [
            Block(code=p.block, district_code=p.district, name="MANVI"),
            Block(code=p.other_block, district_code=p.district, name="SIRWAR"),
        ]
    )
    session.flush()
    session.add_all(
        [
            GramPanchayat(code=p.gp, block_code=p.block, name="GORKAL"),
            GramPanchayat(code=p.other_gp, block_code=p.block, name="KAPGAL"),
            GramPanchayat(code=219746, block_code=p.other_block, name="HIREKOTNEKAL"),
        ]
    )
    session.flush()
    session.add_all(
        [
            Village(
                code=p.village,
                subdistrict_code=p.subdistrict,
                name="Tammapur",
                name_local="ತಮ್ಮಾಪುರ",
            ),
            Village(code=p.gp_village, subdistrict_code=p.subdistrict, name="Kapgal"),
            Village(code=p.orphan_village, subdistrict_code=p.subdistrict, name="Hirekotnekal"),
        ]
    )
    session.flush()
    session.add_all(
        [
            VillagePanchayat(village_code=p.village, gp_code=p.gp, block_code=p.block),
            VillagePanchayat(village_code=p.gp_village, gp_code=p.other_gp, block_code=p.block),
            VillagePanchayat(
                village_code=p.orphan_village, gp_code=219746, block_code=p.other_block
            ),
        ]
    )
    session.flush()
    village_vwsc = Vwsc(name="Tammapur VWSC", village_code=p.village)
    gp_vwsc = Vwsc(name="Kapgal GP VWSC", gp_code=p.other_gp)
    session.add_all([village_vwsc, gp_vwsc])
    session.flush()
    p.vwsc, p.gp_vwsc = village_vwsc.id, gp_vwsc.id
    add_member(session, vault, village_vwsc.id, "Lakshmi", "+919845000101", MemberRole.CHAIR)
    if with_officials:
        p.je = add_official(
            session, vault, "JE Manvi", "+919845000201", OfficialRole.JE, UnitType.BLOCK, p.block
        )
        p.ae = add_official(
            session,
            vault,
            "AE Manvi",
            "+919845000202",
            OfficialRole.AE,
            UnitType.SUBDISTRICT,
            p.subdistrict,
        )
        p.ee = add_official(
            session,
            vault,
            "EE Raichur",
            "+919845000203",
            OfficialRole.EE,
            UnitType.DISTRICT,
            p.district,
        )
        p.dwsm = add_official(
            session,
            vault,
            "DWSM Raichur",
            "+919845000204",
            OfficialRole.DWSM,
            UnitType.DISTRICT,
            p.district,
        )
        p.state_admin = add_official(
            session,
            vault,
            "State cell",
            "+919845000205",
            OfficialRole.STATE_ADMIN,
            UnitType.STATE,
            p.state,
        )
    session.flush()
    return p


def add_member(
    session: Session, vault: ContactVault, vwsc_id: int, name: str, phone: str, role: MemberRole
) -> None:
    e164 = vault.normalise_phone(phone)
    session.add(
        VwscMember(
            vwsc_id=vwsc_id,
            name=name,
            phone_hash=vault.lookup_hash(e164),
            phone_ciphertext=vault.encrypt(e164),
            role=role,
            language="kn",
            channel=Channel.WHATSAPP,
        )
    )


def add_official(
    session: Session,
    vault: ContactVault,
    name: str,
    phone: str,
    role: OfficialRole,
    unit_type: UnitType,
    unit_code: int,
) -> int:
    e164 = vault.normalise_phone(phone)
    official = Official(
        name=name,
        phone_hash=vault.lookup_hash(e164),
        phone_ciphertext=vault.encrypt(e164),
        role=role,
        language="kn",
        channel=Channel.SMS,
    )
    session.add(official)
    session.flush()
    session.add(
        OfficialJurisdiction(official_id=official.id, unit_type=unit_type, unit_code=unit_code)
    )
    return official.id


def add_villages(session: Session, place: Place, count: int, first_code: int = 602000) -> list[int]:
    """More villages in the GP whose committee serves the whole panchayat."""
    codes = list(range(first_code, first_code + count))
    session.add_all(
        Village(code=code, subdistrict_code=place.subdistrict, name=f"Village {code}")
        for code in codes
    )
    session.flush()
    session.add_all(
        VillagePanchayat(village_code=code, gp_code=place.other_gp, block_code=place.block)
        for code in codes
    )
    session.flush()
    return codes
