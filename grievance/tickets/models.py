"""Reporters, incidents (one outage, worked once) and tickets (one household's report)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grievance.db import Base, UTCDateTime
from grievance.tickets.enums import (
    AttachmentKind,
    Category,
    Closure,
    Priority,
    RouteReason,
    Status,
)
from grievance.types import BigId, Channel, Level, enum_column

OPEN_INCIDENT_WHERE = "status NOT IN ('closed', 'rejected')"


class Reporter(Base):
    """A household's contact: a phone number (or chat id), encrypted, found by keyed hash."""

    __tablename__ = "reporters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contact_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Incident(Base):
    """One problem in one village; every household reporting it joins the same incident."""

    __tablename__ = "incidents"
    __table_args__ = (
        # At most one open incident per village and category: concurrent filings must join.
        Index(
            "uq_incidents_open_village_category",
            "village_code",
            "category",
            unique=True,
            sqlite_where=text(OPEN_INCIDENT_WHERE),
            postgresql_where=text(OPEN_INCIDENT_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    village_code: Mapped[int] = mapped_column(ForeignKey("villages.code"), index=True)
    category: Mapped[Category] = mapped_column(enum_column(Category, "category"))
    status: Mapped[Status] = mapped_column(enum_column(Status, "status"))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "priority"))
    level: Mapped[Level] = mapped_column(enum_column(Level, "level"))
    assigned_vwsc_id: Mapped[int | None] = mapped_column(ForeignKey("vwscs.id"), index=True)
    assigned_official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"), index=True)
    needs_onboarding: Mapped[bool] = mapped_column(Boolean, default=False)
    households: Mapped[int] = mapped_column(Integer, default=1)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    # When the current level's SLA runs out; NULL while the clock is stopped. The sweep
    # reads this index only, never every open incident.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closure: Mapped[Closure | None] = mapped_column(enum_column(Closure, "closure"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    responsible_body: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)

    tickets: Mapped[list[Ticket]] = relationship(back_populates="incident")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Ticket(Base):
    """One household's report, with the public reference they were given."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("incident_id", "reporter_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("reporters.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    language: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The household's own word once the incident was marked resolved: is water back?
    fix_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    fix_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How well it was handled, 1 (bad) to 5 (very good), asked after that answer.
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    incident: Mapped[Incident] = relationship(back_populates="tickets")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", order_by="Attachment.id"
    )


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind, "attachment_kind"))
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(100))

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class IncidentRoute(Base):
    """Who was given or told of an incident, and why: the routing record."""

    __tablename__ = "incident_routes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    level: Mapped[Level] = mapped_column(enum_column(Level, "route_level"))
    vwsc_id: Mapped[int | None] = mapped_column(ForeignKey("vwscs.id"))
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    reason: Mapped[RouteReason] = mapped_column(enum_column(RouteReason, "route_reason"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
