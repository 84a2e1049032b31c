"""POST /staff/login and /staff/logout, GET /staff/v1/me."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel

from api.dependencies import ContextDep, SessionDep
from api.same_origin import cross_site
from api.staff.auth import SESSION_COOKIE, ClockDep, StaffDep, csrf_token_of
from grievance.db import unit_of_work
from grievance.staff import sessions
from grievance.staff.errors import CsrfError, LoginFailedError
from grievance.staff.login import log_in
from grievance.staff.principal import Principal, principal_of

router = APIRouter(tags=["staff: login"])


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    language: str
    read_only: bool
    jurisdiction: list[str]  # "district:546"
    csrf_token: str | None  # with a session: send it as X-CSRF-Token on every change


def secure_cookies(ctx: ContextDep) -> bool:
    # Plain http only on a developer's machine; everywhere else the cookie needs https.
    return ctx.secure_cookies


def _not_cross_site(request: Request) -> None:
    """A browser form on another site must not log its visitor in to someone else's account
    (the cookie would reach the web pages too); scripts send no Origin and pass."""
    if cross_site(request):
        raise CsrfError("a login posted from another site is refused")


@router.post(
    "/staff/login",
    response_model=Me,
    responses={
        401: {"description": "wrong username or password"},
        403: {"description": "posted from another site (Origin or Referer)"},
        429: {"description": "throttled"},
    },
    dependencies=[Depends(_not_cross_site)],
)
def login(
    request: Request,
    response: Response,
    ctx: ContextDep,
    now: ClockDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
) -> Me:
    """Log in with a password; sets an HttpOnly session cookie and returns the CSRF token.

    A wrong username and a wrong password get the same answer in the same time. Five failures
    per username (twenty per address) in 15 minutes make further tries wait (429)."""
    address = request.client.host if request.client else "unknown"
    failed: LoginFailedError | None = None
    with unit_of_work(ctx.sessions) as db:  # commits the counted failure too
        try:
            account, started = log_in(db, username, password, address, now)
            me = _me(principal_of(db, account), started.csrf_token)
        except LoginFailedError as exc:
            failed = exc
    if failed is not None:
        raise failed
    response.set_cookie(
        SESSION_COOKIE,
        started.cookie_value,
        max_age=int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
        path="/staff",
        httponly=True,
        secure=secure_cookies(ctx),
        samesite="lax",
    )
    return me


@router.post("/staff/logout", status_code=204, response_class=Response)
def logout(
    request: Request, ctx: ContextDep, db: SessionDep, now: ClockDep, _who: StaffDep
) -> Response:
    """End this session (needs the CSRF token like every change)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sessions.end(db, cookie, now)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/staff", secure=secure_cookies(ctx), httponly=True)
    return response


@router.get("/staff/v1/me", response_model=Me)
def me(who: StaffDep, csrf: Annotated[str | None, Depends(csrf_token_of)]) -> Me:
    """The caller's account, jurisdiction and (with a session) CSRF token."""
    return _me(who, csrf)


def _me(who: Principal, csrf: str | None) -> Me:
    return Me(
        username=who.username,
        display_name=who.display_name,
        role=who.role.value,
        language=who.language,
        read_only=who.read_only,
        jurisdiction=[f"{kind.value}:{code}" for kind, code in who.units],
        csrf_token=csrf,
    )
