"""Language tags (BCP 47) as the whole system writes them: "kn", "hi-Latn", "en-IN"."""

from __future__ import annotations

import re

from grievance.errors import ValidationError

MAX_TAG_CHARS = 16
_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", re.IGNORECASE)


def language_tag(text: str) -> str:
    """The tag in its conventional letter case, or a ValidationError naming what was given."""
    tag = text.strip()
    if len(tag) > MAX_TAG_CHARS or not _TAG.fullmatch(tag):
        raise ValidationError(
            f"'{tag[:MAX_TAG_CHARS]}' is not a language code such as kn, hi or hi-Latn"
        )
    return _conventional_case(tag)


def _conventional_case(tag: str) -> str:
    """Language lower ("kn"), script title ("Latn"), region upper ("IN")."""
    language, *subtags = tag.split("-")
    cased = [language.lower()]
    for subtag in subtags:
        if len(subtag) == 4 and subtag.isalpha():
            cased.append(subtag.title())
        else:
            cased.append(subtag.upper() if len(subtag) == 2 else subtag.lower())
    return "-".join(cased)
