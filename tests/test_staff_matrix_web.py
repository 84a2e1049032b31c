"""The staff matrix, web half: every role × every web page and form × an incident inside /
outside its jurisdiction, logged in with a session cookie and posting the CSRF token.

Outside answers the very page a nonexistent id gets (404) and changes nothing; inside, the
roles the workflow allows are redirected (303) and the others get the 403 page with nothing
changed; no page shows a phone number, and an auditor's never show what people wrote.

Last, a guard: every `/staff` route of the real app is walked by this matrix or the JSON one
(tests/test_staff_matrix.py), or is listed below as about no incident and no village."""

from __future__ import annotations

import re

import httpx2
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.web import messages
from grievance.db import unit_of_work
from jalsamvad.assembly import Assembly
from tests.builders import Place
from tests.conftest import Desk
from tests.staff_builders import Staffer
from tests.staff_client import client, event_count, log_in, staff
from tests.test_staff_matrix import (
    ENDPOINTS,
    MISSING,
    PHONE,
    ROLES,
    SECRET_WORDS,
    Endpoint,
    add_foreign_village,
    body_for,
    home_village,
    outside_villages,
)
from tests.test_staff_matrix import ROUTES as JSON_ROUTES
from tests.test_web_queue import QUEUE, error_text

__all__ = ["client", "staff"]  # fixtures

PAGE = "/staff/web/incidents/{incident_id}"
NOTE_WORDS = "neighbour Govind keeps the valve key"  # a staff note: in the history, personal
ALL = {"all": "1"}  # the incident page with every report and history entry
_LINK = re.compile(r'href="/staff/web/incidents/(\d+)"')

# The web has the page (GET) and these forms. Each is done by the same roles, on an incident of
# the same category, as its JSON endpoint.
FORMS = {"acknowledge", "start", "resolve", "reject", "assign", "notes"}
WEB_ENDPOINTS = [e for e in ENDPOINTS if e.name == "detail" or e.name in FORMS]
DETAIL = next(e for e in WEB_ENDPOINTS if e.name == "detail")


def web_route(endpoint: Endpoint) -> tuple[str, str]:
    """(method, path) as the app declares it."""
    return ("GET", PAGE) if endpoint.name == "detail" else ("POST", f"{PAGE}/{endpoint.name}")


WEB_ROUTES = {("GET", "/staff/web/queue")} | {web_route(e) for e in WEB_ENDPOINTS}

# Staff routes about no incident and no village: nothing in them depends on a jurisdiction.
# A new route goes into one of the matrices, or here with the reason it needs none.
NOT_SCOPED = {
    ("POST", "/staff/login"),  # logging in: no account yet
    ("POST", "/staff/logout"),  # ends the caller's own session
    ("GET", "/staff/v1/me"),  # the caller's own account and the units it serves
    ("GET", "/staff/web/login"),  # the login form
    ("POST", "/staff/web/login"),  # logging in: no account yet
    ("POST", "/staff/web/logout"),  # ends the caller's own session
}


def form_for(endpoint: Endpoint, role: str, place: Place, csrf: str) -> dict[str, str]:
    """The JSON matrix's body, as the web form posts it (no photo: the form has none)."""
    body = body_for(endpoint.name, role, place)
    if endpoint.name == "assign":
        body = {"assignee": f"vwsc:{body['vwsc_id']}"}
    return {"csrf_token": csrf, **{k: str(v) for k, v in body.items() if k != "photo_url"}}


def visit(
    client: TestClient, endpoint: Endpoint, incident_id: int, form: dict[str, str]
) -> httpx2.Response:
    method, path = web_route(endpoint)
    url = path.format(incident_id=incident_id)
    if method == "GET":
        return client.get(url)
    return client.post(url, data=form, follow_redirects=False)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_and_web_page_inside_and_outside(
    role: str,
    client: TestClient,
    staff: dict[str, Staffer],
    desk: Desk,
    place: Place,
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as session:
        add_foreign_village(session)
    elsewhere = outside_villages(role, place)
    inside = {
        e.name: desk.file(
            home_village(role, place), e.category, PHONE, description=SECRET_WORDS
        ).incident.id
        for e in WEB_ENDPOINTS
    }
    outside = {
        (village, e): desk.file(village, e.category, PHONE, description=SECRET_WORDS).incident.id
        for village in elsewhere
        for e in WEB_ENDPOINTS
    }
    desk.note(inside["detail"], NOTE_WORDS)
    csrf = log_in(client, role)

    def state(incident_id: int) -> tuple[int, int]:
        return desk.incident(incident_id).version, event_count(sessions)

    # The queue lists the inside incidents (all open, one page), and none of the outside ones.
    queue = client.get(QUEUE)
    assert queue.status_code == 200, queue.text
    assert {int(n) for n in _LINK.findall(queue.text)} == set(inside.values()), role
    assert 'rel="next"' not in queue.text
    pages = [queue]

    for (village, endpoint), incident_id in outside.items():
        before = state(incident_id)
        form = form_for(endpoint, role, place, csrf)
        response = visit(client, endpoint, incident_id, form)
        missing = visit(client, endpoint, MISSING, form)
        assert response.status_code == 404, (role, village, endpoint.name, response.text)
        assert response.text == missing.text
        assert error_text(response.text) == messages.NOT_FOUND
        assert state(incident_id) == before
        pages.append(response)

    # Nor does the page's full history (`?all=1`) of an incident outside.
    for village in elsewhere:
        everything = client.get(PAGE.format(incident_id=outside[village, DETAIL]), params=ALL)
        assert everything.status_code == 404, (role, village, everything.text)
        assert everything.text == client.get(PAGE.format(incident_id=MISSING), params=ALL).text

    for endpoint in WEB_ENDPOINTS:
        incident_id = inside[endpoint.name]
        before = state(incident_id)
        response = visit(client, endpoint, incident_id, form_for(endpoint, role, place, csrf))
        pages.append(response)
        if endpoint.name == "detail":
            assert response.status_code == 200, (role, response.text)
        elif role in endpoint.allowed:
            assert response.status_code == 303, (role, endpoint.name, response.text)
            assert response.headers["location"] in {QUEUE, PAGE.format(incident_id=incident_id)}
            assert state(incident_id)[1] > before[1]  # it was done, with its audit event
        else:
            assert response.status_code == 403, (role, endpoint.name, response.text)
            assert error_text(response.text) == messages.NOT_ALLOWED
            assert state(incident_id) == before

    # No page has a phone number or the household's words; an auditor's have no notes either.
    for page in pages:
        assert PHONE[3:] not in page.text and SECRET_WORDS not in page.text, page.url
        assert role != "auditor" or NOTE_WORDS not in page.text, page.url
    for params in ({}, ALL):
        noted = client.get(PAGE.format(incident_id=inside["detail"]), params=params).text
        assert (NOTE_WORDS in noted) == (role != "auditor")  # others do read the note there


def test_every_staff_route_is_in_the_matrix_or_about_no_jurisdiction(assembly: Assembly) -> None:
    """A staff route added without a place in a matrix (or in NOT_SCOPED) fails here."""
    app = assembly.app()
    declared = {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if route.path is not None and route.path.startswith("/staff")
        # HEAD is GET's; a route with no methods (a mounted app) must be listed as "*".
        for method in (route.methods or {"*"}) - {"HEAD"}
    }
    walked = JSON_ROUTES | WEB_ROUTES
    assert not walked & NOT_SCOPED
    assert declared - walked - NOT_SCOPED == set(), "a staff route the matrix does not walk"
    assert (walked | NOT_SCOPED) - declared == set(), "a route the app no longer has"
