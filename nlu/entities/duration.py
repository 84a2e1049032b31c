"""How long a problem has lasted: "3 din se", "since Monday", "তিন দিন ধরে", "ಮೂರು ದಿನದಿಂದ".

The words of every language (`nlu/data/durations/<tag>.toml`) are compiled at import into one
table from a word's key to what it can be (number, unit, anchor, lead, trail …). A message is cut
into words, each looked up once, and a small grammar is run over the result:

    [lead]{0,2} ( [number]{0,2} | vague ) unit [trail]{0,3}
    [lead]{0,2} anchor [part of day] [trail]{0,3}

A count ("3 din", "two weeks") is a duration on its own, except hours and minutes ("20 min" is
how long the supply runs, not how long it has been off) and "a week", which need a lead or
trail. A bare unit ("hafte bhar se", "ਹਫ਼ਤਾ ਹੋ ਗਿਆ") and an anchor ("kal se", "since Monday") need
a word that makes them a duration. Frequency words veto: "har din", "twice a week".

Values: ISO 8601 for a length ("P3D", "P2W", "P1M", "PT5H"; yesterday is "P1D", the day before
"P2D"); "since:<anchor>" for a point in time ("since:monday", "since:morning",
"since:yesterday_night", "since:diwali", "since:this_month"); "many:<unit>" for "kai dino se".
"""

from __future__ import annotations

from nlu.entities.duration_table import Word, compile_words
from nlu.entities.numerals import fold_digits
from nlu.entities.tokens import tokenize
from nlu.result import Entity

DAY_REFERENCES = frozenset({"yesterday", "day_before_yesterday", "today"})
DAY_PARTS = frozenset({"morning", "noon", "evening", "night"})
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_UNIT_NAMES = {
    "D": "days",
    "W": "weeks",
    "F": "fortnights",
    "M": "months",
    "Y": "years",
    "H": "hours",
    "N": "minutes",
}
_THIS = {"W": "since:this_week", "M": "since:this_month", "Y": "since:this_year"}  # not "this day"
_LICENSING_TRAILS = frozenset({"since", "ago", "after", "whole"})
_LICENSING_LEADS = frozenset({"since", "this", "for", "after"})  # "last month" alone is a date
_CLOCK_LICENSES = frozenset({"since", "ago", "last"})  # "for 20 min" is how long it ran
_MAX_NUMBER_DIGITS = 2  # "100 din ka kaam" is MGNREGA work, not a wait

WORDS = compile_words()
_MULTI_WORD_STARTS = frozenset(key.split(" ", 1)[0] for key in WORDS if " " in key)
_MAX_WORDS = max(key.count(" ") + 1 for key in WORDS)
_NUMBERS = {n: Word(number=n, opens=True) for n in range(1, 10**_MAX_NUMBER_DIGITS)}

Lexeme = tuple[int, int, Word | None]
Found = tuple[int, int, str, int]  # start, end, value, index of the next lexeme


def _lexemes(text: str) -> list[Lexeme]:
    """The message as (start, end, Word or None), multi-word entries joined."""
    tokens = tokenize(text)
    found: list[Lexeme] = []
    get, i, n = WORDS.get, 0, len(tokens)
    while i < n:
        start, end, key = tokens[i]
        word = get(key)
        if key in _MULTI_WORD_STARTS:
            for width in range(min(_MAX_WORDS, n - i), 1, -1):
                joined = " ".join(token[2] for token in tokens[i : i + width])
                if joined in WORDS:
                    word, end = WORDS[joined], tokens[i + width - 1][1]
                    i += width - 1
                    break
        elif word is None and key.isdecimal() and len(key) <= _MAX_NUMBER_DIGITS:
            word = _NUMBERS.get(int(fold_digits(key)))
        found.append((start, end, word))
        i += 1
    return found


def _iso(count: int, unit: str) -> str:
    if unit == "F":
        return f"P{2 * count}W"
    if unit == "H":
        return f"PT{count}H"
    if unit == "N":
        return f"PT{count}M"
    return f"P{count}{unit}"


def _anchor_value(anchor: str, day_part: str | None, leads: set[str]) -> str:
    if day_part is not None:
        if anchor == "yesterday":
            return f"since:yesterday_{day_part}"
        return f"since:{day_part}" if anchor == "today" else "P2D"
    if anchor == "yesterday":
        return "P1D"
    if anchor == "day_before_yesterday":
        return "P2D"
    if anchor == "night" and "last" in leads:
        return "since:yesterday_night"
    return f"since:{anchor}"


