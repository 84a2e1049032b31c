"""Adds the web queue to the application, with its HTML answers for a missing session (the
login page) and a missing CSRF token (a 403 page)."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from api.web import incident, login, messages, queue
from api.web.auth import LOGIN_PATH, CsrfRejectedError, LoginRequiredError
from api.web.render import page


async def _login_required(_request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequiredError)
    return RedirectResponse(LOGIN_PATH + ("?expired=1" if error.expired else ""), status_code=303)


async def _csrf_rejected(_request: Request, error: Exception) -> Response:
    assert isinstance(error, CsrfRejectedError)
    return page("error.html", error.language, 403, viewer=None, message=messages.FORM_EXPIRED)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(CsrfRejectedError, _csrf_rejected)
    app.include_router(login.router)
    app.include_router(queue.router)
    app.include_router(incident.router)
