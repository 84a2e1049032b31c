"""`jalsamvad nlu parse` and `jalsamvad nlu eval` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jalsamvad.cli import app

runner = CliRunner()

TEST_FILE = """\
version: "3.1"
nlu:
- intent: no_water
  examples: |
    - [601014](village_code) gaon me [3 din se](duration) pani nahi aaya
    - nal me pani hi nahi aata
- intent: thank
  examples: |
    - bahut bahut dhanyavad ji
"""


def test_parse_prints_intent_language_and_entities_as_json() -> None:
    result = runner.invoke(app, ["nlu", "parse", "--json", "601014 gaon me 3 din se pani nahi"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["intent"], data["language"]) == ("no_water", "hi-Latn")
    found = {(e["entity"], e["value"]) for e in data["entities"]}
    assert found >= {("village_code", "601014"), ("duration", "P3D")}


def test_parse_prints_a_table_for_people() -> None:
    result = runner.invoke(app, ["nlu", "parse", "नल टूट गया है"])
    assert result.exit_code == 0, result.output
    assert "broken_tap" in result.output and "hi" in result.output


def test_eval_reports_per_intent_and_per_language_scores(tmp_path: Path) -> None:
    test_file = tmp_path / "hi-Latn.yml"
    test_file.write_text(TEST_FILE, encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    result = runner.invoke(
        app, ["nlu", "eval", str(test_file), "--json", "--predictions", str(predictions)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["examples"] == 3
    assert set(report["per_intent"]) == {"no_water", "thank"} | {
        name for row in report["confusion"].values() for name in row
    }
    assert set(report["per_language"]) == {"hi-Latn"}
    assert 0 <= report["macro_f1"] <= 1 and 0 <= report["language_id_accuracy"] <= 1
    assert len(predictions.read_text(encoding="utf-8").splitlines()) == 3

    table = runner.invoke(app, ["nlu", "eval", str(test_file)])
    assert table.exit_code == 0, table.output
    assert "macro-F1" in table.output and "confusion" in table.output


def test_eval_of_a_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "en.yml"
    broken.write_text("nlu: [unclosed", encoding="utf-8")
    result = runner.invoke(app, ["nlu", "eval", str(broken)])
    assert result.exit_code == 1
    assert "not a readable Rasa NLU test file" in " ".join(result.output.split())

    wrong_shape = tmp_path / "hi.yml"
    wrong_shape.write_text("- just\n- a list\n", encoding="utf-8")
    result = runner.invoke(app, ["nlu", "eval", str(wrong_shape)])
    assert result.exit_code == 1 and "nlu" in result.output

    empty = tmp_path / "empty.yml"
    empty.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    result = runner.invoke(app, ["nlu", "eval", str(empty)])
    assert result.exit_code == 1 and "no examples" in result.output


def test_rasa_backend_without_a_url_is_refused_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JALSAMVAD_RASA_URL", raising=False)
    result = runner.invoke(app, ["nlu", "parse", "--backend", "rasa", "pani nahi"])
    assert result.exit_code == 1
    assert "JALSAMVAD_RASA_URL" in result.output
