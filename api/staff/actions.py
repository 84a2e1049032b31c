"""POST /staff/v1/incidents/{id}/acknowledge | start | assign | notes | resolve | reject."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api.dependencies import ContextDep, SessionDep
from api.staff.auth import ClockDep, StaffDep
from api.staff.schemas import (
    AssignIn,
    IncidentOut,
    NoteIn,
    RejectIn,
    ResolveIn,
    VersionIn,
    incident_out,
)
from grievance.staff.actions import StaffDesk
from grievance.staff.principal import Principal
from grievance.tickets.enums import Status

router = APIRouter(prefix="/staff/v1/incidents", tags=["staff: actions"])
IncidentId = Annotated[int, Path(ge=1)]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in, or the token is unknown or revoked"},
    403: {"description": "CSRF token missing or wrong, or the role may not do this"},
    404: {"description": "no such incident within your jurisdiction"},
    409: {"description": "changed meanwhile (expected_version), or not allowed from its status"},
    422: {"description": "invalid input"},
}


def _desk(ctx: ContextDep, db: SessionDep, who: Principal, now: ClockDep) -> StaffDesk:
    return StaffDesk(db, ctx.policy, ctx.vault, who, now)


@router.post("/{incident_id}/acknowledge", response_model=IncidentOut, responses=_ERRORS)
def acknowledge(
    incident_id: IncidentId,
    body: VersionIn,
    who: StaffDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
) -> IncidentOut:
    """Say the incident has been seen."""
    incident = _desk(ctx, db, who, now).move(
        incident_id, Status.ACKNOWLEDGED, expected_version=body.expected_version
    )
    return incident_out(incident, now(), who)


@router.post("/{incident_id}/start", response_model=IncidentOut, responses=_ERRORS)
def start(
    incident_id: IncidentId,
    body: VersionIn,
    who: StaffDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
) -> IncidentOut:
    """Work on the fix has begun."""
    incident = _desk(ctx, db, who, now).move(
        incident_id, Status.IN_PROGRESS, expected_version=body.expected_version
    )
    return incident_out(incident, now(), who)


@router.post("/{incident_id}/assign", response_model=IncidentOut, responses=_ERRORS)
def assign(
    incident_id: IncidentId,
    body: AssignIn,
    who: StaffDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
) -> IncidentOut:
    """Give the incident to the village's VWSC or an official serving the village (engineers,
    DWSM and state admin only); the SLA clock keeps running."""
    incident = _desk(ctx, db, who, now).assign(
        incident_id,
        vwsc_id=body.vwsc_id,
        official_id=body.official_id,
        expected_version=body.expected_version,
    )
    return incident_out(incident, now(), who)


@router.post("/{incident_id}/notes", response_model=IncidentOut, responses=_ERRORS)
def add_note(
    incident_id: IncidentId,
    body: NoteIn,
    who: StaffDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
) -> IncidentOut:
    """A note on the timeline; it changes nothing else, not even the SLA clock."""
    incident = _desk(ctx, db, who, now).note(incident_id, body.note)
    return incident_out(incident, now(), who)


@router.post("/{incident_id}/resolve", response_model=IncidentOut, responses=_ERRORS)
def resolve(
    incident_id: IncidentId,
    body: ResolveIn,
    who: StaffDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
) -> IncidentOut:
    """Mark it fixed, saying what was done (a photo URL optional); every household is then
    asked whether water is back."""
    incident = _desk(ctx, db, who, now).resolve(
        incident_id, body.note, body.photo_url, body.expected_version
    )
    return incident_out(incident, now(), who)


@router.post("/{incident_id}/reject", response_model=IncidentOut, responses=_ERRORS)
def reject(
    incident_id: IncidentId,
    body: RejectIn,
    who: StaffDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
) -> IncidentOut:
    """Not ours to fix: the reason and the body responsible instead (engineers and above)."""
    incident = _desk(ctx, db, who, now).move(
        incident_id,
        Status.REJECTED,
        body.reason,
        expected_version=body.expected_version,
        responsible_body=body.responsible_body,
    )
    return incident_out(incident, now(), who)
