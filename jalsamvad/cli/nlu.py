"""`jalsamvad nlu parse | eval | build`: try, measure and rebuild the language understanding."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from grievance.settings import Settings
from jalsamvad.cli.common import console, fail
from nlu.result import Backend

app = typer.Typer(no_args_is_help=True, help="Multilingual understanding of complaints.")


class BackendName(StrEnum):
    configured = "configured"
    embedded = "embedded"
    rasa = "rasa"


BackendOption = Annotated[
    BackendName,
    typer.Option(help="embedded, rasa (JALSAMVAD_RASA_URL), or as JALSAMVAD_NLU_BACKEND says"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output")]


def _backend(name: BackendName) -> Backend:
    import nlu

    settings = Settings()
    kind = settings.nlu_backend if name is BackendName.configured else name.value
    try:
        return nlu.make_backend(kind, settings.rasa_url)
    except ValueError as exc:
        fail(str(exc))


@app.command()
def parse(
    text: Annotated[str, typer.Argument(help="A message, e.g. 'paani nahi aa raha 3 din se'")],
    as_json: JsonOption = False,
    backend: BackendOption = BackendName.configured,
) -> None:
    """Intent, confidence, language and entities of one message."""
    result = _backend(backend).parse(text)
    if as_json:
        console.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    summary = Table(show_header=False, box=None)
    summary.add_row("intent", result.intent + ("  [yellow](unsure)[/]" if result.uncertain else ""))
    summary.add_row("confidence", f"{result.confidence:.2f}")
    summary.add_row("language", f"{result.language} ({result.language_confidence:.2f})")
    if result.truncated:
        summary.add_row("note", "the text was cut to its first 1,000 characters")
    console.print(summary)
    if result.entities:
        entities = Table("entity", "value", "text", "span")
        for entity in result.entities:
            entities.add_row(
                entity.entity, entity.value, entity.text, f"{entity.start}–{entity.end}"
            )
        console.print(entities)
    ranking = Table("intent", "confidence", title="ranking")
    for score in result.ranking[:5]:
        ranking.add_row(score.name, f"{score.confidence:.3f}")
    console.print(ranking)


@app.command("eval")
def evaluate_file(
    path: Annotated[
        Path, typer.Argument(help="Rasa NLU test file, or a directory of them", exists=True)
    ],
    as_json: JsonOption = False,
    backend: BackendOption = BackendName.configured,
    predictions: Annotated[
        Path | None, typer.Option(help="Also write every prediction here (JSON lines)")
    ] = None,
) -> None:
    """Per-intent precision/recall/F1, per-language accuracy, language ID and confusion matrix."""
    from nlu.evaluation import evaluate, load_examples

    try:
        examples = load_examples(path)
        report = evaluate(_backend(backend), examples)
    except (ValueError, OSError, yaml.YAMLError) as exc:
        fail(f"{path}: not a readable Rasa NLU test file: {exc}")
    if predictions is not None:
        with predictions.open("w", encoding="utf-8") as out:
            for p in report.predictions:
                out.write(json.dumps(vars(p), ensure_ascii=False) + "\n")
    if as_json:
        console.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    _print_report(report)


def _print_report(report: object) -> None:
    from nlu.evaluation import Evaluation

    assert isinstance(report, Evaluation)
    intents = Table("intent", "precision", "recall", "F1", "support", title="intents")
    for name, s in report.per_intent.items():
        intents.add_row(
            name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support)
        )
    console.print(intents)
    languages = Table("language", "intent accuracy", "language-ID accuracy", title="languages")
    for language, accuracy in report.per_language.items():
        languages.add_row(
            language, f"{accuracy:.3f}", f"{report.language_id_per_language[language]:.3f}"
        )
    console.print(languages)
    labels = list(report.confusion)
    confusion = Table("expected \\ predicted", *[label[:6] for label in labels], title="confusion")
    for label in labels:
        row = report.confusion[label]
        confusion.add_row(label, *[str(row.get(other, "")) for other in labels])
    console.print(confusion)
    console.print(
        f"[bold]{report.backend}[/]: {report.examples} examples, "
        f"accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}, "
        f"language ID {report.language_id_accuracy:.3f}, "
        f"calibration error {report.calibration_error:.3f}, "
        f"unsure {report.uncertain_share:.1%} (accuracy when sure {report.accepted_accuracy:.3f})",
        highlight=False,
    )


@app.command()
def build() -> None:
    """Retrain the embedded model from nlu/data (needs the nlu-build extra: scikit-learn)."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        fail("building needs scikit-learn: pip install -e '.[nlu-build]'")
    from nlu.build import build as build_model

    report = build_model()
    console.print(
        f"wrote {report.path} from {report.examples} examples: {report.vocabulary} features, "
        f"out-of-fold accuracy {report.out_of_fold_intent_accuracy:.3f} (intent), "
        f"{report.out_of_fold_language_accuracy:.3f} (language), unsure below "
        f"{report.threshold:.2f}, in {report.seconds:.1f} s",
        highlight=False,
    )
