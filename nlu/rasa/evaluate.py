"""Evaluates a running Rasa server on the held-out data (nlu/eval) through `RasaBackend`.

    python -m nlu.rasa.evaluate --url http://127.0.0.1:5005 [--pid PID] [--out FILE]

One client, one request at a time, so the timings are single-client latency. Writes every
prediction as one JSON line (text, language = file stem, expected, predicted, confidence, ...) so
`bench/bench_nlu.py --rasa-predictions` can set it beside the embedded model, and prints a JSON
summary: the metrics of `jalsamvad nlu eval` (nlu.evaluation), parses/s, p50/p99 latency and,
given the server's PID, its resident memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlu import evaluation
from nlu.backends.rasa import RasaBackend
from nlu.training_data import EVAL_DIR, read_dir

DEFAULT_OUT = Path(tempfile.gettempdir()) / "rasa_eval_predictions.jsonl"


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def rss_mib(pid: int) -> dict[str, float]:
    """Resident memory of a process (now and peak), from /proc, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def summarise(predictions: Sequence[evaluation.Prediction], wall_seconds: float) -> dict[str, Any]:
    """The same metrics as `jalsamvad nlu eval`, plus single-client latency."""
    report = evaluation.score("rasa", list(predictions))
    latencies_ms = [p.seconds * 1000 for p in predictions]
    return {
        "examples": report.examples,
        "intent_accuracy": round(report.accuracy, 4),
        "macro_f1": round(report.macro_f1, 4),
        "fallbacks": sum(p.uncertain for p in predictions),
        "per_language_accuracy": {
            language: round(accuracy, 4) for language, accuracy in report.per_language.items()
        },
        "parses_per_second": round(len(predictions) / wall_seconds, 1),
        "latency_ms": {
            "p50": round(percentile(latencies_ms, 0.50), 2),
            "p99": round(percentile(latencies_ms, 0.99), 2),
            "mean": round(statistics.fmean(latencies_ms), 2),
            "max": round(max(latencies_ms), 2),
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="Rasa server, e.g. http://127.0.0.1:5005")
    parser.add_argument("--pid", type=int, help="the server's PID, to report its memory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="predictions (JSON lines)")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--warm-up", type=int, default=20, help="requests sent before timing")
    args = parser.parse_args(argv)

    examples = read_dir(args.eval_dir)
    with RasaBackend(args.url, timeout=30.0) as backend:
        for example in examples[: args.warm_up]:
            backend.parse(example.text)
        started = time.perf_counter()
        predictions = evaluation.predict(backend, examples)
        wall_seconds = time.perf_counter() - started
    with args.out.open("w", encoding="utf-8") as handle:
        for prediction in predictions:
            handle.write(json.dumps(vars(prediction), ensure_ascii=False) + "\n")
    summary = summarise(predictions, wall_seconds)
    if args.pid:
        summary["server_memory_mib"] = rss_mib(args.pid)
    summary["predictions"] = str(args.out)
    json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
