"""The embedded model: two linear classifiers (intent, language) over one feature vocabulary.

Stored as one small zip (`nlu/model/embedded.zip`) written by `nlu.build`; loading it takes
tens of milliseconds and needs only numpy. Weights are int8 with one scale per class: the
scores move by well under a percent and the file stays small enough to keep in the repository.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.features import FeatureIndexer

MODEL_PATH = Path(__file__).with_name("model") / "embedded.zip"
FORMAT_VERSION = 1

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Scores:
    script: str | None
    intent: FloatArray
    language: FloatArray
    known_features: int


class LinearModel:
    """Raw class scores for a cleaned text; calibration and decisions are the caller's."""

    def __init__(
        self,
        vocabulary: list[str],
        weights: npt.NDArray[np.int8],
        scales: FloatArray,
        bias: FloatArray,
        idf_squared: FloatArray,
        meta: dict[str, Any],
    ) -> None:
        self.meta = meta
        self.intents: list[str] = meta["intents"]
        self.languages: list[str] = meta["languages"]
        self._indexer = FeatureIndexer({feature: i for i, feature in enumerate(vocabulary)})
        self._weights = weights
        self._scales = scales
        self._bias = bias
        self._idf_squared = idf_squared

    def scores(self, text: str) -> Scores:
        script, found = self._indexer.indices(text)
        split = len(self.intents)
        if not found:
            return Scores(script, self._bias[:split].copy(), self._bias[split:].copy(), 0)
        rows = np.fromiter(found, dtype=np.intp, count=len(found))
        # Features are idf-weighted and the vector L2-normalised; the idf is already folded
        # into the weights, so only the norm is computed here.
        norm = float(np.sqrt(self._idf_squared[rows].sum()))
        raw = self._weights[rows].sum(axis=0, dtype=np.float32) * self._scales / norm + self._bias
        return Scores(script, raw[:split], raw[split:], len(found))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearModel:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("meta.json"))
            if meta.get("format") != FORMAT_VERSION:
                raise ValueError(f"{path}: model format {meta.get('format')}, expected 1")
            vocabulary = archive.read("vocabulary.txt").decode("utf-8").split("\n")
            arrays = {name: _read_array(archive, name) for name in _ARRAYS}
        return cls(vocabulary, meta=meta, **arrays)

    @staticmethod
    def save(
        path: Path,
        vocabulary: list[str],
        arrays: dict[str, npt.NDArray[Any]],
        meta: dict[str, Any],
    ) -> None:
        """Writes the same bytes for the same model: fixed entry order and timestamps."""
        entries = {
            "meta.json": json.dumps({**meta, "format": FORMAT_VERSION}, indent=1, sort_keys=True),
            "vocabulary.txt": "\n".join(vocabulary),
        }
        blobs = {name: text.encode("utf-8") for name, text in entries.items()}
        for name in _ARRAYS:
            buffer = io.BytesIO()
            np.save(buffer, arrays[name], allow_pickle=False)
            blobs[f"{name}.npy"] = buffer.getvalue()
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w") as archive:
            for name in sorted(blobs):
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, blobs[name], compresslevel=9)


_ARRAYS = ("weights", "scales", "bias", "idf_squared")


def _read_array(archive: zipfile.ZipFile, name: str) -> npt.NDArray[Any]:
    array: npt.NDArray[Any] = np.load(io.BytesIO(archive.read(f"{name}.npy")), allow_pickle=False)
    return array
