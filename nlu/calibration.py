"""Turning classifier scores into honest probabilities, and choosing when to be unsure."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.floating]
_TEMPERATURES = np.geomspace(0.01, 5.0, 400)


def softmax(scores: Scores, temperature: float) -> npt.NDArray[np.float64]:
    scaled = np.asarray(scores, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    result: npt.NDArray[np.float64] = exp / exp.sum(axis=-1, keepdims=True)
    return result


def restricted_softmax(
    scores: Scores, temperature: float, allowed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    """Softmax over the allowed classes only; the others get probability 0."""
    masked = np.where(allowed, np.asarray(scores, dtype=np.float64), -np.inf)
    return softmax(masked, temperature)


def fit_temperature(
    scores: Scores,
    truth: npt.NDArray[np.integer],
    allowed: npt.NDArray[np.bool_] | None = None,
) -> float:
    """The temperature with the least negative log-likelihood, from a fixed grid (deterministic)."""
    mask = np.ones(np.shape(scores), dtype=bool) if allowed is None else allowed
    rows = np.arange(len(truth))
    losses = [
        -np.log(np.maximum(restricted_softmax(scores, t, mask)[rows, truth], 1e-12)).mean()
        for t in _TEMPERATURES
    ]
    return float(_TEMPERATURES[int(np.argmin(losses))])


def threshold_for_precision(
    probabilities: npt.NDArray[np.float64], truth: npt.NDArray[np.integer], precision: float
) -> float:
    """The lowest confidence above which predictions are right at least `precision` of the time."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    for candidate in np.round(np.arange(0.0, 1.0, 0.01), 2):
        accepted = confidence >= candidate
        if accepted.any() and correct[accepted].mean() >= precision:
            return float(candidate)
    return 1.0
