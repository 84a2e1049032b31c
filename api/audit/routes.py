"""GET /audit…: the public social-audit pages, no login, in the reader's language
(`api.audit.languages`). The files to take away are in `downloads.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.audit import downloads, gram_sabha, messages, report, units
from api.audit.languages import AcceptLanguage, LangQuery, language_of
from api.audit.period import (
    BadPeriodError,
    FromQuery,
    Period,
    ToQuery,
    choices,
    parse_period,
    today_in_india,
)
from api.audit.ranking import Sort, SortKey, sorted_rows
from api.audit.recent import Recent
from api.audit.render import HEADERS, page
from api.dependencies import ContextDep, SessionDep
from api.staff.auth import ClockDep
from grievance.social_audit.disclosure import UNPUBLISHED_CATEGORIES
from grievance.types import UnitType
from nlu.entities.numerals import fold_digits

router = APIRouter(prefix="/audit", include_in_schema=False)
MAX_QUERY = 100
SEARCH_RESULTS = 10
CODE_DIGITS = 6


def _pages(request: Request) -> Recent[bytes]:
    pages: Recent[bytes] = request.app.state.audit_pages
    return pages


PagesDep = Annotated[Recent[bytes], Depends(_pages)]
RANKED_SHOWN = 10  # per volume group; the sortable table above orders them all
KEPT_PAGES = 500  # about 10 MB of pages per process


def _keep(period: Period, lang: str, language: str) -> str:
    """The query to carry on links: the same period, and the language if chosen by ?lang."""
    query = dict(period.query)
    if lang:
        query["lang"] = language
    return "?" + urlencode(query) if query else ""


def _unit_page(
    kind: UnitType,
    lgd: str,
    db: SessionDep,
    now: ClockDep,
    lang: str,
    accept: str,
    period: str,
    start: str,
    end: str,
    sort: Sort,
    pages: Recent[bytes],
) -> Response:
    language = language_of(lang, accept)
    unit = units.find_by_text(db, kind, fold_digits(lgd.strip()))
    if unit is None:
        return page("error.html", language, 404, message=messages.NOT_FOUND, keep="")
    at = now()
    try:
        chosen = parse_period(period, start, end, at)
    except BadPeriodError:
        return page("error.html", language, 400, message=messages.BAD_PERIOD, keep="")
    # Kept until the statistics move or the day changes (days open count from today).
    query = tuple(sorted(chosen.query.items()))
    today, folded = today_in_india(at), downloads.watermark(db)
    key = (unit, chosen.first, chosen.last, query, sort, language, bool(lang), folded, today)
    found = pages.get(key)
    if found is None:
        found = bytes(_render_unit(db, unit, chosen, sort, language, lang, at).body)
        pages.put(key, found)
    return HTMLResponse(found, headers=HEADERS)


def _render_unit(
    db: Session,
    unit: units.Unit,
    chosen: Period,
    sort: Sort,
    language: str,
    lang: str,
    at: datetime,
) -> Response:
    children = units.children(db, unit)
    built = report.build(db, unit, children, chosen, at)
    keep = _keep(chosen, lang, language)
    language_query = {"lang": language} if lang else {}
    trail = units.ancestors(db, unit)
    return page(
        "unit.html",
        language,
        unit=unit,
        trail=trail,
        period=chosen,
        periods=[(p, "?" + urlencode({**p.query, **language_query})) for p in choices(at)],
        keep=keep,
        lang_keep={**chosen.query, **sort.current()},
        r=built,
        rows=sorted_rows(built.child_rows, sort),
        sort=sort,
        ranked_shown=RANKED_SHOWN,
        sort_links={
            key: "?" + urlencode({**chosen.query, **language_query, **sort.query(key)}) + "#places"
            for key in SortKey
        },
        pdf_links=_pdf_links(unit, trail, chosen, language) if unit.kind is UnitType.GP else [],
        illness_unpublished=bool(UNPUBLISHED_CATEGORIES),
    )


def _pdf_links(
    gp: units.Unit, trail: list[units.Unit], period: Period, reader: str
) -> list[tuple[str, str]]:
    """(language, URL) of the Gram Sabha report: in the panchayat's language, and in the
    reader's when that is another."""
    state = next((u.code for u in trail if u.kind is UnitType.STATE), None)
    languages = dict.fromkeys((gram_sabha.default_language(state), reader))
    base = f"{gp.url}/gram-sabha.pdf?"
    return [(code, base + urlencode({**period.query, "lang": code})) for code in languages]


def _route(kind: UnitType) -> None:
    def show(
        lgd: str,
        db: SessionDep,
        now: ClockDep,
        pages: PagesDep,
        lang: LangQuery = "",
        accept: AcceptLanguage = "",
        period: str = "",
        start: FromQuery = "",
        end: ToQuery = "",
        sort: str = "",
        order: str = "",
    ) -> Response:
        chosen = Sort.parse(sort[:20], order[:10])
        return _unit_page(kind, lgd, db, now, lang, accept, period, start, end, chosen, pages)

    show.__name__ = f"audit_{kind.value}"
    router.get(f"/{units.SLUGS[kind]}/{{lgd}}")(show)


for _kind in units.SLUGS:
    _route(_kind)


@router.get("")
def home(db: SessionDep, lang: LangQuery = "", accept: AcceptLanguage = "") -> Response:
    language = language_of(lang, accept)
    keep = "?" + urlencode({"lang": language}) if lang else ""
    return page("home.html", language, states=units.states(db), keep=keep, lang_keep={})


@router.get("/about")
def about(lang: LangQuery = "", accept: AcceptLanguage = "") -> Response:
    language = language_of(lang, accept)
    keep = "?" + urlencode({"lang": language}) if lang else ""
    return page("about.html", language, keep=keep, lang_keep={})


@router.get("/search")
def search(
    db: SessionDep,
    ctx: ContextDep,
    q: str = "",
    lang: LangQuery = "",
    accept: AcceptLanguage = "",
) -> Response:
    language = language_of(lang, accept)
    keep = "?" + urlencode({"lang": language}) if lang else ""
    text = q.strip()[:MAX_QUERY]
    digits = fold_digits(text)
    if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit():
        village = units.find(db, UnitType.VILLAGE, int(digits))
        if village is not None:
            return RedirectResponse(village.url + keep, status_code=303)
        matches = []
    else:
        matches = ctx.villages(db).search(text, limit=SEARCH_RESULTS) if text else []
    return page(
        "search.html",
        language,
        q=text,
        matches=matches,
        searched=bool(text),
        keep=keep,
        lang_keep={"q": text} if text else {},
    )


unknown = APIRouter(prefix="/audit", include_in_schema=False)


@unknown.get("/{rest:path}")
def not_found(rest: str, lang: LangQuery = "", accept: AcceptLanguage = "") -> Response:
    """Any other address under /audit: the reader's 404 page, not the API's JSON."""
    return page("error.html", language_of(lang, accept), 404, message=messages.NO_SUCH_PAGE)


def install(app: FastAPI) -> None:
    app.state.audit_pages = Recent[bytes](KEPT_PAGES)
    app.include_router(router)
    downloads.install(app)
    app.include_router(unknown)  # last: it answers whatever the others do not
