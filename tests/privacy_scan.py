"""A privacy scanner for anything the service publishes: CSV, HTML, text pulled out of a PDF.

    hits = scan(text, secrets)          # [] when clean
    assert_clean(text, secrets, where="incidents.csv")

`secrets` are strings that must never appear: build phones with `phone_forms` (every way a
number gets written), and add complaint texts, notes and household references as they are.
Matching ignores case, and is also done on the text with HTML entities decoded and with
Indian-script digits read as 0-9, so "&#x27;" or "९८४५०००१०१" hide nothing.

Besides the secrets it reports, whatever they are, any run of 10 or more digits (a household
reference or a phone looks like one; dates, LGD codes and counts are shorter), in ASCII or in
any Indian script. Separated digits ("98450 00101") are caught through `phone_forms` only, so
tables of small numbers do not trip it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Decimal digits of the Indian scripts (each block's zero; nine follows it).
INDIC_ZEROS = (
    0x0966,  # Devanagari
    0x09E6,  # Bengali
    0x0A66,  # Gurmukhi
    0x0AE6,  # Gujarati
    0x0B66,  # Odia
    0x0BE6,  # Tamil
    0x0C66,  # Telugu
    0x0CE6,  # Kannada
    0x0D66,  # Malayalam
    0x1C50,  # Ol Chiki
    0xABF0,  # Meetei Mayek
)
_TO_ASCII = {zero + d: str(d) for zero in INDIC_ZEROS for d in range(10)}
_DIGIT_CLASS = "0-9" + "".join(f"\\u{zero:04x}-\\u{zero + 9:04x}" for zero in INDIC_ZEROS)
_LONG_RUN = re.compile(f"(?<![{_DIGIT_CLASS}])[{_DIGIT_CLASS}]{{10,}}(?![{_DIGIT_CLASS}])")
MIN_SECRET = 4  # shorter secrets would match by chance (and are refused)


@dataclass(frozen=True)
class Hit:
    """One finding: `kind` is "secret", "digits" (10+ ASCII digits) or "indic_digits"."""

    kind: str
    found: str
    offset: int

    def __str__(self) -> str:
        return f"{self.kind} {self.found!r} at {self.offset}"


def phone_forms(phone: str) -> set[str]:
    """The ways an Indian mobile number is written: E.164, 91…, 0…, the bare 10 digits, and
    spaced or hyphenated 5+5 and 3+3+4 with and without +91."""
    digits = re.sub(r"\D", "", phone)[-10:]
    if len(digits) != 10:
        raise ValueError(f"not an Indian 10-digit number: {phone!r}")
    groups = [(digits[:5], digits[5:]), (digits[:3], digits[3:6], digits[6:])]
    forms = {digits, "0" + digits, "91" + digits, "+91" + digits}
    for parts in groups:
        for sep in (" ", "-"):
            body = sep.join(parts)
            forms.update({body, f"+91 {body}", f"+91-{body}", f"0{body}", f"91 {body}"})
    forms.update({f"+91 {digits}", f"+91-{digits}"})
    return forms


def _views(text: str) -> list[str]:
    """The text as a reader may see it: as is, HTML decoded, Indian digits as ASCII."""
    decoded = html.unescape(text)
    views = [text, decoded, decoded.translate(_TO_ASCII)]
    return list(dict.fromkeys(views))


def scan(text: str, secrets: Iterable[str] = ()) -> list[Hit]:
    """Every secret found in `text`, and every run of 10 or more digits."""
    wanted = sorted({s for s in secrets if s.strip()}, key=len, reverse=True)
    short = [s for s in wanted if len(s.strip()) < MIN_SECRET]
    if short:
        raise ValueError(f"secrets too short to scan for: {short!r}")
    hits: dict[tuple[str, str], Hit] = {}
    for view in _views(text):
        folded = view.casefold()
        for secret in wanted:
            at = folded.find(secret.casefold())
            if at >= 0:
                hits.setdefault(("secret", secret), Hit("secret", secret, at))
    for match in _LONG_RUN.finditer(text):
        run = match.group()
        kind = "digits" if run.isascii() else "indic_digits"
        hits.setdefault((kind, run), Hit(kind, run, match.start()))
    return sorted(hits.values(), key=lambda hit: (hit.offset, hit.kind, hit.found))


def assert_clean(text: str, secrets: Iterable[str] = (), where: str = "text") -> None:
    """Fail with every hit listed when `text` holds a secret or a long digit run."""
    hits = scan(text, secrets)
    assert not hits, f"{where} leaks: " + "; ".join(str(hit) for hit in hits)
