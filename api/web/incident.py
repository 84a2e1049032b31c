"""GET /staff/web/incidents/{id} and its three forms (acknowledge, resolve, reject), each done
by A's StaffDesk inside the account's scope. A failed action rolls back and answers a page:
the form again with its error, 404 outside the scope, 409 if the incident moved meanwhile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.dependencies import RuntimeDep, SessionDep
from api.staff.auth import ClockDep
from api.web import messages
from api.web.auth import ReaderDep, Viewer, WriterDep
from api.web.render import page
from api.web.timeline import casefile_context
from grievance.errors import ConflictError, DomainError, NotFoundError, TransitionNotAllowedError
from grievance.staff.actions import StaffDesk
from grievance.staff.errors import ForbiddenError
from grievance.tickets.enums import Status

router = APIRouter(prefix="/staff/web/incidents", include_in_schema=False)
QUEUE = "/staff/web/queue"
Text = Annotated[str, Form()]
Version = Annotated[str, Form()]


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 2**62 else None


def error_page(who: Viewer, message: str, status_code: int) -> Response:
    return page("error.html", who.language, status_code, viewer=who, message=message)


def incident_page(
    db: Session, who: Viewer, incident_id: int | None, at: Any, status_code: int = 200, **form: Any
) -> Response:
    try:
        context = casefile_context(db, who.principal, incident_id, at)
    except NotFoundError:
        return error_page(who, messages.NOT_FOUND, 404)
    return page("incident.html", who.language, status_code, viewer=who, **context, **form)


@router.get("/{incident_id}")
def show_incident(incident_id: str, who: ReaderDep, db: SessionDep, now: ClockDep) -> Response:
    return incident_page(db, who, _id(incident_id), now())


def _act(
    db: Session, who: Viewer, incident_id: str, at: Any, then: str, act: Any, **form: Any
) -> Response:
    """Runs `act(number)`; on a domain error nothing is kept and a page says why."""
    number = _id(incident_id)
    if number is None:
        return error_page(who, messages.NOT_FOUND, 404)
    try:
        act(number)
    except DomainError as error:
        db.rollback()
        if isinstance(error, NotFoundError):
            return error_page(who, messages.NOT_FOUND, 404)
        if isinstance(error, ForbiddenError):
            return error_page(who, messages.NOT_ALLOWED, 403)
        if isinstance(error, ConflictError | TransitionNotAllowedError):
            return error_page(who, messages.CHANGED_MEANWHILE, 409)
        return incident_page(db, who, number, at, 422, **form)
    return RedirectResponse(then.format(number=number), status_code=303)


def _version(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


@router.post("/{incident_id}/acknowledge")
def acknowledge(
    incident_id: str,
    who: WriterDep,
    rt: RuntimeDep,
    db: SessionDep,
    now: ClockDep,
    version: Version = "",
) -> Response:
    desk = StaffDesk(db, rt.policy, rt.vault, who.principal, now)
    return _act(
        db,
        who,
        incident_id,
        now(),
        "/staff/web/incidents/{number}",
        lambda n: desk.move(n, Status.ACKNOWLEDGED, expected_version=_version(version)),
    )


@router.post("/{incident_id}/resolve")
def resolve(
    incident_id: str,
    who: WriterDep,
    rt: RuntimeDep,
    db: SessionDep,
    now: ClockDep,
    note: Text = "",
    version: Version = "",
) -> Response:
    if not note.strip():
        return incident_page(db, who, _id(incident_id), now(), 422, resolve_error=True)
    desk = StaffDesk(db, rt.policy, rt.vault, who.principal, now)
    return _act(
        db,
        who,
        incident_id,
        now(),
        QUEUE,
        lambda n: desk.resolve(n, note, None, _version(version)),
        resolve_error=True,
        note=note,
    )


@router.post("/{incident_id}/reject")
def reject(
    incident_id: str,
    who: WriterDep,
    rt: RuntimeDep,
    db: SessionDep,
    now: ClockDep,
    reason: Text = "",
    responsible_body: Text = "",
    version: Version = "",
) -> Response:
    form = {"reject_error": True, "reason": reason, "responsible_body": responsible_body}
    if not reason.strip() or not responsible_body.strip():
        return incident_page(db, who, _id(incident_id), now(), 422, **form)
    desk = StaffDesk(db, rt.policy, rt.vault, who.principal, now)
    return _act(
        db,
        who,
        incident_id,
        now(),
        QUEUE,
        lambda n: desk.move(
            n,
            Status.REJECTED,
            reason,
            expected_version=_version(version),
            responsible_body=responsible_body.strip(),
        ),
        **form,
    )
