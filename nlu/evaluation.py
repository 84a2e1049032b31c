"""Scoring a backend on labelled examples (a Rasa-format test file or directory).

Per-intent precision, recall and F1, macro-F1, per-language accuracy, language-ID accuracy, a
confusion matrix, and how well the confidence is calibrated (expected calibration error).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nlu.result import Backend
from nlu.training_data import INTENTS, Example, read_dir, read_file


@dataclass(frozen=True)
class IntentScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Prediction:
    text: str
    language: str
    expected: str
    predicted: str
    confidence: float
    detected_language: str
    uncertain: bool
    seconds: float = 0.0  # how long the backend took to answer


@dataclass
class Evaluation:
    backend: str
    examples: int
    accuracy: float
    macro_f1: float
    language_id_accuracy: float
    calibration_error: float
    per_intent: dict[str, IntentScores]
    per_language: dict[str, float]
    language_id_per_language: dict[str, float]
    confusion: dict[str, dict[str, int]]
    uncertain_share: float
    accepted_accuracy: float
    predictions: list[Prediction] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "backend": self.backend,
            "examples": self.examples,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "language_id_accuracy": self.language_id_accuracy,
            "calibration_error": self.calibration_error,
            "uncertain_share": self.uncertain_share,
            "accepted_accuracy": self.accepted_accuracy,
            "per_intent": {name: vars(scores) for name, scores in self.per_intent.items()},
            "per_language": self.per_language,
            "language_id_per_language": self.language_id_per_language,
            "confusion": self.confusion,
        }


def load_examples(path: Path) -> list[Example]:
    """Examples of one file, or of every `*.yml` in a directory."""
    return read_dir(path) if path.is_dir() else list(read_file(path))


def predict(backend: Backend, examples: Iterable[Example]) -> list[Prediction]:
    predictions = []
    for example in examples:
        started = time.perf_counter()
        result = backend.parse(example.text)
        seconds = time.perf_counter() - started
        predictions.append(
            Prediction(
                text=example.text,
                language=example.language,
                expected=example.intent,
                predicted=result.intent,
                confidence=result.confidence,
                detected_language=result.language,
                uncertain=result.uncertain,
                seconds=seconds,
            )
        )
    return predictions


def evaluate(backend: Backend, examples: Iterable[Example]) -> Evaluation:
    return score(backend.name, predict(backend, examples))


def score(backend: str, predictions: list[Prediction]) -> Evaluation:
    if not predictions:
        raise ValueError("no examples to evaluate")
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    by_language: dict[str, list[bool]] = defaultdict(list)
    language_id: dict[str, list[bool]] = defaultdict(list)
    for p in predictions:
        confusion[p.expected][p.predicted] += 1
        by_language[p.language].append(p.expected == p.predicted)
        language_id[p.language].append(p.detected_language == p.language)
    labels = [name for name in INTENTS if name in confusion] + sorted(set(confusion) - set(INTENTS))
    per_intent = {}
    for label in labels:
        true_positive = confusion[label][label]
        predicted = sum(row[label] for row in confusion.values())
        actual = sum(confusion[label].values())
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = IntentScores(precision, recall, f1, actual)
    correct = [p.expected == p.predicted for p in predictions]
    accepted = [ok for ok, p in zip(correct, predictions, strict=True) if not p.uncertain]
    return Evaluation(
        backend=backend,
        examples=len(predictions),
        accuracy=_mean(correct),
        macro_f1=_mean([scores.f1 for scores in per_intent.values()]),
        language_id_accuracy=_mean([p.detected_language == p.language for p in predictions]),
        calibration_error=expected_calibration_error(predictions),
        per_intent=per_intent,
        per_language={language: _mean(hits) for language, hits in sorted(by_language.items())},
        language_id_per_language={
            language: _mean(hits) for language, hits in sorted(language_id.items())
        },
        confusion={
            label: {other: confusion[label][other] for other in labels if confusion[label][other]}
            for label in labels
        },
        uncertain_share=_mean([p.uncertain for p in predictions]),
        accepted_accuracy=_mean(accepted) if accepted else 0.0,
        predictions=predictions,
    )


def expected_calibration_error(predictions: list[Prediction], bins: int = 10) -> float:
    """Weighted gap between confidence and accuracy over ten confidence bins."""
    binned: dict[int, list[Prediction]] = defaultdict(list)
    for p in predictions:
        binned[min(int(p.confidence * bins), bins - 1)].append(p)
    total = len(predictions)
    return sum(
        len(group)
        / total
        * abs(
            _mean([p.confidence for p in group]) - _mean([p.expected == p.predicted for p in group])
        )
        for group in binned.values()
    )


def _mean(values: list[bool] | list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
