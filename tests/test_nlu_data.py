"""The NLU training and evaluation data are well-formed, complete and kept apart."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from grievance.tickets.reference import is_valid
from nlu.training_data import DATA_DIR, EVAL_DIR, INTENTS, parse_annotated, read_file

TRAINING_FILES = sorted(DATA_DIR.glob("*.yml"))
ENTITIES = {"village_code", "ticket_ref", "duration", "village"}
ASCII_OR_NATIVE_DIGITS = str.maketrans(
    {
        chr(z + i): str(i)
        for z in (0x966, 0x9E6, 0xB66, 0xCE6, 0xBE6, 0xC66, 0xD66, 0xA66, 0xAE6, 0x6F0, 0x660)
        for i in range(10)
    }
)


def test_annotations_become_spans_over_the_plain_text() -> None:
    text, spans = parse_annotated("gaon [601014](village_code) me [3 din se](duration) pani nahi")
    assert text == "gaon 601014 me 3 din se pani nahi"
    assert [(s.entity, text[s.start : s.end]) for s in spans] == [
        ("village_code", "601014"),
        ("duration", "3 din se"),
    ]


@pytest.mark.skipif(not TRAINING_FILES, reason="no NLU data yet")
@pytest.mark.parametrize("path", TRAINING_FILES, ids=lambda p: p.stem)
def test_every_language_has_every_intent_in_training_and_eval(path: Path) -> None:
    held_out = EVAL_DIR / path.name
    assert held_out.exists(), f"no held-out evaluation file for {path.stem}"
    for examples in (list(read_file(path)), list(read_file(held_out))):
        counts = Counter(e.intent for e in examples)
        assert set(counts) == set(INTENTS)


@pytest.mark.skipif(not TRAINING_FILES, reason="no NLU data yet")
@pytest.mark.parametrize("path", TRAINING_FILES, ids=lambda p: p.stem)
def test_held_out_examples_are_not_in_training(path: Path) -> None:
    training = {e.text.casefold() for e in read_file(path)}
    held_out = {e.text.casefold() for e in read_file(EVAL_DIR / path.name)}
    assert training & held_out == set()


@pytest.mark.skipif(not TRAINING_FILES, reason="no NLU data yet")
@pytest.mark.parametrize(
    "path",
    TRAINING_FILES + sorted(EVAL_DIR.glob("*.yml")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_entity_annotations_are_known_and_valid(path: Path) -> None:
    for example in read_file(path):
        assert example.text.strip(), f"empty example in {path}"
        # A bracket left in the plain text is an annotation that lost its "(entity)".
        assert "[" not in example.text and "](" not in example.text, example.text
        for span in example.entities:
            assert span.entity in ENTITIES, f"{path.name}: unknown entity {span.entity}"
            digits = span.value.translate(ASCII_OR_NATIVE_DIGITS).replace(" ", "")
            if span.entity == "ticket_ref":
                assert is_valid(digits), f"{path.name}: invalid reference {span.value}"
            if span.entity == "village_code":
                assert digits.isdigit() and len(digits) == 6, f"{path.name}: {span.value}"
