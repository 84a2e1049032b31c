"""The Gram Sabha report: one gram panchayat's drinking-water figures for a period, as an A4
PDF in the panchayat's language, for the village assembly's social audit.

Every count goes through the disclosure rules (`grievance.social_audit.disclosure`): the
figures are built here as `Shown` values and the template only words them. Incidents are named
by their number, village, problem and the level (never the person) that must act; nothing about
any household. The HTML comes from a Jinja template with autoescape (names from the directory
cannot become markup); WeasyPrint lays it out with Pango and HarfBuzz, so every Indian script is
shaped (conjuncts, vowel signs) with the Noto fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import messages as audit_messages
from api.audit import report_messages as m
from api.audit import units
from api.audit.render import figure_text, parameter_name
from api.audit.report import water_parameters
from api.audit.units import Unit
from grievance import i18n, labels
from grievance.social_audit import rollup
from grievance.social_audit.disclosure import UNPUBLISHED_CATEGORIES as UNPUBLISHED
from grievance.social_audit.disclosure import (
    Percentage,
    ProtectedTable,
    Shown,
    percentage,
    protect_table,
    shown_count,
)
from grievance.social_audit.fold import IST
from grievance.social_audit.models import IncidentFacts
from grievance.types import UnitType

MEASURES = (
    "complaints",
    "opened",
    "resolved",
    "resolved_on_time",
    "closed_confirmed",
    "closed_unconfirmed",
    "reopened",
    "rejected",
)
MEASURE_NAMES = {
    "complaints": m.COMPLAINTS,
    "opened": m.OPENED,
    "resolved": m.RESOLVED,
    "resolved_on_time": m.ON_TIME,
    "closed_confirmed": m.CONFIRMED,
    "closed_unconfirmed": m.UNCONFIRMED,
    "reopened": m.REOPENED,
    "rejected": m.REJECTED,
}
BANDS = {
    "under_1_week": m.UNDER_1_WEEK,
    "1_to_4_weeks": m.WEEKS_1_TO_4,
    "4_to_8_weeks": m.WEEKS_4_TO_8,
    "over_8_weeks": m.OVER_8_WEEKS,
}
BAR_WIDTH = 120  # px, the longest bar of a chart
MAX_AGENDA = 60  # the assembly cannot take up more in one sitting; the rest are counted

# The language a state's panchayats work in (LGD state code → catalog locale), for a report
# asked for without --lang. States whose language has no catalog yet read Hindi or English.
STATE_LANGUAGES: dict[int, str] = {
    2: "hi",  # Himachal Pradesh
    3: "pa",  # Punjab
    4: "pa",  # Chandigarh
    5: "hi",  # Uttarakhand
    6: "hi",  # Haryana
    7: "hi",  # Delhi
    8: "hi",  # Rajasthan
    9: "hi",  # Uttar Pradesh
    10: "hi",  # Bihar
    16: "bn",  # Tripura
    18: "as",  # Assam
    19: "bn",  # West Bengal
    20: "hi",  # Jharkhand
    21: "or",  # Odisha
    22: "hi",  # Chhattisgarh
    23: "hi",  # Madhya Pradesh
    24: "gu",  # Gujarat
    27: "mr",  # Maharashtra
    28: "te",  # Andhra Pradesh
    29: "kn",  # Karnataka
    30: "mr",  # Goa (Konkani has no catalog; Marathi is also official)
    32: "ml",  # Kerala
    33: "ta",  # Tamil Nadu
    34: "ta",  # Puducherry
    36: "te",  # Telangana
    38: "gu",  # Dadra and Nagar Haveli and Daman and Diu
}
FALLBACK_LANGUAGE = "en"


class ReportError(ValueError):
    """The report cannot be made as asked (said to the user in one line)."""


@dataclass(frozen=True)
class AgendaLine:
    number: int
    village: Unit
    category: str
    days_open: int
    level: str
    overdue: bool


@dataclass(frozen=True)
class GramSabhaReport:
    gp: Unit
    state_code: int | None
    first: date
    last: date
    generated_at: datetime
    villages: list[Unit]
    summary: ProtectedTable[Unit, str]  # villages × measures; the GP is the column totals
    on_time_share: dict[Unit | None, Percentage | None]  # None: the whole GP
    backlog_day: date
    backlog: ProtectedTable[Unit, str]  # villages × age bands, with totals
    agenda: list[AgendaLine]
    agenda_more: int
    water: dict[str, Shown]
    by_parameter: ProtectedTable[str, str] | None


def default_language(state_code: int | None) -> str:
    return STATE_LANGUAGES.get(state_code or 0, FALLBACK_LANGUAGE)


def check_language(language: str) -> str:
    """The catalog locale for a language the user named; ReportError when there is none."""
    locale = i18n.locale_for(language)
    if locale == i18n.SOURCE_LOCALE and language.replace("-", "_").split("_")[0] != "en":
        known = ", ".join(i18n.available_locales())
        raise ReportError(f"no catalog for language {language!r} (known: {known})")
    return locale


def build(
    session: Session, gp_code: int, first: date, last: date, now: datetime
) -> GramSabhaReport:
    """The report's figures. `last` is cut to today (India); ReportError for bad input."""
    if last < first:
        raise ReportError(f"the period ends ({last}) before it starts ({first})")
    today = now.astimezone(IST).date()
    if first > today:
        raise ReportError(f"the period starts ({first}) after today ({today})")
    last = min(last, today)
    gp = units.find(session, UnitType.GP, gp_code)
    if gp is None:
        raise ReportError(f"no gram panchayat with LGD code {gp_code}")
    villages = units.children(session, gp)
    state = next((u.code for u in units.ancestors(session, gp) if u.kind is UnitType.STATE), None)

    # Illness from water is in no public figure yet (see UNPUBLISHED_CATEGORIES).
    counts: dict[tuple[Unit, str], int] = {}
    of_villages = rollup.daily_of_units(
        session, UnitType.VILLAGE, [v.code for v in villages], first, last, UNPUBLISHED
    )
    for village in villages:
        daily = of_villages[village.code]
        for measure in MEASURES:
            counts[(village, measure)] = daily[measure]
    summary = protect_table(counts or {(gp, k): 0 for k in MEASURES}, row_totals=False)
    shares: dict[Unit | None, Percentage | None] = {
        None: percentage(summary.col_totals["resolved_on_time"], summary.col_totals["resolved"])
    }
    for village in villages:
        shares[village] = percentage(
            summary.cell(village, "resolved_on_time"), summary.cell(village, "resolved")
        )

    backlog_counts = {
        (village, band): n
        for village in villages
        for band, n in rollup.backlog(
            session, UnitType.VILLAGE, village.code, last, exclude=UNPUBLISHED
        ).items()
    }
    backlog = protect_table(backlog_counts or {(gp, band): 0 for band in BANDS})

    agenda, more = _agenda(session, villages, now)
    water = rollup.figures(session, UnitType.GP, gp.code, first, last)
    by_parameter = water_parameters(water.unsafe_by_parameter)
    return GramSabhaReport(
        gp=gp,
        state_code=state,
        first=first,
        last=last,
        generated_at=now,
        villages=villages,
        summary=summary,
        on_time_share=shares,
        backlog_day=last,
        backlog=backlog,
        agenda=agenda,
        agenda_more=more,
        water={name: shown_count(water.water[name]) for name in ("tests", "unsafe")},
        by_parameter=by_parameter,
    )


