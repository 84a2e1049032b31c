"""GET /staff/web/queue: the open work in the account's scope, with simple filters and pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response

from api.dependencies import SessionDep
from api.staff.auth import ClockDep
from api.web.auth import ReaderDep
from api.web.render import page
from api.web.worklist import OPEN, open_work
from grievance.tickets.enums import Status

router = APIRouter(prefix="/staff/web", include_in_schema=False)
MAX_PAGE_NUMBER = 10_000


def _status(text: str) -> Status | None:
    """An unknown status in a hand-edited link shows all open work rather than an error."""
    return Status(text) if text in {s.value for s in Status} else None


def _page_number(text: str) -> int:
    if not text.isdigit() or len(text) > len(str(MAX_PAGE_NUMBER)):
        return 1
    return min(max(int(text), 1), MAX_PAGE_NUMBER)


@router.get("/queue")
def show_queue(
    who: ReaderDep,
    db: SessionDep,
    now: ClockDep,
    status: str = "",
    overdue: str = "",
    page_number: Annotated[str, Query(alias="page")] = "1",
) -> Response:
    wanted, late, number = _status(status), overdue == "1", _page_number(page_number)
    at = now()
    work = open_work(db, who.principal, wanted, True if late else None, at, number)
    filters = {"status": wanted.value if wanted else "", "overdue": "1" if late else ""}

    def link(to_page: int) -> str:
        kept = {k: v for k, v in filters.items() if v}
        return "?" + urlencode({**kept, "page": to_page})

    return page(
        "queue.html",
        who.language,
        viewer=who,
        work=work,
        now=at,
        filters=filters,
        statuses=[s.value for s in Status],
        open_statuses=OPEN,
        previous=link(number - 1) if number > 1 else None,
        next=link(number + 1) if work.more else None,
    )
