"""Village names matched against the LGD directory, in any script and with spelling slips.

Every village is indexed under the phonetic key of its name (and of its local-script name, when
the directory has one): `nlu.entities.name_keys` makes "Tammapur", "तम्मापुर", "ತಮ್ಮಾಪುರ",
"Thammapura" and "Tamapur" one key. So:

  - `search(name)` answers "which village?": villages whose key equals the query's score 100 and
    come first; then `rapidfuzz` ratio over the distinct keys (one C++ scan, cut off at
    `min_score`). Ties go to the lower LGD code. Same-named villages are separate matches, each
    with its gram panchayat and block, so the bot can ask which one.
  - `find_in_text(text)` spots a village named inside a message ("Tammapur me pani nahi"): the
    keys of 3, 2 and 1 consecutive words are looked up exactly (dict lookups only). Many village
    names are also ordinary words ("Madam", "Marathi", "Padi"), so a few everyday words ("pani",
    "gaon") never match, and a word common in the NLU training messages (`nlu/data`, 2+
    examples) matches only next to a village word. Confidence: 1.0 next to a village word
    ("gaon Tammapur", "ತಮ್ಮಾಪುರ ಗ್ರಾಮದಲ್ಲಿ"), 0.9 before "in" ("Tammapur me"), else 0.7. Next to
    a village word, a name with a case ending fused on ("ತಮ್ಮಾಪುರದಲ್ಲಿ") is tried without it
    (0.9), and a name of 7+ key letters may match fuzzily (ratio ≥ 90 against the keys with the
    same first two letters; confidence 0.9 × ratio / 100).
    When several villages share the name, one entity per village is returned, all with the same
    span, in code order: the caller asks which one.

Urdu (Arabic script) names cannot be read: `indic_transliteration` does not transliterate from
it, so an Urdu query finds nothing.

The index never reads the database: it is built from any rows with the fields of `VillageFields`
(the core's `grievance.lgd.village_names.VillageName`, or `VillageRow`s made by hand).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz, process

from nlu.entities.name_keys import name_key, word_key
from nlu.entities.tokens import tokenize
from nlu.result import Entity
from nlu.training_data import DATA_DIR, read_dir

DEFAULT_MIN_SCORE = 75.0
EXACT_SCORE = 100.0
MIN_KEY_LENGTH = 4  # shorter keys ("pur", "nal") match too much by chance
MAX_NAME_WORDS = 3
FUZZY_KEY_LENGTH = 7
FUZZY_TEXT_SCORE = 90.0
MAX_QUERY_LENGTH = 200
_QUALIFIER = re.compile(r"\([^)]*\)")  # "Belgumpa (K)", "Bannihatti(P.T)"


def _split(words: str) -> list[str]:
    """A word list written as one space-separated string."""
    return words.split()


# Case endings fused onto a name, as keys: Kannada -dalli/-alli/-ge/-inda, Tamil -la/-il/-ku,
# Telugu -lo/-ki, Malayalam -il, Bengali -e/-er/-te, Odia -re/-ru, Marathi -at/-la,
# Gujarati -ma/-na/-thi.
_ENDINGS = tuple(
    sorted(
        {
            word_key(ending)
            for ending in _split(
                "dalli alli li ge kke inda dinda la il ile ilninnu ku kku lo ki e er te ke re ru"
                " ra at la ca ma na thi"
            )
        }
        - {""},
        key=len,
        reverse=True,
    )
)

# Words that never name a village on their own, whatever the directory says (phonetic keys).
_EVERYDAY = frozenset(
    word_key(word)
    for word in _split(
        "pani paani nal nala gaon gav gram village water supply tap pipe line motor tank tanki"
        " nahi nahin hai raha rahi aata aaya kal aaj din sir ji bhai please plz madam"
        " complaint ticket status number code ward colony mohalla basti road school"
        " पानी नल गांव गाँव ग्राम नहीं है रहा सर जी jol jal kol neer neeru thanni neellu vellam"
        " ನೀರು ನೀರ್ ಊರು ಊರ ಗ್ರಾಮ தண்ணி தண்ணீர் ஊர் கிராமம் నీళ్లు నీరు ఊరు గ్రామం വെള്ളം ഗ്രാമം"
        " জল পানী গ্রাম গাঁও ପାଣି ଗାଁ ਪਾਣੀ ਪਿੰਡ પાણી ગામ पाणी गाव"
    )
) - {""}
# Words that say "the next (or previous) word is a village", as written (not phonetic: the Odia
# "ଗାଁ" and the Hindi "ka" share a key).
_CUES = frozenset(
    _split(
        "gaon gaaon gaanv gav gao gram grama gramam village vill mouza mauza pind ooru uru oor"
        " गांव गाँव ग्राम गाव ਪਿੰਡ ગામ গ্রাম গাঁও গাঁৱ ଗାଁ ଗ୍ରାମ கிராமம் ஊர் ஊரு గ్రామం ఊరు"
        " ഗ്രാമം ಗ್ರಾಮ ಊರು ಹಳ್ಳಿ گاؤں موضع"
    )
)
_CUE_PREFIXES = tuple(cue for cue in _CUES if len(cue) >= 4)  # "ಗ್ರಾಮದಲ್ಲಿ" starts with ಗ್ರಾಮ
# "in" after a word: "Tammapur me pani nahi". A weaker hint: the word must still be uncommon.
_IN = frozenset(_split("me mein mai में मे میں ਵਿੱਚ ਵਿਚ ਚ માં lo లో ରେ madhe मध्ये মধ্যে"))
IN_CONFIDENCE = 0.9
UNCUED_CONFIDENCE = 0.7
MIN_UNCUED_KEY_LENGTH = 5
COMMON_IN_EXAMPLES = 2


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Keys of words found in 2+ NLU training messages: vocabulary, not village names."""
    counts: Counter[str] = Counter()
    for example in read_dir(DATA_DIR):
        counts.update({_text_key(example.text[s:e]) for s, e, _ in tokenize(example.text)})
    return frozenset(key for key, count in counts.items() if count >= COMMON_IN_EXAMPLES)


