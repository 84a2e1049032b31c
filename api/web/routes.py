"""Adds the web queue to the application, with its HTML answers for a missing session (the
login page), a missing CSRF token and a form posted from another site (403 pages)."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from api.web import incident, login, messages, queue
from api.web.auth import LOGIN_PATH, CsrfRejectedError, LoginRequiredError
from api.web.origin import CrossSiteError, same_origin
from api.web.render import page


async def _login_required(_request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequiredError)
    return RedirectResponse(LOGIN_PATH + ("?expired=1" if error.expired else ""), status_code=303)


async def _csrf_rejected(_request: Request, error: Exception) -> Response:
    assert isinstance(error, CsrfRejectedError)
    return page("error.html", error.language, 403, viewer=None, message=messages.FORM_EXPIRED)


async def _cross_site(_request: Request, error: Exception) -> Response:
    assert isinstance(error, CrossSiteError)
    return page("error.html", error.language, 403, viewer=None, message=messages.CROSS_SITE)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(CsrfRejectedError, _csrf_rejected)
    app.add_exception_handler(CrossSiteError, _cross_site)
    # Checked before anything else on every route, so no web form can skip it.
    checked = [Depends(same_origin)]
    app.include_router(login.router, dependencies=checked)
    app.include_router(queue.router, dependencies=checked)
    app.include_router(incident.router, dependencies=checked)