def _agenda(session: Session, villages: list[Unit], now: datetime) -> tuple[list[AgendaLine], int]:
    """Incidents still open now in the GP's villages, overdue and oldest first."""
    by_code = {village.code: village for village in villages}
    if not by_code:
        return [], 0
    rows = session.scalars(
        select(IncidentFacts).where(
            IncidentFacts.village_code.in_(by_code),
            IncidentFacts.finished_at.is_(None),
            IncidentFacts.opened_at <= now,
            IncidentFacts.category.not_in(UNPUBLISHED),
        )
    )
    lines = []
    for facts in rows:
        village = by_code[facts.village_code]
        lines.append(
            AgendaLine(
                number=facts.incident_id,
                village=village,
                category=facts.category,
                days_open=max(0, (now - facts.opened_at).days),
                level=facts.level,
                overdue=facts.due_at is not None and facts.due_at < now,
            )
        )
    lines.sort(key=lambda line: (not line.overdue, -line.days_open, line.number))
    return lines[:MAX_AGENDA], max(0, len(lines) - MAX_AGENDA)


# --- rendering ----------------------------------------------------------------------------


class Words:
    """What the report may say, in one language."""

    def __init__(self, language: str) -> None:
        self.language = i18n.locale_for(language)
        self.m = m
        self.measures = MEASURE_NAMES
        self.bands = BANDS

    def t(self, message: str, **params: Any) -> str:
        return i18n.say(message, self.language, **params)

    @property
    def tag(self) -> str:
        return i18n.tag_of(self.language)

    @property
    def rtl(self) -> bool:
        return self.language == "ur"

    def shown(self, figure: Shown | None) -> str:
        return figure_text(figure, self.t)

    def share(self, value: Percentage | None) -> str:
        if value is None:
            return self.t(audit_messages.NOT_ENOUGH)
        return self.t(m.PERCENT, percent=value.whole)

    def day(self, value: date) -> str:
        return format_date(value, "d MMMM y", locale=self.language)

    def moment(self, value: datetime) -> str:
        return format_datetime(value, "d MMMM y, HH:mm", tzinfo=i18n.INDIA, locale=self.language)

    def unit_name(self, unit: Unit) -> str:
        if unit.name_local and self.language != "en":
            return f"{unit.name_local} ({unit.name})"
        return unit.name

    def category(self, name: str) -> str:
        return self.t(labels.CATEGORY_LABELS.get(name, name))

    def level(self, name: str) -> str:
        return self.t(m.LEVELS.get(name, name))

    def parameter(self, key: str) -> str:
        return parameter_name(key)

    def bars(self, rows: list[tuple[str, Shown]]) -> list[tuple[str, Markup, str]]:
        """(label, bar, figure in words) for a bar chart drawn as table rows.

        The labels and figures stay HTML text, shaped like the rest of the page (WeasyPrint
        draws text inside SVG without complex shaping); only the bar is inline SVG, and only a
        published figure gets one.
        """
        top = max((figure.count or 0 for _, figure in rows), default=0) or 1
        drawn = []
        for label, figure in rows:
            length = round(BAR_WIDTH * (figure.count or 0) / top)
            bar = Markup(  # noqa: S704 - numbers only
                f'<svg width="{BAR_WIDTH}" height="10" viewBox="0 0 {BAR_WIDTH} 10" '
                f'xmlns="http://www.w3.org/2000/svg" aria-hidden="true">'
                f'<rect x="0" y="1" width="{length}" height="8" fill="#2b6f8f"/></svg>'
            )
            drawn.append((label, bar, self.shown(figure)))
        return drawn

    def complaints_chart(self, report: GramSabhaReport) -> list[tuple[str, Markup, str]]:
        return self.bars(
            [(self.unit_name(v), report.summary.cell(v, "complaints")) for v in report.villages]
        )

    def backlog_chart(self, report: GramSabhaReport) -> list[tuple[str, Markup, str]]:
        return self.bars(
            [(self.t(name), report.backlog.col_totals[band]) for band, name in BANDS.items()]
        )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("api.audit", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: GramSabhaReport, language: str) -> str:
    return _environment().get_template("gram_sabha.html").render(r=report, w=Words(language))


