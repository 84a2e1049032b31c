"""One field-test-kit (FTK) test of a village's water, as the tester entered it and as graded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from grievance.db import Base, UTCDateTime
from grievance.quality.check import Verdict
from grievance.types import BigId, enum_column


class WaterTest(Base):
    __tablename__ = "water_tests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    village_code: Mapped[int] = mapped_column(ForeignKey("villages.code"), index=True)
    # The complaint that asked for the test, if any (a routine test has none).
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    tested_by: Mapped[str] = mapped_column(String(64))  # a pseudonymous actor, never a name
    limits_version: Mapped[str] = mapped_column(String(100))
    # {parameter: value} as entered, and {parameter: verdict} as graded.
    readings: Mapped[dict[str, Any]] = mapped_column(JSON)
    verdicts: Mapped[dict[str, str]] = mapped_column(JSON)
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, "water_verdict"))
    tested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
