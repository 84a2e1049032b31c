"""Trains the embedded model from `nlu/data` and writes `nlu/model/embedded.zip`.

Run by `jalsamvad nlu build` after the training data changes (a test fails while the model is
older than the data). scikit-learn is needed only here, not to parse: install the `nlu-build`
extra. The same data and library versions give the same bytes.

Two linear SVMs share one vocabulary: one for the intent, one for the language. Their scores
become probabilities through a softmax whose temperature is fitted on out-of-fold scores
(5-fold cross-validation over the training data), so that a confidence of 0.8 is right about
80 % of the time; the same out-of-fold scores choose the confidence below which the parser
says it is unsure.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.calibration import fit_temperature, restricted_softmax, softmax, threshold_for_precision
from nlu.features import feature_strings
from nlu.model import MODEL_PATH, LinearModel
from nlu.script import LANGUAGES_OF_SCRIPT
from nlu.text import clean
from nlu.training_data import DATA_DIR, Example, read_dir

MIN_DOCUMENT_FREQUENCY = 2
SVM_C = 1.0
FOLDS = 5
# Below the confidence at which out-of-fold predictions are right this often, the parser
# flags its answer as unsure and the bot asks instead of filing.
ACCEPTED_PRECISION = 0.97


@dataclass(frozen=True)
class BuildReport:
    path: Path
    examples: int
    vocabulary: int
    intent_temperature: float
    language_temperature: float
    threshold: float
    out_of_fold_intent_accuracy: float
    out_of_fold_language_accuracy: float
    seconds: float


def data_fingerprint(directory: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build(path: Path = MODEL_PATH, data_dir: Path = DATA_DIR) -> BuildReport:
    """Trains on every file in `data_dir` and writes the model to `path`."""
    started = time.perf_counter()
    trained = train(read_dir(data_dir))
    meta = {**trained.meta, "data_sha256": data_fingerprint(data_dir)}
    LinearModel.save(path, trained.vocabulary, trained.arrays, meta)
    return BuildReport(
        path=path,
        examples=meta["examples"],
        vocabulary=len(trained.vocabulary),
        intent_temperature=meta["intent_temperature"],
        language_temperature=meta["language_temperature"],
        threshold=meta["threshold"],
        out_of_fold_intent_accuracy=meta["out_of_fold_intent_accuracy"],
        out_of_fold_language_accuracy=meta["out_of_fold_language_accuracy"],
        seconds=time.perf_counter() - started,
    )


@dataclass(frozen=True)
class Trained:
    vocabulary: list[str]
    arrays: dict[str, npt.NDArray[Any]]
    meta: dict[str, Any]

    def model(self) -> LinearModel:
        return LinearModel(self.vocabulary, meta=self.meta, **self.arrays)


def train(examples: list[Example], *, calibrate: bool = True) -> Trained:
    """Both classifiers from `examples`; without `calibrate`, no cross-validation (faster)."""
    from scipy.sparse import csr_matrix
    from sklearn import __version__ as sklearn_version
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    analysed = [feature_strings(clean(example.text)[0]) for example in examples]
    scripts = [script for script, _ in analysed]
    feature_sets = [set(features) for _, features in analysed]
    frequency = Counter(feature for features in feature_sets for feature in features)
    vocabulary = sorted(f for f, n in frequency.items() if n >= MIN_DOCUMENT_FREQUENCY)
    index = {feature: i for i, feature in enumerate(vocabulary)}
    documents = len(examples)
    idf = np.array(
        [np.log((1 + documents) / (1 + frequency[f])) + 1 for f in vocabulary], dtype=np.float32
    )

    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, features in enumerate(feature_sets):
        found = sorted(index[f] for f in features if f in index)
        weights = idf[found]
        norm = float(np.sqrt((weights * weights).sum())) or 1.0
        rows += [row] * len(found)
        columns += found
        values += (weights / norm).tolist()
    matrix = csr_matrix((values, (rows, columns)), shape=(documents, len(vocabulary)))

    def fit(labels: Sequence[str], rows: npt.NDArray[np.intp] | None = None) -> LinearSVC:
        part = matrix if rows is None else matrix[rows]
        return LinearSVC(C=SVM_C, random_state=0).fit(part, labels)

    def out_of_fold(labels: Sequence[str], classes: list[str]) -> npt.NDArray[np.float64]:
        scores = np.zeros((documents, len(classes)))
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
        for train, test in folds.split(np.zeros(documents), labels):
            model = fit([labels[i] for i in train], train)
            assert list(model.classes_) == classes
            scores[test] = model.decision_function(matrix[test])
        return scores

    intent_labels = [example.intent for example in examples]
    language_labels = [example.language for example in examples]
    intent_model, language_model = fit(intent_labels), fit(language_labels)
    intents, languages = list(intent_model.classes_), list(language_model.classes_)

    calibration: dict[str, Any] = {
        "intent_temperature": 1.0,
        "language_temperature": 1.0,
        "threshold": 0.0,
        "out_of_fold_intent_accuracy": None,
        "out_of_fold_language_accuracy": None,
    }
    if calibrate:
        intent_scores = out_of_fold(intent_labels, intents)
        intent_truth = np.array([intents.index(label) for label in intent_labels])
        intent_temperature = fit_temperature(intent_scores, intent_truth)
        probabilities = softmax(intent_scores, intent_temperature)
        language_scores = out_of_fold(language_labels, languages)
        masks = _candidate_masks(scripts, languages)
        language_truth = np.array([languages.index(label) for label in language_labels])
        language_temperature = fit_temperature(language_scores, language_truth, masks)
        language_guess = restricted_softmax(language_scores, language_temperature, masks)
        calibration = {
            "intent_temperature": intent_temperature,
            "language_temperature": language_temperature,
            "threshold": threshold_for_precision(probabilities, intent_truth, ACCEPTED_PRECISION),
            "out_of_fold_intent_accuracy": round(
                float((intent_scores.argmax(1) == intent_truth).mean()), 4
            ),
            "out_of_fold_language_accuracy": round(
                float((language_guess.argmax(1) == language_truth).mean()), 4
            ),
        }

    weights = np.hstack([intent_model.coef_.T, language_model.coef_.T]) * idf[:, None]
    scales = (np.abs(weights).max(axis=0) / 127).astype(np.float32)
    arrays: dict[str, npt.NDArray[Any]] = {
        "weights": np.rint(weights / scales).astype(np.int8),
        "scales": scales,
        "bias": np.concatenate([intent_model.intercept_, language_model.intercept_]).astype(
            np.float32
        ),
        "idf_squared": (idf * idf).astype(np.float32),
    }
    meta = {
        "intents": intents,
        "languages": languages,
        **calibration,
        "examples": documents,
        "min_document_frequency": MIN_DOCUMENT_FREQUENCY,
        "svm_c": SVM_C,
        "trained_with": {"scikit-learn": sklearn_version, "numpy": np.__version__},
    }
    return Trained(vocabulary, arrays, meta)


def _candidate_masks(scripts: list[str | None], languages: list[str]) -> npt.NDArray[np.bool_]:
    """Which languages each example's script allows (all of them when it has no letters)."""
    masks = np.ones((len(scripts), len(languages)), dtype=bool)
    for row, script in enumerate(scripts):
        allowed = LANGUAGES_OF_SCRIPT.get(script or "")
        if allowed:
            masks[row] = [language in allowed for language in languages]
    return masks
