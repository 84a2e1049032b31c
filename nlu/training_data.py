"""Reads the NLU training data: Rasa 3 NLU YAML, one file per language (`nlu/data/<tag>.yml`).

Rasa reads the same files (`rasa train nlu`), so they stay the single source of truth. Inline
entity annotations (`[3 din se](duration)`) are parsed into spans over the plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")
EVAL_DIR = Path(__file__).with_name("eval")

COMPLAINT_INTENTS = (
    "no_water",
    "low_pressure",
    "irregular_supply",
    "dirty_water",
    "health_issue",
    "leakage",
    "broken_tap",
    "no_connection",
    "billing",
)
DIALOGUE_INTENTS = (
    "check_status",
    "greet",
    "affirm",
    "deny",
    "thank",
    "help",
    "change_language",
    "out_of_scope",
)
INTENTS = COMPLAINT_INTENTS + DIALOGUE_INTENTS

_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<entity>[a-z_]+)\)")


@dataclass(frozen=True)
class EntitySpan:
    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str
    entities: tuple[EntitySpan, ...] = ()


def parse_annotated(line: str) -> tuple[str, tuple[EntitySpan, ...]]:
    """Plain text and entity spans from "paani nahi [3 din se](duration)"."""
    parts, spans, cursor, length = [], [], 0, 0
    for match in _ANNOTATION.finditer(line):
        before = line[cursor : match.start()]
        parts.append(before)
        length += len(before)
        value = match.group("text")
        spans.append(EntitySpan(match.group("entity"), value, length, length + len(value)))
        parts.append(value)
        length += len(value)
        cursor = match.end()
    parts.append(line[cursor:])
    return "".join(parts), tuple(spans)


def read_file(path: Path) -> Iterator[Example]:
    """Examples of one file; the file name is the language tag ("hi-Latn.yml" → "hi-Latn")."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = document.get("nlu") if isinstance(document, dict) else None
    if not isinstance(blocks, list):
        raise ValueError(f"{path}: expected Rasa NLU YAML with an 'nlu:' list")
    language = path.stem
    for block in blocks:
        intent = block.get("intent") if isinstance(block, dict) else None
        if intent is None:
            continue  # synonyms, lookups and regexes live beside intents
        for raw in str(block.get("examples", "")).splitlines():
            line = raw.strip()
            if line.startswith("- "):
                text, spans = parse_annotated(line[2:].strip())
                yield Example(text, intent, language, spans)


def read_dir(directory: Path) -> list[Example]:
    return [example for path in sorted(directory.glob("*.yml")) for example in read_file(path)]
