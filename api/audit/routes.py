"""GET /audit…: the public social-audit pages, no login. The reader's language comes from
`?lang=`, then Accept-Language; English when neither names a catalog we have."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Header, Query, Response
from fastapi.responses import RedirectResponse

from api.audit import messages, report, units
from api.audit.period import BadPeriodError, Period, parse_period
from api.audit.render import page
from api.dependencies import ContextDep, SessionDep
from api.staff.auth import ClockDep
from grievance import i18n
from grievance.types import UnitType
from nlu.entities.numerals import fold_digits

router = APIRouter(prefix="/audit", include_in_schema=False)
MAX_QUERY = 100
SEARCH_RESULTS = 10
CODE_DIGITS = 6
MAX_CODE_DIGITS = 10


def language_of(lang: str, accept: str) -> str:
    """`?lang=` if it names a catalog, else the first language of Accept-Language that does."""
    available = i18n.available_locales()
    if lang:
        found = i18n.locale_for(lang[:20])
        if found in available and (found != "en" or lang.lower().startswith("en")):
            return found
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept[:500].split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*":
            weighted.append((-quality, position, tag))
    for _, _, tag in sorted(weighted):
        found = i18n.locale_for(tag)
        if found != "en" or tag.lower().startswith("en"):
            return found
    return i18n.SOURCE_LOCALE


LangQuery = Annotated[str, Query(alias="lang")]
AcceptLanguage = Annotated[str, Header(alias="accept-language")]


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
) -> Response:
    language = language_of(lang, accept)
    digits = fold_digits(lgd.strip())
    unit = (
        units.find(db, kind, int(digits))
        if digits.isascii() and digits.isdigit() and len(digits) <= MAX_CODE_DIGITS
        else None
    )
    if unit is None:
        return page("error.html", language, 404, message=messages.NOT_FOUND, keep="")
    at = now()
    try:
        chosen = parse_period(period, start, end, at)
    except BadPeriodError:
        return page("error.html", language, 400, message=messages.BAD_PERIOD, keep="")
    children = units.children(db, unit)
    return page(
        "unit.html",
        language,
        unit=unit,
        trail=units.ancestors(db, unit),
        children=children,
        period=chosen,
        keep=_keep(chosen, lang, language),
        lang_keep=chosen.query,
        r=report.build(db, unit, children, chosen, at),
    )


def _route(kind: UnitType) -> None:
    def show(
        lgd: str,
        db: SessionDep,
        now: ClockDep,
        lang: LangQuery = "",
        accept: AcceptLanguage = "",
        period: str = "",
        start: Annotated[str, Query(alias="from")] = "",
        end: Annotated[str, Query(alias="to")] = "",
    ) -> Response:
        return _unit_page(kind, lgd, db, now, lang, accept, period, start, end)

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


def install(app: FastAPI) -> None:
    app.include_router(router)
