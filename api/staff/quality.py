"""POST /staff/v1/villages/{code}/water-tests: field-test-kit results, graded against IS 10500
and acted on (unsafe water goes to the Executive Engineer at once, households are warned).

Only for a village inside the account's jurisdiction (anything else: 404, as for incidents);
auditors may only read. The rule is `StaffDesk.record_water_test`, as for a TEST by chat.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.dependencies import ContextDep, SessionDep
from api.staff.auth import ClockDep, StaffDep
from grievance.quality.check import Reading
from grievance.staff.actions import StaffDesk

router = APIRouter(prefix="/staff/v1/villages", tags=["staff: water quality"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in, or the token is unknown or revoked"},
    403: {"description": "CSRF token missing or wrong, or a read-only account"},
    404: {"description": "no such village within your jurisdiction"},
    422: {"description": "an unknown parameter, an impossible value, a date in the future"},
}


class WaterTestIn(BaseModel):
    readings: dict[str, float | bool] = Field(
        min_length=1,
        max_length=20,
        description='Parameter → value; bacteria as true/false (e.g. {"ph": 7.2, "e_coli": false})',
    )
    incident_id: int | None = Field(default=None, ge=1, description="the complaint it answers")
    tested_at: datetime | None = Field(default=None, description="when sampled (default: now)")


class FindingOut(BaseModel):
    parameter: str
    value: float | bool
    verdict: str
    limit: str


class WaterTestOut(BaseModel):
    id: int
    village_code: int
    verdict: str
    limits_version: str
    findings: list[FindingOut]
    escalated: list[int] = Field(description="incidents sent to the Executive Engineer")
    households_advised: int


@router.post(
    "/{village_code}/water-tests", status_code=201, response_model=WaterTestOut, responses=_ERRORS
)
def record_water_test(
    village_code: Annotated[int, Path(ge=1)],
    body: WaterTestIn,
    who: StaffDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
) -> WaterTestOut:
    """Record one field-test-kit test of a village's water."""
    readings = [Reading(name, value) for name, value in body.readings.items()]
    recorded = StaffDesk(db, ctx.policy, ctx.vault, who, now).record_water_test(
        village_code, readings, incident_id=body.incident_id, tested_at=body.tested_at
    )
    test, report = recorded.test, recorded.report
    return WaterTestOut(
        id=test.id,
        village_code=village_code,
        verdict=test.verdict.value,
        limits_version=report.version,
        findings=[
            FindingOut(
                parameter=f.reading.parameter,
                value=f.reading.value,
                verdict=f.verdict.value,
                limit=f.compared_with,
            )
            for f in report.findings
        ],
        escalated=list(recorded.escalated),
        households_advised=recorded.advised,
    )
