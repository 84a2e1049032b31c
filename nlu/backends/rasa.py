"""The `rasa` backend: asks a Rasa 3.6 server (`POST /model/parse`) and maps its answer.

The server runs in its own Python 3.10 environment (see nlu/rasa/README.md and nlu/rasa/serve.sh);
the caller passes its URL, e.g. "http://127.0.0.1:5005" (`jalsamvad` reads it from
JALSAMVAD_RASA_URL, `grievance.settings.Settings.rasa_url`).

Anything but a well-formed answer from a model trained on `nlu/data` raises
`RasaUnavailableError`: a server that is down, slow, failing or answering with something else must
never be mistaken for a confident complaint.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final

import httpx

from nlu.result import Entity, IntentScore, ParseResult
from nlu.text import clean
from nlu.training_data import INTENTS

# What Rasa's FallbackClassifier answers below its threshold (nlu/rasa/config.yml).
RASA_FALLBACK_INTENT: Final = "nlu_fallback"
ENTITIES: Final = frozenset({"village_code", "ticket_ref", "duration"})
# Entities whose canonical value is ASCII digits (nlu.result.Entity).
_DIGIT_ENTITIES: Final = frozenset({"village_code", "ticket_ref"})
UNKNOWN_LANGUAGE: Final = "und"

LanguageOf = Callable[[str], tuple[str, float]]


class RasaUnavailableError(RuntimeError):
    """The Rasa server could not give a usable answer (down, timed out, failed or off-model)."""


def _ascii_digits(value: str) -> str:
    """ "४०३११२" → "403112": any Unicode decimal digit becomes its ASCII digit."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in value)


