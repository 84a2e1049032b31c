"""The social audit's statistics tables: counters folded from the audit log, never written by
filing. Every row here can be rebuilt from `audit_events` alone (`rebuild.py`), so none has a
foreign key: the figures do not depend on the live tables or the directory.

Days are calendar days in India (IST, UTC+05:30), the days a Gram Sabha speaks of.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from grievance.db import Base, UTCDateTime


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0)


class StatsWatermark(Base):
    """A single row: the last audit event folded into the tables below. Locking it orders
    updaters (the worker's pass, a rebuild)."""

    __tablename__ = "social_audit_watermark"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)


class VillagePlaces(Base):
    """Where each village counts, as the figures were folded: its gram panchayat (the lowest
    code of several), that link's block, its district and state (`places.py`). Filled for each
    village as the fold first meets it and anew by a rebuild, so the per-unit figures below
    and the village lists of every unit agree."""

    __tablename__ = "social_audit_village_places"
    __table_args__ = tuple(
        Index(f"ix_social_audit_village_places_{name}", name)
        for name in ("gp_code", "block_code", "district_code", "state_code")
    )

    village_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    gp_code: Mapped[int | None] = mapped_column(Integer)
    block_code: Mapped[int | None] = mapped_column(Integer)
    district_code: Mapped[int | None] = mapped_column(Integer)
    state_code: Mapped[int | None] = mapped_column(Integer)


class IncidentFacts(Base):
    """The fold's own memory of each incident, from its earlier events: where and what it is,
    who holds it now and by when. Later events name only the incident; the figures need its
    village, category and deadline. Also the source of the open backlog by age."""

    __tablename__ = "social_audit_incident_facts"

    incident_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    village_code: Mapped[int] = mapped_column(Integer, index=True)
    category: Mapped[str] = mapped_column(String(24))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    level: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: no clock running
    # Closed or rejected; indexed so the backlog at a day reads only what was open then.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class DailyCounters:
    """What happened to complaints in a place on a day: the counters of `DailyFigures` and
    `UnitDailyFigures`, after their key columns."""

    complaints: Mapped[int] = _count()  # households' reports (tickets) filed
    joined: Mapped[int] = _count()  # of which joined an incident already open ("me too")
    opened: Mapped[int] = _count()  # incidents opened
    acknowledged: Mapped[int] = _count()
    started: Mapped[int] = _count()  # moved to "in progress"
    resolved: Mapped[int] = _count()  # marked fixed by staff (an incident can be fixed twice)
    resolved_on_time: Mapped[int] = _count()  # ... by the deadline of the level holding it
    resolution_seconds: Mapped[int] = mapped_column(BigInteger, default=0)  # opened → resolved
    closed_confirmed: Mapped[int] = _count()  # a household said the water is back
    closed_unconfirmed: Mapped[int] = _count()  # nobody answered within the window
    reopened: Mapped[int] = _count()
    rejected: Mapped[int] = _count()  # by body responsible: RejectionFigures
    escalated_to_je: Mapped[int] = _count()
    escalated_to_ae: Mapped[int] = _count()
    escalated_to_ee: Mapped[int] = _count()
    escalated_to_dwsm: Mapped[int] = _count()
    escalated_to_state_admin: Mapped[int] = _count()
    overdue_at_top: Mapped[int] = _count()  # deadline passed with nobody left above


class DailyFigures(DailyCounters, Base):
    """Per village, day and category: what happened to complaints that day."""

    __tablename__ = "social_audit_daily"

    village_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)


class HouseholdDays(Base):
    """Which households filed, per village, day and category: one row each, however many
    complaints. Households in a period are the distinct `household` values of its rows (not a
    sum), so a household reporting three problems counts once. `household` is the reporter's
    internal number from the log's actor, never a phone or a reference."""

    __tablename__ = "social_audit_household_days"

    village_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    household: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class UnitDailyFigures(DailyCounters, Base):
    """`DailyFigures` summed per gram panchayat, block, district and state (by
    `VillagePlaces`), kept by the same fold: a big unit's page reads days × categories rows
    instead of every village's."""

    __tablename__ = "social_audit_unit_daily"

    unit_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    unit_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)


class RejectionFigures(Base):
    """Rejections per village, day and category, by the body named as responsible instead."""

    __tablename__ = "social_audit_rejections"

    village_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    responsible_body: Mapped[str] = mapped_column(String(200), primary_key=True)
    rejected: Mapped[int] = _count()


class WaterFigures(Base):
    """Field-test-kit tests per village and day (the day each was recorded)."""

    __tablename__ = "social_audit_water"

    village_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tests: Mapped[int] = _count()
    unsafe: Mapped[int] = _count()  # tests with a reading beyond the permissible limit
    # Summed over unsafe tests: from the test (as the tester dated it) to the lab escalation
    # and the households' warning, both written in the transaction that records the test.
    unsafe_to_action_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    # Incidents an unsafe test sent straight to the Executive Engineer (or the next level up).
    incidents_escalated: Mapped[int] = _count()


class WaterParameterFigures(Base):
    """Per village, day and parameter: readings taken and readings beyond the limit."""

    __tablename__ = "social_audit_water_parameters"

    village_code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    parameter: Mapped[str] = mapped_column(String(40), primary_key=True)
    tests: Mapped[int] = _count()
    unsafe: Mapped[int] = _count()
