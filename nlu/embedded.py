"""The default backend: the packaged linear model, language identification and entity rules.

Everything is read-only after loading, so one instance serves any number of threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nlu.calibration import restricted_softmax, softmax
from nlu.entities import extract, without_overlaps
from nlu.model import MODEL_PATH, LinearModel, Scores
from nlu.result import Entity, IntentScore, ParseResult
from nlu.script import LANGUAGES_OF_SCRIPT
from nlu.text import clean

if TYPE_CHECKING:
    from nlu.village_index import VillageIndex

OUT_OF_SCOPE = "out_of_scope"
UNDETERMINED = "und"


class EmbeddedBackend:
    name = "embedded"

    def __init__(
        self, model: LinearModel | None = None, villages: VillageIndex | None = None
    ) -> None:
        self.model = model or LinearModel.load(MODEL_PATH)
        self.villages = villages
        meta = self.model.meta
        self.threshold: float = meta["threshold"]
        self._intent_temperature: float = meta["intent_temperature"]
        self._language_temperature: float = meta["language_temperature"]
        languages = self.model.languages
        self._allowed = {
            script: np.array([language in allowed for language in languages])
            for script, allowed in LANGUAGES_OF_SCRIPT.items()
        }

    def with_villages(self, villages: VillageIndex | None) -> EmbeddedBackend:
        """The same model, matching village names against `villages` (the LGD directory)."""
        return EmbeddedBackend(self.model, villages)

    def parse(self, text: str) -> ParseResult:
        cleaned, truncated = clean(text)
        scores = self.model.scores(cleaned)
        language, language_confidence = self._language(scores)
        entities = self.entities(cleaned)
        if scores.known_features == 0:
            # Nothing we have ever seen (empty, emoji, digits alone, another language).
            return ParseResult(
                text=cleaned,
                intent=OUT_OF_SCOPE,
                confidence=1.0 if not cleaned else 0.0,
                language=language,
                language_confidence=language_confidence,
                entities=entities,
                ranking=(IntentScore(OUT_OF_SCOPE, 1.0 if not cleaned else 0.0),),
                uncertain=bool(cleaned),
                truncated=truncated,
            )
        probabilities = softmax(scores.intent, self._intent_temperature)
        order = np.argsort(-probabilities, kind="stable")
        ranking = tuple(
            IntentScore(self.model.intents[i], round(float(probabilities[i]), 4)) for i in order
        )
        best = ranking[0]
        return ParseResult(
            text=cleaned,
            intent=best.name,
            confidence=best.confidence,
            language=language,
            language_confidence=language_confidence,
            entities=entities,
            ranking=ranking,
            uncertain=best.confidence < self.threshold and best.name != OUT_OF_SCOPE,
            truncated=truncated,
        )

    def identify_language(self, cleaned: str) -> tuple[str, float]:
        """BCP-47 tag and its probability; "und" when the text has no letters we serve."""
        return self._language(self.model.scores(cleaned))

    def _language(self, scores: Scores) -> tuple[str, float]:
        allowed = self._allowed.get(scores.script or "")
        if allowed is None:
            return UNDETERMINED, 0.0
        probabilities = restricted_softmax(scores.language, self._language_temperature, allowed)
        best = int(probabilities.argmax())
        return self.model.languages[best], round(float(probabilities[best]), 4)

    def entities(self, cleaned: str) -> tuple[Entity, ...]:
        found = extract(cleaned)
        if self.villages is not None:
            found = without_overlaps(found + self.villages.find_in_text(cleaned))
        return tuple(found)
