"""Schemes, village committees and officials. Phone numbers are stored encrypted only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from grievance.db import Base, UTCDateTime
from grievance.types import Channel, MemberRole, OfficialRole, UnitType, enum_column


class Scheme(Base):
    """A piped water supply scheme; a multi-village scheme serves several villages."""

    __tablename__ = "schemes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class SchemeVillage(Base):
    __tablename__ = "scheme_villages"

    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), primary_key=True)
    village_code: Mapped[int] = mapped_column(
        ForeignKey("villages.code"), primary_key=True, index=True
    )


class Vwsc(Base):
    """Village Water & Sanitation Committee, formed for one village or for a whole GP."""

    __tablename__ = "vwscs"
    __table_args__ = (
        CheckConstraint("(village_code IS NULL) <> (gp_code IS NULL)", name="village_xor_gp"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    village_code: Mapped[int | None] = mapped_column(ForeignKey("villages.code"), unique=True)
    gp_code: Mapped[int | None] = mapped_column(ForeignKey("gram_panchayats.code"), unique=True)


class VwscMember(Base):
    __tablename__ = "vwsc_members"
    __table_args__ = (UniqueConstraint("vwsc_id", "phone_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vwsc_id: Mapped[int] = mapped_column(ForeignKey("vwscs.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "member_role"))
    language: Mapped[str] = mapped_column(String(16))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "member_channel"))


class Official(Base):
    """An engineer or mission officer; serves one or more LGD units."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    role: Mapped[OfficialRole] = mapped_column(enum_column(OfficialRole, "official_role"))
    language: Mapped[str] = mapped_column(String(16))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "official_channel"))


class OfficialJurisdiction(Base):
    __tablename__ = "official_jurisdictions"
    __table_args__ = (Index("ix_official_jurisdictions_unit", "unit_type", "unit_code"),)

    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), primary_key=True)
    unit_type: Mapped[UnitType] = mapped_column(
        enum_column(UnitType, "unit_type"), primary_key=True
    )
    unit_code: Mapped[int] = mapped_column(Integer, primary_key=True)


class StaffChatLink(Base):
    """A chat (Telegram) that a registered staff phone was verified on, by the person sharing
    their own contact there. Staff are recognised in that chat and told there from then on.

    One chat per phone and one phone per chat: a new share replaces the old link. The chat id
    is stored encrypted (to write to it) and found by keyed hash, like a phone number.
    """

    __tablename__ = "staff_chat_links"

    chat_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "staff_chat_channel"))
    chat_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
