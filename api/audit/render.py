"""The social-audit pages from Jinja templates in the reader's language (autoescaped: names
from the directory cannot become markup)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from typing import Any

from babel.dates import format_date
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from api.audit import charts, messages
from api.audit.units import Unit
from api.web import messages as web_messages
from api.web.render import Words as WebWords
from grievance import i18n
from grievance.quality.limits import Limits, load_limits
from grievance.social_audit.disclosure import Kind, Percentage, ProtectedTable, Shown
from grievance.types import UnitType

# Public figures change at most with each worker pass: a short shared cache is fine.
HEADERS = {"Cache-Control": "public, max-age=300", "X-Frame-Options": "DENY"}
UNIT_NAMES = {
    UnitType.STATE: messages.STATE,
    UnitType.DISTRICT: messages.DISTRICT,
    UnitType.BLOCK: messages.BLOCK,
    UnitType.GP: messages.GRAM_PANCHAYAT,
    UnitType.VILLAGE: messages.VILLAGE,
}
BANDS = {
    "under_1_week": messages.UNDER_1_WEEK,
    "1_to_4_weeks": messages.WEEKS_1_TO_4,
    "4_to_8_weeks": messages.WEEKS_4_TO_8,
    "over_8_weeks": messages.OVER_8_WEEKS,
}
MARKS = {Kind.FEWER_THAN_5: "<5", Kind.PROTECTING: "*"}
MARK_MEANINGS = {Kind.FEWER_THAN_5: messages.FEWER_THAN_5, Kind.PROTECTING: messages.PROTECTING}
COLUMNS = {
    "complaints": messages.COMPLAINTS,
    "opened": messages.OPENED,
    "resolved": messages.RESOLVED,
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("api.audit", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _limits() -> Limits:
    return load_limits()


def parameter_name(key: str) -> str:
    """A water-test parameter as IS 10500 names it ("E. coli", "pH"), the key if unknown."""
    limit = _limits().parameters.get(key)
    return limit.name if limit is not None else key


def figure_text(figure: Shown | None, t: Callable[..., str]) -> str:
    """A published figure in words, through `t`: its count, or why it is not shown. The pages
    and the Gram Sabha report both say it so."""
    if figure is None or figure.kind is Kind.WITHHELD:
        return t(messages.WITHHELD)
    if figure.count is not None:
        return str(figure.count)
    if figure.kind is Kind.FEWER_THAN_5:
        return t(messages.FEWER_THAN_5)
    return t(messages.PROTECTING)


class Words(WebWords):
    """What an audit page may say, in one language."""

    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.a = messages
        self.web = web_messages
        self.bands = BANDS
        self.columns = COLUMNS

    def shown(self, figure: Shown | None) -> str:
        return figure_text(figure, self.t)

    def mark(self, figure: Shown | None) -> str:
        """A figure in a wide table, where words would not fit a phone: its count, or a mark
        that `legend` explains under the table."""
        if figure is None or figure.kind is Kind.WITHHELD:
            return self.t(messages.WITHHELD)
        if figure.count is not None:
            return str(figure.count)
        return MARKS[figure.kind]

    def legend(self) -> str:
        return " · ".join(f"{MARKS[kind]} = {self.t(MARK_MEANINGS[kind])}" for kind in MARKS)

    def share(self, value: Percentage | None) -> str:
        if value is None:
            return self.t(messages.NOT_ENOUGH)
        return self.t(messages.ON_TIME_SHARE, percent=value.whole)

    def percent(self, value: Percentage | None) -> str:
        """A share in a table cell: "–" where it cannot be given (the page says why)."""
        return "–" if value is None else self.t(messages.PERCENT, percent=value.whole)

    def names(self, places: Iterable[Unit]) -> str:
        return ", ".join(self.unit_name(unit) for unit in places)

    def parameter(self, key: str) -> str:
        return parameter_name(key)

    def band(self, name: str) -> str:
        return self.t(BANDS[name])

    def unit_kind(self, kind: UnitType) -> str:
        return self.t(UNIT_NAMES[kind])

    def unit_name(self, unit: Unit) -> str:
        """The name in the page's script when the directory has it and the page is not English."""
        if unit.name_local and i18n.locale_for(self.language) != "en":
            return f"{unit.name_local} ({unit.name})"
        return unit.name

    def day(self, value: date) -> str:
        return format_date(value, "d MMM y", locale=i18n.locale_for(self.language))

    def month(self, value: date) -> str:
        return format_date(value, "MMM y", locale=i18n.locale_for(self.language))

    def quarter(self, start: date) -> str:
        """A calendar quarter by its months, e.g. "Jul 2026 to Sep 2026"."""
        last = date(start.year, (start.month - 1) // 3 * 3 + 3, 1)
        return self.t(messages.RANGE, first=self.month(start), last=self.month(last))

    def chart(self, title: str, table: ProtectedTable[Any, str], label: Any, column: str) -> Markup:
        rows = [
            charts.Bar(label(row), table.cell(row, column), self.shown(table.cell(row, column)))
            for row in table.rows
        ]
        return charts.bars(self.t(title), rows)


def page(template: str, language: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    words = Words(language)
    context.setdefault("lang_keep", {})
    context.setdefault("keep", "")
    html = (
        _environment()
        .get_template(template)
        .render(w=words, languages=i18n.available_locales(), endonyms=i18n.ENDONYMS, **context)
    )
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)
