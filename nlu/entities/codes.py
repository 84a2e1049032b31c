"""Numbers with a meaning: six-digit LGD village codes and ten-digit ticket references.

A number counts only when it stands alone: a digit run that is part of a longer number (a
decimal "601014.5", a date or range "12-601014", an ID glued to Latin letters "TXN601014"), an
amount ("₹601014", "Rs 601014") or a phone number written with its country code ("+91
9845012345") is skipped. Digits may be in any script we read; values are ASCII.

`ticket_ref`: ten digits passing the Verhoeff check, so a mistyped reference or an ordinary
mobile number (which fails the check nine times in ten) is not reported. A reference typed in
groups ("4821 3907 12", "4821-3907-12") is accepted too, except split 5+5, which is how Indian
mobile numbers are written. A mobile number that happens to pass the check is indistinguishable
from a reference and is reported; the ticket lookup decides.

`village_code`: six digits. Grouped forms ("601 014") are not accepted: "150-400" and two
numbers side by side look the same, and a village code is short enough to type whole. Indian
PIN codes are six digits as well; the dialogue confirms the village by name.
"""

from __future__ import annotations

import re

from grievance.tickets.reference import REFERENCE_LENGTH, is_valid
from nlu.entities.numerals import DIGIT_CLASS, fold_digits, has_digit
from nlu.result import Entity

VILLAGE_CODE_LENGTH = 6

_D = DIGIT_CLASS
_RUN = re.compile(f"{_D}+")
_GROUPED = re.compile(f"{_D}{{2,}}(?:[ -]{_D}{{2,}})+")
# What may sit right before a number and makes it part of something else.
_JOINED_BEFORE = re.compile(f"(?:{_D}[.,/:-]|[A-Za-z_])$")
_JOINED_AFTER = re.compile(f"(?:[.,/:-]{_D}|[A-Za-z_])")
_PHONE_PREFIX = re.compile(r"\+\s?[0-9]{1,3}[ -]?$")
_AMOUNT_PREFIX = re.compile(r"(?:₹|\brs\.?|\binr|रु\.?|रू\.?)\s*$", re.IGNORECASE)
_CONTEXT = 8


def _stands_alone(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - _CONTEXT) : start]
    if _JOINED_BEFORE.search(before) or _JOINED_AFTER.match(text, end):
        return False
    return not (_PHONE_PREFIX.search(before) or _AMOUNT_PREFIX.search(before))


def _single_runs(runs: list[re.Match[str]], text: str) -> list[Entity]:
    found = []
    for match in runs:
        length = match.end() - match.start()
        if length not in (VILLAGE_CODE_LENGTH, REFERENCE_LENGTH):
            continue
        if not _stands_alone(text, match.start(), match.end()):
            continue
        value = fold_digits(match.group())
        if length == VILLAGE_CODE_LENGTH:
            found.append(Entity("village_code", value, match.start(), match.end(), match.group()))
        elif is_valid(value):
            found.append(Entity("ticket_ref", value, match.start(), match.end(), match.group()))
    return found


def _grouped_references(text: str) -> list[Entity]:
    found = []
    for match in _GROUPED.finditer(text):
        groups = re.split("[ -]", match.group())
        value = fold_digits("".join(groups))
        if len(value) != REFERENCE_LENGTH or [len(g) for g in groups] == [5, 5]:
            continue
        if _stands_alone(text, match.start(), match.end()) and is_valid(value):
            found.append(
                Entity("ticket_ref", value, match.start(), match.end(), match.group(), 0.9)
            )
    return found


def extract_codes(text: str) -> list[Entity]:
    """Village codes and ticket references in `text`, in order of position."""
    if not has_digit(text):
        return []
    runs = list(_RUN.finditer(text))
    found = _single_runs(runs, text)
    grouped = _grouped_references(text) if len(runs) > 1 else []
    if grouped:
        taken = [(e.start, e.end) for e in grouped]
        found = [e for e in found if not any(s < e.end and e.start < t for s, t in taken)]
        found = sorted(found + grouped, key=lambda e: e.start)
    return found
