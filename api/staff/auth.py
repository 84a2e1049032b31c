"""Who is calling: a bearer token (state systems) or a session cookie (people), and the CSRF
check every state-changing request made with a cookie must pass."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from api.dependencies import SessionDep
from grievance.clock import Clock, utcnow
from grievance.staff import api_tokens, credentials, sessions
from grievance.staff.errors import CsrfError, NotAuthenticatedError
from grievance.staff.principal import Principal, principal_of

SESSION_COOKIE = "jalsamvad_staff"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def clock() -> Clock:
    """The time source; tests override this dependency with a fake clock."""
    return utcnow


ClockDep = Annotated[Callable[[], datetime], Depends(clock)]


async def _csrf_form_field(request: Request) -> str | None:
    """The CSRF token of a plain HTML form post (Starlette keeps the parsed form)."""
    if request.method in SAFE_METHODS:
        return None
    if not request.headers.get("content-type", "").startswith(_FORM_TYPES):
        return None
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthenticatedError("send Authorization: Bearer <token>")
    return secret.strip()


def authenticated(
    request: Request,
    db: SessionDep,
    now: ClockDep,
    form_csrf: Annotated[str | None, Depends(_csrf_form_field)],
) -> Principal:
    token = _bearer(request)
    if token is not None:
        # A token is never sent by a browser on its own, so it needs no CSRF token.
        account = api_tokens.account_for(db, token, now)
        if account is None:
            raise NotAuthenticatedError("the token is unknown or revoked")
        return principal_of(db, account)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticatedError("log in first")
    live = sessions.resume(db, cookie, now)
    if live is None:
        raise NotAuthenticatedError("your session has ended; log in again")
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER) or form_csrf
        if not given or not credentials.same(given, live.csrf_token):
            raise CsrfError(
                f"send the session's CSRF token in {CSRF_HEADER} or the {CSRF_FIELD} field"
            )
    return principal_of(db, live.account)


def csrf_token_of(request: Request, db: SessionDep, now: ClockDep) -> str | None:
    """The session's CSRF token (None when the caller uses a bearer token)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or request.headers.get("authorization"):
        return None
    live = sessions.resume(db, cookie, now)
    return live.csrf_token if live is not None else None


StaffDep = Annotated[Principal, Depends(authenticated)]
