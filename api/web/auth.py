"""Who is asking, for HTML pages: the staff API's authentication and CSRF check, with their failures
turned into a login page (no or ended session) or a 403 page (missing or wrong CSRF token)
instead of the JSON API's answers.

The login form itself has no session yet: its token is in `api.web.login_token`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request

from api.dependencies import SessionDep
from api.staff import auth
from api.staff.auth import ClockDep
from grievance.staff import sessions
from grievance.staff.errors import CsrfError, NotAuthenticatedError
from grievance.staff.principal import Principal

LOGIN_PATH = "/staff/web/login"


class LoginRequiredError(Exception):
    """No live session: the browser goes to the login page (saying so if one has ended)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("log in first")
        self.expired = expired


class CsrfRejectedError(Exception):
    """A form without its session's CSRF token: refused, nothing changed."""

    def __init__(self, language: str) -> None:
        super().__init__("CSRF token missing or wrong")
        self.language = language


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    csrf_token: str

    @property
    def language(self) -> str:
        return self.principal.language


def _check(request: Request, db: SessionDep, now: ClockDep, form_token: str | None) -> Viewer:
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    try:
        principal = auth.authenticated(request, db, now, form_token)
    except CsrfError:
        live = sessions.resume(db, cookie, now) if cookie else None
        raise CsrfRejectedError(live.account.language if live else "en") from None
    except NotAuthenticatedError:
        raise LoginRequiredError(expired=bool(cookie)) from None
    token = auth.csrf_token_of(request, db, now)
    if token is None:  # a bearer token, not a browser session
        raise LoginRequiredError(expired=False)
    return Viewer(principal, token)


def reader(request: Request, db: SessionDep, now: ClockDep) -> Viewer:
    """For GET pages."""
    return _check(request, db, now, None)


def writer(
    request: Request,
    db: SessionDep,
    now: ClockDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Viewer:
    """For form posts: the session's CSRF token must come in the `csrf_token` field."""
    return _check(request, db, now, csrf_token or None)


ReaderDep = Annotated[Viewer, Depends(reader)]
WriterDep = Annotated[Viewer, Depends(writer)]
