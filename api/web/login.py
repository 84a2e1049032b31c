"""GET/POST /staff/web/login and POST /staff/web/logout: forms over the staff API's login and
logout, so the session cookie, throttling and the one answer for every failure are theirs."""

from __future__ import annotations

from typing import Annotated

from babel import negotiate_locale
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from api.dependencies import ContextDep, SessionDep
from api.staff import login as staff_login
from api.staff.auth import ClockDep
from api.web import login_token, messages
from api.web.auth import LOGIN_PATH, WriterDep
from api.web.login_token import LOGIN_COOKIE
from api.web.render import page
from grievance import i18n
from grievance.staff.errors import LoginFailedError, LoginThrottledError

router = APIRouter(prefix="/staff/web", include_in_schema=False)
QUEUE_PATH = "/staff/web/queue"
MAX_FIELD = 1024


def browser_language(request: Request) -> str:
    """Before login, the language the browser asks for, if we have its catalog."""
    wanted = [
        part.split(";")[0].strip().replace("-", "_")
        for part in request.headers.get("accept-language", "").split(",")
    ]
    found = negotiate_locale([w for w in wanted if w], list(i18n.available_locales()), sep="_")
    return found or i18n.SOURCE_LOCALE


def _login_page(
    request: Request, ctx: ContextDep, error: str | None, status_code: int = 200
) -> Response:
    cookie = login_token.cookie_value(request)
    token = login_token.form_token(ctx.login_form_key, cookie)
    response = page(
        "login.html", browser_language(request), status_code, error=error, csrf_token=token
    )
    response.set_cookie(
        LOGIN_COOKIE,
        cookie,
        path=LOGIN_PATH,
        httponly=True,
        secure=staff_login.secure_cookies(ctx),
        samesite="strict",
    )
    return response


@router.get("/login")
def login_form(request: Request, ctx: ContextDep, expired: bool = False) -> Response:
    return _login_page(request, ctx, messages.SESSION_ENDED if expired else None)


@router.post("/login")
def login(
    request: Request,
    ctx: ContextDep,
    now: ClockDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if not login_token.token_ok(request, ctx.login_form_key, csrf_token):
        return _login_page(request, ctx, messages.FORM_EXPIRED, 403)
    if len(username) > MAX_FIELD or len(password) > MAX_FIELD:
        return _login_page(request, ctx, messages.LOGIN_FAILED, 401)
    answer = Response()
    try:
        staff_login.login(request, answer, ctx, now, username, password)
    except LoginFailedError:
        return _login_page(request, ctx, messages.LOGIN_FAILED, 401)
    except LoginThrottledError:
        return _login_page(request, ctx, messages.LOGIN_THROTTLED, 429)
    logged_in = _redirect_with_cookies(QUEUE_PATH, answer)
    # Its job is done; the next login page starts from a fresh value.
    logged_in.delete_cookie(
        LOGIN_COOKIE, path=LOGIN_PATH, secure=staff_login.secure_cookies(ctx), httponly=True
    )
    return logged_in


@router.post("/logout")
def logout(
    request: Request, ctx: ContextDep, db: SessionDep, now: ClockDep, who: WriterDep
) -> Response:
    ended = staff_login.logout(request, ctx, db, now, who.principal)
    return _redirect_with_cookies(LOGIN_PATH, ended)


def _redirect_with_cookies(to: str, answer: Response) -> Response:
    """A redirect carrying the cookies the staff API's endpoint set (or deleted) on `answer`."""
    redirect = RedirectResponse(to, status_code=303)
    redirect.raw_headers.extend(h for h in answer.raw_headers if h[0] == b"set-cookie")
    return redirect
