"""LGD entities keyed by their own integer codes (never zero-padded)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from grievance.db import Base


class State(Base):
    __tablename__ = "states"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    name_local: Mapped[str | None] = mapped_column(String(120))


class District(Base):
    __tablename__ = "districts"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state_code: Mapped[int] = mapped_column(ForeignKey("states.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_local: Mapped[str | None] = mapped_column(String(120))


class SubDistrict(Base):
    __tablename__ = "subdistricts"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    district_code: Mapped[int] = mapped_column(ForeignKey("districts.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_local: Mapped[str | None] = mapped_column(String(120))


class Block(Base):
    __tablename__ = "blocks"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    district_code: Mapped[int] = mapped_column(ForeignKey("districts.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_local: Mapped[str | None] = mapped_column(String(120))


class GramPanchayat(Base):
    __tablename__ = "gram_panchayats"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    block_code: Mapped[int | None] = mapped_column(ForeignKey("blocks.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_local: Mapped[str | None] = mapped_column(String(120))


class Village(Base):
    __tablename__ = "villages"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    subdistrict_code: Mapped[int] = mapped_column(ForeignKey("subdistricts.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_local: Mapped[str | None] = mapped_column(String(120))


class VillagePanchayat(Base):
    """Village ↔ gram panchayat is many-to-many; the block is kept per link as LGD gives it."""

    __tablename__ = "village_panchayats"
    __table_args__ = (Index("ix_village_panchayats_gp_code", "gp_code"),)

    village_code: Mapped[int] = mapped_column(ForeignKey("villages.code"), primary_key=True)
    gp_code: Mapped[int] = mapped_column(ForeignKey("gram_panchayats.code"), primary_key=True)
    block_code: Mapped[int | None] = mapped_column(ForeignKey("blocks.code"), index=True)