def _confidence(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RasaUnavailableError(f"Rasa answered a non-numeric {what}: {value!r}")
    number = float(value)
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        raise RasaUnavailableError(f"Rasa answered a {what} outside [0, 1]: {value!r}")
    return number


def _intent_name(value: object) -> str:
    if value != RASA_FALLBACK_INTENT and value not in INTENTS:
        raise RasaUnavailableError(
            f"Rasa answered intent {value!r}, which JalSamvad does not know: is the server "
            "running a model trained on nlu/data?"
        )
    return str(value)


def _offset(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RasaUnavailableError(f"Rasa answered a non-integer entity {what}: {value!r}")
    return value


class RasaBackend:
    """`nlu.result.Backend` over a Rasa server. Safe to share between threads (httpx.Client is).

    Rasa does not identify the language: pass `language_of` (text → (tag, confidence)) to fill
    it in, otherwise the result says "und" with confidence 0.
    """

    name = "rasa"

    def __init__(
        self,
        url: str,
        timeout: float = 5.0,
        client: httpx.Client | None = None,
        *,
        language_of: LanguageOf | None = None,
    ) -> None:
        base = url.strip().rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"Rasa URL must be http(s)://host:port, not {url!r}")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.url = base
        self.endpoint = f"{base}/model/parse"
        self.timeout = timeout
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client(timeout=timeout)
        self._language_of = language_of

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> RasaBackend:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def parse(self, text: str) -> ParseResult:
        # The same cleaning as the embedded backend (valid Unicode, NFC, no control characters,
        # cut at MAX_TEXT_LENGTH), so both see the same text and entity offsets refer to it.
        text, truncated = clean(text)
        if not text:
            # Rasa answers a blank message with a confident "affirm"; there is nothing to ask.
            return ParseResult(
                text=text,
                intent="out_of_scope",
                confidence=1.0,
                language=UNKNOWN_LANGUAGE,
                ranking=(IntentScore("out_of_scope", 1.0),),
                truncated=truncated,
                language_confidence=0.0,
            )
        answer = self._post(text)
        return self._to_result(text, answer, truncated)

    # -- the HTTP exchange ------------------------------------------------------------------

    def _post(self, text: str) -> dict[str, Any]:
        try:
            response = self._client.post(
                self.endpoint, json={"text": text}, timeout=httpx.Timeout(self.timeout)
            )
        except httpx.TimeoutException as error:
            raise RasaUnavailableError(
                f"Rasa at {self.url} did not answer within {self.timeout:g} s"
            ) from error
        except httpx.HTTPError as error:
            raise RasaUnavailableError(f"Rasa at {self.url} is unreachable: {error}") from error
        if response.status_code != httpx.codes.OK:
            raise RasaUnavailableError(
                f"Rasa at {self.url} answered HTTP {response.status_code}: {response.text[:200]!r}"
            )
        try:
            answer = response.json()
        except ValueError as error:
            raise RasaUnavailableError(
                f"Rasa at {self.url} answered something that is not JSON: {response.text[:200]!r}"
            ) from error
        if not isinstance(answer, dict):
            raise RasaUnavailableError(
                f"Rasa answered a JSON {type(answer).__name__}, not an object"
            )
        return answer

    # -- mapping Rasa's answer --------------------------------------------------------------

    def _to_result(self, text: str, answer: dict[str, Any], truncated: bool) -> ParseResult:
        echoed = answer.get("text", text)
        if echoed != text:
            # Entity offsets refer to the text Rasa parsed: they must be ours.
            raise RasaUnavailableError("Rasa answered for a different text than the one sent")
        intent = answer.get("intent")
        if not isinstance(intent, dict):
            raise RasaUnavailableError(f"Rasa answered no intent: {intent!r}")
        name = _intent_name(intent.get("name"))
        confidence = _confidence(intent.get("confidence"), "intent confidence")
        ranking = self._ranking(answer.get("intent_ranking"), name, confidence)
        entities = self._entities(text, answer.get("entities", []))
        language, language_confidence = (
            self._language_of(text) if self._language_of else (UNKNOWN_LANGUAGE, 0.0)
        )
        uncertain = False
        extras: dict[str, Any] = {}
        if name == RASA_FALLBACK_INTENT:
            # Below the FallbackClassifier's threshold: out_of_scope, with the best guess kept in
            # the ranking and its (low) confidence as ours.
            extras["rasa_intent"] = RASA_FALLBACK_INTENT
            uncertain = True
            name = "out_of_scope"
            confidence = ranking[0].confidence if ranking else 0.0
            if ranking:
                extras["best_guess"] = ranking[0].name
        return ParseResult(
            text=text,
            intent=name,
            confidence=confidence,
            language=language,
            entities=entities,
            ranking=ranking,
            uncertain=uncertain,
            truncated=truncated,
            language_confidence=language_confidence,
            extras=extras,
        )

    @staticmethod
    def _ranking(raw: object, name: str, confidence: float) -> tuple[IntentScore, ...]:
        if raw is None:
            return () if name == RASA_FALLBACK_INTENT else (IntentScore(name, confidence),)
        if not isinstance(raw, list):
            raise RasaUnavailableError(f"Rasa answered an intent_ranking that is no list: {raw!r}")
        scores = []
        for item in raw:
            if not isinstance(item, dict):
                raise RasaUnavailableError(f"Rasa answered a malformed ranking entry: {item!r}")
            ranked = _intent_name(item.get("name"))
            score = _confidence(item.get("confidence"), "ranking confidence")
            if ranked != RASA_FALLBACK_INTENT:
                scores.append(IntentScore(ranked, score))
        scores.sort(key=lambda item: item.confidence, reverse=True)
        return tuple(scores)

    @staticmethod
    def _entities(text: str, raw: object) -> tuple[Entity, ...]:
        if not isinstance(raw, list):
            raise RasaUnavailableError(f"Rasa answered entities that are no list: {raw!r}")
        entities = []
        for item in raw:
            if not isinstance(item, dict):
                raise RasaUnavailableError(f"Rasa answered a malformed entity: {item!r}")
            kind = item.get("entity")
            if kind not in ENTITIES:
                raise RasaUnavailableError(f"Rasa answered entity {kind!r}, unknown to JalSamvad")
            start = _offset(item.get("start"), "start")
            end = _offset(item.get("end"), "end")
            if not 0 <= start < end <= len(text):
                raise RasaUnavailableError(
                    f"Rasa answered an entity span outside the text: {item!r}"
                )
            value = item.get("value")
            value = text[start:end] if value is None else str(value)
            if kind in _DIGIT_ENTITIES:
                value = _ascii_digits(value)
            entity_confidence = item.get("confidence_entity")
            entities.append(
                Entity(
                    entity=str(kind),
                    value=value,
                    start=start,
                    end=end,
                    text=text[start:end],
                    confidence=1.0
                    if entity_confidence is None
                    else _confidence(entity_confidence, "entity confidence"),
                )
            )
        return tuple(entities)
