"""Public, anonymous read endpoints: a complaint's status by reference, a village's record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api.dependencies import ContextDep, SessionDep
from grievance.directory.service_map import ServiceMap
from grievance.errors import UnknownVillageError
from grievance.lgd.models import Village
from grievance.tickets.service import TicketService

router = APIRouter(prefix="/v1", tags=["public"])


class TicketStatus(BaseModel):
    reference: str
    status: str
    closure: str | None
    category: str
    village_code: int
    households_reporting: int
    level: str
    filed_at: datetime
    due_at: datetime | None


class VillageRecord(BaseModel):
    code: int
    name: str
    name_local: str | None
    subdistrict_code: int
    district_code: int
    state_code: int
    gram_panchayats: list[int]
    blocks: list[int]
    has_vwsc: bool


@router.get("/tickets/{reference}", response_model=TicketStatus)
def ticket_status(
    reference: Annotated[str, Path(max_length=40)], db: SessionDep, ctx: ContextDep
) -> TicketStatus:
    """Where a complaint stands. No personal data: anyone holding the reference may ask."""
    ticket = TicketService(db, ctx.policy, ctx.vault).find(reference)
    incident = ticket.incident
    return TicketStatus(
        reference=ticket.reference,
        status=incident.status.value,
        closure=incident.closure.value if incident.closure else None,
        category=incident.category.value,
        village_code=incident.village_code,
        households_reporting=incident.households,
        level=incident.level.value,
        filed_at=ticket.created_at,
        due_at=incident.due_at,
    )


@router.get("/villages/{code}", response_model=VillageRecord)
def village(code: Annotated[int, Path(ge=1, le=999_999_999)], db: SessionDep) -> VillageRecord:
    services = ServiceMap.load(db, [code])
    place = services.place(code)
    found = db.get(Village, code)
    if place is None or found is None:
        raise UnknownVillageError(code)
    return VillageRecord(
        code=code,
        name=found.name,
        name_local=found.name_local,
        subdistrict_code=place.subdistrict,
        district_code=place.district,
        state_code=place.state,
        gram_panchayats=list(place.gps),
        blocks=list(place.blocks),
        has_vwsc=services.vwsc_for(code) is not None,
    )
