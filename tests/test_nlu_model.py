"""The packaged model is built from the current training data, reproducibly, and is accurate."""

from __future__ import annotations

import json
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from nlu.build import build, data_fingerprint
from nlu.embedded import EmbeddedBackend
from nlu.evaluation import evaluate
from nlu.model import MODEL_PATH, LinearModel
from nlu.training_data import EVAL_DIR, INTENTS, read_dir


def _meta(path: Path) -> dict[str, object]:
    with zipfile.ZipFile(path) as archive:
        meta: dict[str, object] = json.loads(archive.read("meta.json"))
    return meta


def test_the_packaged_model_was_built_from_the_current_training_data() -> None:
    assert _meta(MODEL_PATH)["data_sha256"] == data_fingerprint(), (
        "nlu/data changed since the model was built: run `jalsamvad nlu build`"
    )


def test_the_model_knows_exactly_the_documented_intents() -> None:
    assert sorted(LinearModel.load().intents) == sorted(INTENTS)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "embedded.zip"
    build(path)
    return path


def test_building_again_reproduces_the_packaged_model(rebuilt: Path) -> None:
    ours, packaged = _meta(rebuilt), _meta(MODEL_PATH)
    same_libraries = packaged["trained_with"] == {
        "scikit-learn": version("scikit-learn"),
        "numpy": version("numpy"),
    }
    if same_libraries:
        assert rebuilt.read_bytes() == MODEL_PATH.read_bytes()
    else:  # another solver version may move weights slightly; the decisions must not move
        ours.pop("trained_with"), packaged.pop("trained_with")
        assert ours["data_sha256"] == packaged["data_sha256"]
        texts = [example.text for example in read_dir(EVAL_DIR)]
        new, old = EmbeddedBackend(LinearModel.load(rebuilt)), EmbeddedBackend()
        agree = sum(new.parse(t).intent == old.parse(t).intent for t in texts) / len(texts)
        assert agree > 0.99


def test_held_out_accuracy_meets_the_targets() -> None:
    report = evaluate(EmbeddedBackend(), read_dir(EVAL_DIR))
    assert report.macro_f1 >= 0.92
    assert min(report.per_language.values()) >= 0.85, report.per_language
    assert report.language_id_accuracy >= 0.95
