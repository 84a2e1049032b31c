"""The reader's language on the public pages: `?lang=` if it names a catalog we have, then
Accept-Language; English when neither does."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query

from grievance import i18n


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
