"""NLU benchmark: accuracy on held-out data, cross-validation by language, speed, memory, start.

    .venv/bin/python bench/bench_nlu.py                 # everything (about 5 minutes)
    .venv/bin/python bench/bench_nlu.py --skip-cv       # without the 5 retrainings
    .venv/bin/python bench/bench_nlu.py --rasa-predictions /tmp/rasa_eval_predictions.jsonl

Speed is measured in a child process pinned to one core, parsing the held-out messages in a
shuffled stream: a first pass with cold word caches, then steady-state passes. Cross-validation
retrains on four fifths of `nlu/data` and tests on the rest, folds grouped so near-duplicate
phrasings (same language and intent, token-set similarity ≥ 80) never straddle train and test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlu.evaluation import Evaluation, Prediction, evaluate, score  # noqa: E402
from nlu.training_data import DATA_DIR, EVAL_DIR, Example, read_dir  # noqa: E402

SPEED_CHILD = r"""
import json, os, random, sys, time
os.sched_setaffinity(0, {0})
started = time.perf_counter()
import nlu
nlu.parse("warm up")
load = time.perf_counter() - started
from nlu.training_data import EVAL_DIR, read_dir
texts = [e.text for e in read_dir(EVAL_DIR)]
random.Random(0).shuffle(texts)
def run(stream):
    latencies = []
    for text in stream:
        t = time.perf_counter(); nlu.parse(text); latencies.append(time.perf_counter() - t)
    return latencies
cold = run(texts)
steady = run(texts * 5)
def summary(lat):
    lat = sorted(lat)
    return {"parses_per_s": len(lat) / sum(lat), "p50_ms": lat[len(lat) // 2] * 1e3,
            "p99_ms": lat[int(len(lat) * 0.99)] * 1e3, "max_ms": lat[-1] * 1e3}
# VmHWM, not ru_maxrss: after fork and exec, ru_maxrss can still report the parent's peak.
status = open("/proc/self/status").read()
peak_kib = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"load_s": load, "cold": summary(cold), "steady": summary(steady),
                  "peak_rss_mib": peak_kib / 1024}))
"""

READY_CHILD = "import nlu; print(nlu.parse('paani nahi aa raha').intent, flush=True)"


def measure_speed() -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-c", SPEED_CHILD], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    result: dict[str, object] = json.loads(output)
    return result


def measure_ready(repeat: int = 5) -> list[float]:
    """Seconds from starting a fresh interpreter to the first parsed answer, as a caller sees."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", READY_CHILD], check=True, cwd=ROOT, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return times


def phrasing_groups(examples: list[Example]) -> list[int]:
    """Greedy clusters of near-duplicate phrasings within each language and intent."""
    groups = [-1] * len(examples)
    by_class: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        by_class[(example.language, example.intent)].append(i)
    next_group = 0
    for members in by_class.values():
        leaders: list[int] = []
        for i in members:
            text = examples[i].text.lower()
            match = next(
                (
                    lead
                    for lead in leaders
                    if fuzz.token_set_ratio(text, examples[lead].text.lower()) >= 80
                ),
                None,
            )
            if match is None:
                leaders.append(i)
                groups[i] = next_group
                next_group += 1
            else:
                groups[i] = groups[match]
    return groups


def cross_validate(folds: int = 5) -> Evaluation:
    from sklearn.model_selection import GroupKFold

    from nlu.build import train
    from nlu.embedded import EmbeddedBackend
    from nlu.model import LinearModel

    examples = read_dir(DATA_DIR)
    groups = phrasing_groups(examples)
    # Calibrating inside every fold would mean five more cross-validations; the packaged
    # model's temperatures and threshold stand in for them.
    packaged = LinearModel.load().meta
    calibration = {
        key: packaged[key] for key in ("intent_temperature", "language_temperature", "threshold")
    }
    predictions: list[Prediction] = []
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=0)
    for number, (train_rows, test_rows) in enumerate(splitter.split(examples, groups=groups), 1):
        started = time.perf_counter()
        trained = train([examples[i] for i in train_rows], calibrate=False)
        trained.meta.update(calibration)
        model = trained.model()
        backend = EmbeddedBackend(model)
        report = evaluate(backend, [examples[i] for i in test_rows])
        predictions += report.predictions
        seconds = time.perf_counter() - started
        print(f"  fold {number}: accuracy {report.accuracy:.3f} ({seconds:.0f} s)")
    return score("embedded (5-fold CV)", predictions)


def rasa_report(path: Path) -> Evaluation:
    """Scores the predictions `python -m nlu.rasa.evaluate` wrote, with the same code as ours."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return score("rasa DIET", [Prediction(**json.loads(line)) for line in lines if line])


def table(reports: list[Evaluation]) -> None:
    print("| | " + " | ".join(r.backend for r in reports) + " |")
    print("| --- |" + " --- |" * len(reports))
    print("| examples | " + " | ".join(str(r.examples) for r in reports) + " |")
    metrics: list[tuple[str, Callable[[Evaluation], float]]] = [
        ("macro-F1", lambda r: r.macro_f1),
        ("accuracy", lambda r: r.accuracy),
        ("language-ID accuracy", lambda r: r.language_id_accuracy),
        ("calibration error (ECE)", lambda r: r.calibration_error),
        ("lowest language", lambda r: min(r.per_language.values())),
    ]
    for label, value in metrics:
        print(f"| {label} | " + " | ".join(f"{value(r):.3f}" for r in reports) + " |")
    languages = sorted({language for r in reports for language in r.per_language})
    for language in languages:
        print(
            f"| {language} | "
            + " | ".join(
                f"{r.per_language.get(language, float('nan')):.3f}"
                f" (LID {r.language_id_per_language.get(language, float('nan')):.3f})"
                for r in reports
            )
            + " |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--rasa-predictions", type=Path)
    args = parser.parse_args()

    from nlu.embedded import EmbeddedBackend

    reports = [evaluate(EmbeddedBackend(), read_dir(EVAL_DIR))]
    reports[0].backend = "embedded (held-out nlu/eval)"
    if args.rasa_predictions:
        reports.append(rasa_report(args.rasa_predictions))
    if not args.skip_cv:
        print("cross-validation, folds grouped by phrasing:")
        reports.append(cross_validate())
    print("\n## Accuracy\n")
    table(reports)
    held_out = reports[0]
    print(
        f"\nunsure (confidence below the threshold): {held_out.uncertain_share:.1%} of held-out "
        f"messages; accuracy of the rest {held_out.accepted_accuracy:.3f}"
    )

    print("\n## Speed (one core)\n")
    speed = measure_speed()
    ready = measure_ready()
    print(json.dumps(speed, indent=1))
    print(
        f"ready (fresh interpreter to first answer): median {statistics.median(ready):.2f} s, "
        f"range {min(ready):.2f}–{max(ready):.2f} s"
    )
    print(f"\ncommand: .venv/bin/python bench/bench_nlu.py {' '.join(sys.argv[1:])}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")


if __name__ == "__main__":
    main()
