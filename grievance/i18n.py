"""Translating what households and staff read (the bot and the web pages share the catalogs):
gettext catalogs read with Babel, dates in the reader's locale.

Catalogs live in `locales/<locale>/LC_MESSAGES/jalsamvad.po` and are read from the .po itself
(`read_po`, once per process): no compiled .mo that could go stale. The NLU speaks BCP-47
("hi-Latn"); catalogs are named by Babel locale ("hi_Latn").
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "jalsamvad"
SOURCE_LOCALE = "en"
INDIA = ZoneInfo("Asia/Kolkata")

# Each language named in itself, as the language menu shows it.
ENDONYMS = {
    "en": "English",
    "hi": "हिन्दी",
    "hi_Latn": "Hindi (Roman)",
    "mr": "मराठी",
    "bn": "বাংলা",
    "as": "অসমীয়া",
    "ta": "தமிழ்",
    "te": "తెలుగు",
    "gu": "ગુજરાતી",
    "kn": "ಕನ್ನಡ",
    "ml": "മലയാളം",
    "or": "ଓଡ଼ିଆ",
    "pa": "ਪੰਜਾਬੀ",
    "ur": "اردو",
}
# Menu order: the most spoken first.
_MENU_ORDER = tuple(ENDONYMS)
_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?")


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def available_locales() -> tuple[str, ...]:
    """Locales with a catalog, in menu order; English always (it is the source language)."""
    found = {p.parents[1].name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    found.add(SOURCE_LOCALE)
    return tuple(sorted(found, key=lambda loc: (*_MENU_ORDER, loc).index(loc)))


@cache
def _catalog(locale: str) -> Catalog | None:
    path = catalog_path(locale)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def locale_for(tag: str) -> str:
    """The catalog for a BCP-47 tag: "hi-Latn" → "hi_Latn", "bn-Latn" → "bn", unknown → "en"."""
    parts = tag.replace("_", "-").split("-")
    candidates = ["_".join(parts[:2]), parts[0]] if len(parts) > 1 else [parts[0]]
    return next((c for c in candidates if c in available_locales()), SOURCE_LOCALE)


def tag_of(locale: str) -> str:
    """The BCP-47 tag of a catalog locale ("hi_Latn" → "hi-Latn")."""
    return locale.replace("_", "-")


def gettext(message: str, language: str) -> str:
    catalog = _catalog(locale_for(language))
    if catalog is None:
        return message
    entry = catalog.get(message)
    if entry is None or not entry.string or entry.fuzzy:
        return message
    return str(entry.string)


def say(message: str, language: str, **params: Any) -> str:
    """`message` translated into `language`, its `{placeholders}` filled."""
    return gettext(message, language).format(**params)


def format_deadline(when: datetime, language: str) -> str:
    """A date and time in India, written the user's way ("3 नव॰, 11:30 am")."""
    return format_datetime(when, "d MMMM, h:mm a", tzinfo=INDIA, locale=locale_for(language))


def format_day(when: datetime, language: str) -> str:
    return format_date(when.astimezone(INDIA), "d MMMM y", locale=locale_for(language))


def format_duration(value: str, language: str) -> str | None:
    """ "P3D" as "3 days" in the user's language; None for anchors such as "since:monday"."""
    match = _DURATION.fullmatch(value)
    if match is None or not any(match.groups()):
        return None
    weeks, days, hours = (int(group or 0) for group in match.groups())
    span = timedelta(weeks=weeks, days=days, hours=hours)
    unit: Literal["week", "day", "hour"] = (
        "week" if weeks and not days else "day" if days or weeks else "hour"
    )
    return format_timedelta(span, granularity=unit, threshold=100, locale=locale_for(language))
