"""Routing and SLA rules as validated data (see policy.toml)."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator

from grievance.tickets.enums import Category, Priority
from grievance.types import LADDER, Level

DEFAULT_POLICY_FILE = Path(__file__).with_name("policy.toml")


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: str
    urgent: frozenset[Category] = Field(default_factory=frozenset)
    notify: dict[Category, tuple[Level, ...]] = Field(default_factory=dict)
    sla_hours: dict[Category, dict[Level, PositiveFloat]]

    @model_validator(mode="after")
    def _every_category_has_a_ladder(self) -> Policy:
        missing = [c.value for c in Category if not self.sla_hours.get(c)]
        if missing:
            raise ValueError(f"no SLA hours for categories: {', '.join(missing)}")
        return self

    def priority(self, category: Category) -> Priority:
        return Priority.URGENT if category in self.urgent else Priority.NORMAL

    def ladder(self, category: Category) -> tuple[Level, ...]:
        return self._ladders[category]

    def sla(self, category: Category, level: Level) -> timedelta:
        """Time allowed at `level`; a level the category skips gets the next listed one's."""
        return self._slas[category, level]

    def levels_above(self, category: Category, level: Level) -> tuple[Level, ...]:
        return self._above[category, level]

    # The sweep asks these for every overdue incident: answer from tables built once.

    @cached_property
    def _ladders(self) -> dict[Category, tuple[Level, ...]]:
        return {
            category: tuple(level for level in LADDER if level in self.sla_hours[category])
            for category in Category
        }

    @cached_property
    def _above(self) -> dict[tuple[Category, Level], tuple[Level, ...]]:
        return {
            (category, level): tuple(
                rung for rung in ladder if LADDER.index(rung) > LADDER.index(level)
            )
            for category, ladder in self._ladders.items()
            for level in LADDER
        }

    @cached_property
    def _slas(self) -> dict[tuple[Category, Level], timedelta]:
        table = {}
        for category, ladder in self._ladders.items():
            hours = self.sla_hours[category]
            for level in LADDER:
                at_or_above = [rung for rung in LADDER[LADDER.index(level) :] if rung in hours]
                rung = at_or_above[0] if at_or_above else ladder[-1]
                table[category, level] = timedelta(hours=hours[rung])
        return table


def load_policy(path: Path | None) -> Policy:
    with (path or DEFAULT_POLICY_FILE).open("rb") as handle:
        return Policy.model_validate(tomllib.load(handle))
