"""Routing and SLA rules as validated data (see policy.toml)."""

from __future__ import annotations

import tomllib
from datetime import timedelta
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
        hours = self.sla_hours[category]
        return tuple(level for level in LADDER if level in hours)

    def sla(self, category: Category, level: Level) -> timedelta:
        """Time allowed at `level`; a level the category skips gets the next listed one's."""
        for rung in LADDER[LADDER.index(level) :]:
            if rung in self.sla_hours[category]:
                return timedelta(hours=self.sla_hours[category][rung])
        return timedelta(hours=self.sla_hours[category][self.ladder(category)[-1]])

    def levels_above(self, category: Category, level: Level) -> tuple[Level, ...]:
        return tuple(
            rung for rung in self.ladder(category) if LADDER.index(rung) > LADDER.index(level)
        )


def load_policy(path: Path | None) -> Policy:
    with (path or DEFAULT_POLICY_FILE).open("rb") as handle:
        return Policy.model_validate(tomllib.load(handle))