class _Parse:
    """One attempt at reading an expression whose body starts at lexeme `body`."""

    def __init__(self, lexemes: list[Lexeme], leads: list[int], body: int) -> None:
        self.lexemes, self.leads, self.body = lexemes, leads, body
        self.lead_kinds = {w.lead for i in leads if (w := lexemes[i][2]) and w.lead}

    def word(self, index: int) -> Word | None:
        return self.lexemes[index][2] if index < len(self.lexemes) else None

    def run(self) -> Found | None:
        j = self.body
        numbers: list[Word] = []
        while len(numbers) < 2 and (w := self.word(j)) is not None and w.number is not None:
            numbers.append(w)
            j += 1
        vague = not numbers and (w := self.word(j)) is not None and w.vague
        j += vague
        head = self.word(j)
        if head is None:
            return None
        last = head  # the word whose fused ending counts ("kal raat" + "se": raat)
        j += 1
        day_part = None
        if head.anchor in DAY_REFERENCES and (w := self.word(j)) and w.anchor in DAY_PARTS:
            day_part, last = w.anchor, w
            j += 1
        trails: list[str] = []
        while len(trails) < 3 and (w := self.word(j)) is not None and w.trail is not None:
            trails.append(w.trail)
            j += 1
        after = self.word(j)
        counted = bool(numbers) or head.count is not None
        since = last.since or (last.since_after_count and (counted or vague))
        if (last.link and not trails) or (after and after.never_after and not (trails or since)):
            return None
        if head.phrase is not None:
            value: str | None = head.phrase
        elif head.unit is not None:
            value = self._unit(head.unit, head, numbers, vague, since, set(trails), after)
        elif head.anchor is not None and not numbers and not vague:
            value = self._anchor(head.anchor, day_part, since, trails, after)
        else:
            value = None
        return None if value is None else (self._start(), self.lexemes[j - 1][1], value, j)

    def _unit(
        self,
        unit: str,
        head: Word,
        numbers: list[Word],
        vague: bool,
        since: bool,
        trails: set[str],
        after: Word | None,
    ) -> str | None:
        if numbers and head.count is not None:
            return None
        if unit in "HN" and not (since or (self.lead_kinds | trails) & _CLOCK_LICENSES):
            return None
        quiet = after is not None and after.quiet
        licensed = since or quiet or bool(trails & _LICENSING_TRAILS)
        count = numbers[-1].number if numbers else head.count
        if count is not None and "this" in self.lead_kinds:
            return None  # "it is 3 days": English "is" is Hindi "this"; read "3 days" alone
        if count is not None:
            weak = (numbers and numbers[-1].weak) or (count == 1 and unit == "D")
            return None if weak and not (licensed or self.lead_kinds) else _iso(count, unit)
        if vague:
            return f"many:{_UNIT_NAMES[unit]}"
        if not (licensed or self.lead_kinds & _LICENSING_LEADS):
            return None
        if head.plural and "last" not in self.lead_kinds:
            return f"many:{_UNIT_NAMES[unit]}"
        if "this" in self.lead_kinds:
            return _THIS.get(unit)  # "this week"; "this day" is today, not a wait
        return _iso(1, unit)

    def _anchor(
        self, anchor: str, day_part: str | None, since: bool, trails: list[str], after: Word | None
    ) -> str | None:
        if "since" in trails and "ago" in trails:
            return None  # "jumme se pehle": before Friday
        if not (since or "since" in self.lead_kinds or {"since", "after"} & set(trails)):
            return None
        if after is not None and (after.anchor in DAY_PARTS or after.anchor in WEEKDAYS):
            return None  # "subah se shaam tak": a time of day, not a wait
        return _anchor_value(anchor, day_part, self.lead_kinds)

    def _start(self) -> int:
        first = self.body
        for index in reversed(self.leads):
            word = self.lexemes[index][2]
            if word is None or word.outside:
                break
            first = index
        return self.lexemes[first][0]


def _parse_at(lexemes: list[Lexeme], i: int) -> Found | None:
    leads: list[int] = []
    while (w := lexemes[i + len(leads)][2]) is not None and w.lead and len(leads) < 2:
        leads.append(i + len(leads))
        if i + len(leads) == len(lexemes):
            break
    found = _Parse(lexemes, leads, i + len(leads)).run() if leads else None
    if found is None:
        before = lexemes[i - 1][2] if i > 0 else None
        if before is not None and before.never_before:
            return None
        found = _Parse(lexemes, [], i).run()
    return found


def extract_durations(text: str) -> list[Entity]:
    """Duration expressions in `text`, in order, not overlapping."""
    lexemes = _lexemes(text)
    found, i = [], 0
    while i < len(lexemes):
        word = lexemes[i][2]
        parsed = _parse_at(lexemes, i) if word is not None and word.opens else None
        if parsed is None:
            i += 1
            continue
        start, end, value, i = parsed
        found.append(Entity("duration", value, start, end, text[start:end]))
    return found