def render_pdf(report: GramSabhaReport, language: str) -> bytes:
    """The report as an A4 PDF (WeasyPrint: Pango/HarfBuzz shaping, Noto fonts)."""
    from weasyprint import HTML  # heavy: imported only when a report is made

    _mark_actual_text()
    pdf = HTML(string=render_html(report, language)).write_pdf()
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)


def _mark_actual_text() -> None:
    """Wrap each line of non-ASCII text in a `/Span <</ActualText ...>> BDC ... EMC`.

    A PDF maps each glyph to text once (its ToUnicode table). In the Indian scripts one glyph
    serves several syllables (a half form, a vowel sign drawn before its consonant), so that
    table alone gives copy-paste, search and screen readers the wrong letters; the ActualText of
    the line (ISO 32000-1, 14.9.4) gives them the text as written. Applied once per process;
    when WeasyPrint's drawing code is not where expected the PDF is still right to look at.
    """
    import pydyf
    from weasyprint import draw

    original = getattr(draw, "draw_text", None)
    if original is None or getattr(original, "_jalsamvad_actual_text", False):
        return

    def draw_text(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        text = getattr(textbox, "text", "")
        if not isinstance(text, str) or text.isascii():
            return original(stream, textbox, *args, **kwargs)
        marks = pydyf.Dictionary({"ActualText": pydyf.String(text)})
        pydyf.Stream.begin_marked_content(stream, "Span", marks)
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            pydyf.Stream.end_marked_content(stream)

    draw_text._jalsamvad_actual_text = True  # type: ignore[attr-defined]
    draw.draw_text = draw_text
