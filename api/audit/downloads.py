"""GET /audit/open-data/… and /audit/gram-panchayats/{lgd}/gram-sabha.pdf: the files a social
auditor takes away, made on request from the same figures as the pages.

Both cost far more than a page (a quarter's incident list, a PDF laid out by WeasyPrint), so
they are made one at a time (a request that waits too long gets a "busy" page rather than
piling up) and kept while the figures they come from have not moved (`Kept`, keyed by the
statistics watermark and the day).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import gram_sabha, messages, units
from api.audit.languages import AcceptLanguage, LangQuery, language_of
from api.audit.period import (
    BadPeriodError,
    FromQuery,
    Period,
    ToQuery,
    parse_period,
    quarter_of,
    today_in_india,
)
from api.audit.recent import Recent
from api.audit.render import HEADERS, page
from api.dependencies import SessionDep
from api.staff.auth import ClockDep
from grievance.social_audit import open_data
from grievance.social_audit.models import StatsWatermark
from grievance.types import UnitType
from nlu.entities.numerals import fold_digits

router = APIRouter(prefix="/audit", include_in_schema=False)
WAIT_SECONDS = 20.0
KEPT = 16  # files kept: a few quarters' packages and a few reports
MAX_QUARTERS = 12  # three years of quarters on the page
MEDIA_TYPES = {
    open_data.INCIDENTS_FILE: "text/csv; charset=utf-8",
    open_data.VILLAGE_DAILY_FILE: "text/csv; charset=utf-8",
    open_data.DESCRIPTOR_FILE: "application/json",
}
PDF = "application/pdf"


class BusyError(RuntimeError):
    """Another file is being made and this one waited long enough."""


class Kept:
    """Files made on request, kept per application (so per database), made one at a time."""

    def __init__(self) -> None:
        self._one_at_a_time = threading.Semaphore(1)
        self._made: Recent[dict[str, bytes]] = Recent(KEPT)

    def get(
        self, key: tuple[object, ...], make: Callable[[], dict[str, bytes]]
    ) -> dict[str, bytes]:
        """The files made for `key` before, or made now; BusyError after WAIT_SECONDS."""
        found = self._made.get(key)
        if found is not None:
            return found
        if not self._one_at_a_time.acquire(timeout=WAIT_SECONDS):
            raise BusyError
        try:
            found = self._made.get(key)  # made while this request waited
            if found is None:
                found = make()
                self._made.put(key, found)
            return found
        finally:
            self._one_at_a_time.release()


def _kept(request: Request) -> Kept:
    kept: Kept = request.app.state.audit_files
    return kept


KeptDep = Annotated[Kept, Depends(_kept)]


def watermark(session: Session) -> int:
    """How far the statistics have been folded: what is made from them is kept until it moves."""
    return int(session.scalar(select(StatsWatermark.seq)) or 0)


def _busy(language: str) -> Response:
    response = page("error.html", language, 503, message=messages.BUSY)
    response.headers["Retry-After"] = "30"
    return response


def _quarters(first: date | None, now: datetime) -> list[Period]:
    """The calendar quarters from the first day with figures to today, newest first."""
    if first is None:
        return []
    found: list[Period] = []
    year, quarter = quarter_of(today_in_india(now))
    while len(found) < MAX_QUARTERS and (year, quarter) >= quarter_of(first):
        found.append(parse_period(f"{year}-Q{quarter}", "", "", now))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found


@router.get("/open-data/")
def open_data_page(
    db: SessionDep, now: ClockDep, lang: LangQuery = "", accept: AcceptLanguage = ""
) -> Response:
    language = language_of(lang, accept)
    keep = "?" + urlencode({"lang": language}) if lang else ""
    quarters = _quarters(open_data.first_figures_day(db), now())
    return page(
        "open_data.html",
        language,
        quarters=quarters,
        files=list(MEDIA_TYPES),
        keep=keep,
    )


@router.get("/open-data/{quarter}/{name}")
def open_data_file(
    quarter: str,
    name: str,
    db: SessionDep,
    kept: KeptDep,
    now: ClockDep,
    lang: LangQuery = "",
    accept: AcceptLanguage = "",
) -> Response:
    language = language_of(lang, accept)
    at = now()
    try:
        period = parse_period(quarter[:10], "", "", at)
    except BadPeriodError:
        period = None
    if period is None or "-Q" not in quarter or name not in MEDIA_TYPES:
        return page("error.html", language, 404, message=messages.NO_SUCH_FILE)
    key = ("open-data", quarter, watermark(db), today_in_india(at))
    try:
        files = kept.get(key, lambda: open_data.package(db, period.first, period.last, at).files)
    except BusyError:
        return _busy(language)
    headers = {**HEADERS, "Content-Disposition": f'inline; filename="{quarter}-{name}"'}
    return Response(files[name], media_type=MEDIA_TYPES[name], headers=headers)


@router.get("/gram-panchayats/{lgd}/gram-sabha.pdf")
def gram_sabha_pdf(
    lgd: str,
    db: SessionDep,
    kept: KeptDep,
    now: ClockDep,
    lang: LangQuery = "",
    accept: AcceptLanguage = "",
    period: str = "",
    start: FromQuery = "",
    end: ToQuery = "",
) -> Response:
    reader = language_of(lang, accept)
    digits = fold_digits(lgd.strip())
    gp = units.find_by_text(db, UnitType.GP, digits)
    if gp is None:
        return page("error.html", reader, 404, message=messages.NOT_FOUND)
    at = now()
    try:
        chosen = parse_period(period, start, end, at)
    except BadPeriodError:
        return page("error.html", reader, 400, message=messages.BAD_PERIOD)
    try:
        report = gram_sabha.build(db, gp.code, chosen.first, chosen.last, at)
    except gram_sabha.ReportError:
        return page("error.html", reader, 400, message=messages.BAD_PERIOD)
    language = reader if lang else gram_sabha.default_language(report.state_code)
    key = (
        "gram-sabha",
        gp.code,
        chosen.first,
        chosen.last,
        language,
        watermark(db),
        today_in_india(at),
    )
    try:
        files = kept.get(key, lambda: {PDF: gram_sabha.render_pdf(report, language)})
    except BusyError:
        return _busy(reader)
    filename = f"gram-sabha-{gp.code}-{chosen.first}-{chosen.last}-{language}.pdf"
    headers = {**HEADERS, "Content-Disposition": f'inline; filename="{filename}"'}
    return Response(files[PDF], media_type=PDF, headers=headers)


def install(app: FastAPI) -> None:
    app.state.audit_files = Kept()
    app.include_router(router)
