"""GET /staff/web/incidents/{id} and its forms (acknowledge, start, resolve, reject, assign,
note), each done by the staff desk (`grievance.staff.actions.StaffDesk`) inside the account's
scope. A failed action rolls back and answers a page: the form again with its error, 404
outside the scope, 403 for a role that may never do it, 409 if the incident moved meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.context import ApiContext
from api.dependencies import ContextDep, SessionDep
from api.staff.auth import ClockDep
from api.web import messages
from api.web.auth import ReaderDep, Viewer, WriterDep
from api.web.render import page
from api.web.timeline import casefile_context
from grievance.errors import ConflictError, DomainError, NotFoundError, TransitionNotAllowedError
from grievance.staff.actions import StaffDesk
from grievance.staff.errors import ForbiddenError
from grievance.tickets.enums import Status
from grievance.tickets.report import strip_controls
from grievance.tickets.service import MAX_NOTE_CHARS

router = APIRouter(prefix="/staff/web/incidents", include_in_schema=False)
QUEUE = "/staff/web/queue"
Text = Annotated[str, Form()]
Version = Annotated[str, Form()]


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 2**62 else None


def error_page(who: Viewer, message: str, status_code: int) -> Response:
    return page("error.html", who.language, status_code, viewer=who, message=message)


def incident_page(
    db: Session,
    who: Viewer,
    incident_id: int | None,
    at: Any,
    status_code: int = 200,
    everything: bool = False,
    **form: Any,
) -> Response:
    try:
        context = casefile_context(db, who.principal, incident_id, at, everything)
    except NotFoundError:
        return error_page(who, messages.NOT_FOUND, 404)
    return page("incident.html", who.language, status_code, viewer=who, **context, **form)


@router.get("/{incident_id}")
def show_incident(
    incident_id: str, who: ReaderDep, db: SessionDep, now: ClockDep, all: str = ""
) -> Response:
    """`?all=1` lists every report and history entry, not only the latest."""
    return incident_page(db, who, _id(incident_id), now(), everything=all == "1")


def _act(
    db: Session, who: Viewer, incident_id: str, at: Any, then: str, act: Any, **form: Any
) -> Response:
    """Runs `act(number)`; on a domain error nothing is kept and a page says why."""
    number = _id(incident_id)
    if number is None:
        return error_page(who, messages.NOT_FOUND, 404)
    try:
        # A savepoint: a failed action leaves nothing, and the page can still be read in this
        # transaction (a rollback would end it, and the request's unit of work with it).
        with db.begin_nested():
            act(number)
    except DomainError as error:
        if isinstance(error, NotFoundError):
            return error_page(who, messages.NOT_FOUND, 404)
        if isinstance(error, ForbiddenError):
            return error_page(who, messages.NOT_ALLOWED, 403)
        if isinstance(error, ConflictError | TransitionNotAllowedError):
            return error_page(who, messages.CHANGED_MEANWHILE, 409)
        return incident_page(db, who, number, at, 422, **form)
    return RedirectResponse(then.format(number=number), status_code=303)


def _desk(ctx: ApiContext, db: Session, who: Viewer, now: Callable[[], datetime]) -> StaffDesk:
    return StaffDesk(db, ctx.policy, ctx.vault, who.principal, now)


def _version(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


def _assignee(value: str) -> tuple[int | None, int | None]:
    """(vwsc_id, official_id) from the form's "vwsc:3" / "official:7"; (None, None) for
    anything else, which the desk refuses like an empty choice (after its scope and role
    checks, so the answer is the API's: 404, 403, then the form again)."""
    kind, _, number = value.partition(":")
    if not number.isdigit() or not 0 < int(number) < 2**31:
        return None, None
    return {"vwsc": (int(number), None), "official": (None, int(number))}.get(kind, (None, None))


@router.post("/{incident_id}/acknowledge")
def acknowledge(
    incident_id: str,
    who: WriterDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
    version: Version = "",
) -> Response:
    return _mark(Status.ACKNOWLEDGED, incident_id, who, ctx, db, now, version)


@router.post("/{incident_id}/start")
def start(
    incident_id: str,
    who: WriterDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
    version: Version = "",
) -> Response:
    return _mark(Status.IN_PROGRESS, incident_id, who, ctx, db, now, version)


def _mark(
    status: Status,
    incident_id: str,
    who: Viewer,
    ctx: ApiContext,
    db: Session,
    now: Callable[[], datetime],
    version: str,
) -> Response:
    """A one-button move (seen, work started) that needs no note."""
    desk = _desk(ctx, db, who, now)
    return _act(
        db,
        who,
        incident_id,
        now(),
        "/staff/web/incidents/{number}",
        lambda n: desk.move(n, status, expected_version=_version(version)),
    )


@router.post("/{incident_id}/resolve")
def resolve(
    incident_id: str,
    who: WriterDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
    note: Text = "",
    version: Version = "",
) -> Response:
    if not strip_controls(note):
        return incident_page(
            db, who, _id(incident_id), now(), 422, resolve_error=messages.NOTE_REQUIRED
        )
    # The desk decides (scope, role, the note's length); this only picks the sentence.
    desk = _desk(ctx, db, who, now)
    return _act(
        db,
        who,
        incident_id,
        now(),
        QUEUE,
        lambda n: desk.resolve(n, note, None, _version(version)),
        resolve_error=messages.NOTE_TOO_LONG,
        note=note[:MAX_NOTE_CHARS],
    )


@router.post("/{incident_id}/reject")
def reject(
    incident_id: str,
    who: WriterDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
    reason: Text = "",
    responsible_body: Text = "",
    version: Version = "",
) -> Response:
    form: dict[str, Any] = {
        "reject_error": True,
        "reason": reason,
        "responsible_body": responsible_body,
    }
    if not reason.strip() or not responsible_body.strip():
        return incident_page(db, who, _id(incident_id), now(), 422, **form)
    desk = _desk(ctx, db, who, now)
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


@router.post("/{incident_id}/assign")
def assign(
    incident_id: str,
    who: WriterDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
    assignee: Text = "",
    version: Version = "",
) -> Response:
    vwsc_id, official_id = _assignee(assignee)
    desk = _desk(ctx, db, who, now)
    return _act(
        db,
        who,
        incident_id,
        now(),
        "/staff/web/incidents/{number}",
        lambda n: desk.assign(
            n, vwsc_id=vwsc_id, official_id=official_id, expected_version=_version(version)
        ),
        assign_error=True,
    )


@router.post("/{incident_id}/notes")
def add_note(
    incident_id: str,
    who: WriterDep,
    ctx: ContextDep,
    db: SessionDep,
    now: ClockDep,
    note: Text = "",
) -> Response:
    # The desk decides (scope, role, then the note itself); this only picks the sentence.
    problem = messages.NOTE_EMPTY if not strip_controls(note) else messages.NOTE_TOO_LONG
    desk = _desk(ctx, db, who, now)
    return _act(
        db,
        who,
        incident_id,
        now(),
        "/staff/web/incidents/{number}",
        lambda n: desk.note(n, note),
        note_error=problem,
        note_text=note[:MAX_NOTE_CHARS],
    )