class VillageFields(Protocol):
    """What the index reads of a village: any object with these attributes will do."""

    @property
    def code(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def gram_panchayat(self) -> str | None: ...
    @property
    def block(self) -> str | None: ...
    @property
    def district(self) -> str | None: ...
    @property
    def state(self) -> str | None: ...
    @property
    def name_local(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class VillageRow:
    code: int
    name: str
    gram_panchayat: str | None = None
    block: str | None = None
    district: str | None = None
    state: str | None = None
    name_local: str | None = None


def village_row(village: VillageFields) -> VillageRow:
    """`village` as the index keeps it (the same object when it is a `VillageRow` already)."""
    if isinstance(village, VillageRow):
        return village
    return VillageRow(
        village.code,
        village.name,
        village.gram_panchayat,
        village.block,
        village.district,
        village.state,
        village.name_local,
    )


@dataclass(frozen=True, slots=True)
class VillageMatch:
    row: VillageRow
    score: float


def _clean(text: str) -> str:
    """Text safe to key: lone surrogates and control characters become spaces."""
    return "".join(
        ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else " " for ch in text
    )


def _keys_of(row: VillageRow) -> set[str]:
    names = [row.name, _QUALIFIER.sub(" ", row.name)]
    if row.name_local:
        names.append(row.name_local)
    return {key for name in names if len(key := name_key(name)) >= 2}


class VillageIndex:
    def __init__(self, rows: Iterable[VillageFields], common: Iterable[str] | None = None) -> None:
        """`rows`: the villages, e.g. `grievance.lgd.village_names.village_names(session)`.
        `common`: words never taken for a village without a village word next to them
        (default: `common_words()`, the words of the NLU training messages)."""
        self._common = None if common is None else frozenset(map(_text_key, common))
        listed = [village_row(row) for row in rows]
        unique = {row.code: row for row in reversed(listed)}  # the first row of a code wins
        self._rows = [unique[code] for code in sorted(unique)]
        self._index = {row.code: index for index, row in enumerate(self._rows)}
        by_key: dict[str, list[int]] = {}
        for index, row in enumerate(self._rows):
            for key in _keys_of(row):
                by_key.setdefault(sys.intern(key), []).append(index)
        self._by_key = {key: tuple(indices) for key, indices in by_key.items()}
        self._keys = list(self._by_key)
        self._by_prefix: dict[str, list[str]] = {}
        for key in self._keys:
            if len(key) >= FUZZY_KEY_LENGTH - 1:
                self._by_prefix.setdefault(key[:2], []).append(key)

    @classmethod
    def from_rows(
        cls, rows: Iterable[VillageFields], common: Iterable[str] | None = None
    ) -> VillageIndex:
        return cls(rows, common)

    def __len__(self) -> int:
        return len(self._rows)

    def search(
        self, name: str, limit: int = 5, min_score: float = DEFAULT_MIN_SCORE
    ) -> list[VillageMatch]:
        """Villages called `name`, best first (exact key 100, then fuzzy), ties by code."""
        key = name_key(_clean(name[:MAX_QUERY_LENGTH]))
        if len(key) < 2 or limit <= 0:
            return []
        scores: dict[int, float] = dict.fromkeys(self._by_key.get(key, ()), EXACT_SCORE)
        for other, score, _ in process.extract(
            key, self._keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=min_score
        ):
            for index in self._by_key[other]:
                scores[index] = max(scores.get(index, 0.0), float(score))
        if not scores:
            for entity in self.find_in_text(name[:MAX_QUERY_LENGTH]):
                scores.setdefault(self._index[int(entity.value)], 100 * entity.confidence)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self._rows[item[0]].code))
        return [VillageMatch(self._rows[index], round(score, 1)) for index, score in ranked[:limit]]

    def find_in_text(self, text: str) -> list[Entity]:
        """Villages named in a message: one entity per candidate village, sorted by start."""
        text = _clean(text)
        tokens = tokenize(text)
        words = [token[2] for token in tokens]
        keys = [_text_key(text[start:end]) for start, end, _ in tokens]
        found: list[Entity] = []
        i = 0
        while i < len(tokens):
            width, indices, confidence = self._match_at(keys, words, i)
            if not indices:
                i += 1
                continue
            start, end = tokens[i][0], tokens[i + width - 1][1]
            for index in indices:
                code = str(self._rows[index].code)
                found.append(Entity("village", code, start, end, text[start:end], confidence))
            i += width
        return found

    def _match_at(
        self, keys: list[str], words: list[str], i: int
    ) -> tuple[int, tuple[int, ...], float]:
        common = self._common if self._common is not None else common_words()
        before = words[i - 1] if i > 0 else ""
        for width in range(min(MAX_NAME_WORDS, len(keys) - i), 0, -1):
            parts = keys[i : i + width]
            if not all(parts) or any(part in _EVERYDAY for part in parts):
                continue
            joined = "".join(parts)
            if len(joined) < MIN_KEY_LENGTH or joined not in self._by_key:
                continue
            if _is_cue(before, words[i + width] if i + width < len(words) else ""):
                return width, self._by_key[joined], 1.0
            if len(joined) >= MIN_UNCUED_KEY_LENGTH and not {parts[0], parts[-1]} & common:
                next_word = words[i + width] if i + width < len(words) else ""
                confidence = IN_CONFIDENCE if next_word in _IN else UNCUED_CONFIDENCE
                return width, self._by_key[joined], confidence
        key = keys[i]
        after = words[i + 1] if i + 1 < len(words) else ""
        if len(key) >= MIN_KEY_LENGTH + 2 and key not in _EVERYDAY and _is_cue(before, after):
            indices, confidence = self._near_match(key)
            return 1, indices, confidence
        return 1, (), 0.0

    def _near_match(self, key: str) -> tuple[tuple[int, ...], float]:
        """A name with a case ending fused on, or (if long) misspelt."""
        for ending in _ENDINGS:
            stem = _drop_final_vowel(key[: -len(ending)]) if key.endswith(ending) else ""
            if len(stem) >= MIN_KEY_LENGTH and stem in self._by_key:
                return self._by_key[stem], 0.9
        if len(key) >= FUZZY_KEY_LENGTH:
            candidates = self._by_prefix.get(key[:2], [])
            best = process.extractOne(
                key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_TEXT_SCORE
            )
            if best is not None:
                return self._by_key[best[0]], round(best[1] / 100 * 0.9, 3)
        return (), 0.0


def _is_cue(before: str, after: str) -> bool:
    return before in _CUES or after in _CUES or after.startswith(_CUE_PREFIXES)


def _text_key(word: str) -> str:
    return word_key(word) if word and not word[0].isdigit() else ""


def _drop_final_vowel(key: str) -> str:
    return key[:-1] if len(key) > 3 and key[-1] in "au" else key
