"""IS 10500 drinking-water limits, loaded from versioned data (is10500.toml).

Limits change (the JJM iron figure already differs from the 2012 text), so they live in a file
a state can replace, not in code. The file is checked as it loads: a limit that is missing,
inverted or looser than the one it relaxes would silently pass unsafe water, so it is refused
with a `ValueError` naming the parameter.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeAlias

DEFAULT_LIMITS_FILE = Path(__file__).with_name("is10500.toml")

_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_MEASURED_KEYS = frozenset({"name", "unit", "acceptable", "permissible", "plausible"})
_PRESENCE_KEYS = frozenset({"name", "sample_ml"})
_ENDS = frozenset({"min", "max"})


@dataclass(frozen=True)
class Interval:
    """A closed interval; an absent end is unbounded. Ends are inclusive, as in the standard."""

    min: float | None = None
    max: float | None = None

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def covers(self, other: Interval) -> bool:
        """Whether every value of `other` lies in this interval."""
        low_ok = self.min is None or (other.min is not None and other.min >= self.min)
        high_ok = self.max is None or (other.max is not None and other.max <= self.max)
        return low_ok and high_ok

    def describe(self, unit: str = "") -> str:
        suffix = f" {unit}" if unit else ""
        if self.min is not None and self.max is not None:
            return f"{self.min:g}–{self.max:g}{suffix}"
        if self.max is not None:
            return f"≤ {self.max:g}{suffix}"
        return f"≥ {self.min:g}{suffix}"


@dataclass(frozen=True)
class ParameterLimit:
    """A measured parameter. Within `acceptable`: fine. Within `permissible`: tolerated only
    where there is no alternative source. Beyond it: unsafe. Outside `plausible`: not a real
    reading."""

    key: str
    name: str
    unit: str
    acceptable: Interval
    permissible: Interval
    plausible: Interval

    def describe(self) -> str:
        acceptable = self.acceptable.describe(self.unit)
        if self.permissible == self.acceptable:
            return f"{acceptable} (no relaxation)"
        return f"acceptable {acceptable}, permissible {self.permissible.describe(self.unit)}"


@dataclass(frozen=True)
class PresenceLimit:
    """A presence/absence test (coliform, E. coli): must not be detectable in the sample."""

    key: str
    name: str
    sample_ml: int

    def describe(self) -> str:
        return f"not detectable in {self.sample_ml} mL"


Limit: TypeAlias = ParameterLimit | PresenceLimit


@dataclass(frozen=True)
class Limits:
    """One version of the limits, parameters by their stable id (`ph`, `tds`, `e_coli`, ...)."""

    version: str
    parameters: Mapping[str, Limit]


def load_limits(path: Path | None = None) -> Limits:
    """Read and check a limits file; the packaged is10500.toml by default."""
    source = path or DEFAULT_LIMITS_FILE
    try:
        return parse_limits(tomllib.loads(source.read_text(encoding="utf-8")))
    except ValueError as error:  # tomllib.TOMLDecodeError is one too
        raise ValueError(f"{source.name}: {error}") from error


def parse_limits(data: Mapping[str, object]) -> Limits:
    _check_keys("the limits file", data, required=frozenset({"version", "parameters"}))
    version, parameters = data["version"], data["parameters"]
    if not isinstance(version, str) or not version.strip():
        raise ValueError("'version' must be a non-empty string")
    if not isinstance(parameters, dict) or not parameters:
        raise ValueError("'parameters' must be a table with at least one parameter")
    parsed = {key: _parameter(key, table) for key, table in parameters.items()}
    return Limits(version=version, parameters=MappingProxyType(parsed))


def _parameter(key: str, table: object) -> Limit:
    where = f"parameter '{key}'"
    if not _KEY.fullmatch(key):
        raise ValueError(f"{where}: the id must be snake_case, like 'residual_chlorine'")
    if not isinstance(table, dict):
        raise ValueError(f"{where}: must be a table")
    kind = table.get("kind", "measured")
    body = {name: value for name, value in table.items() if name != "kind"}
    if kind == "measured":
        return _measured(key, where, body)
    if kind == "presence":
        return _presence(key, where, body)
    raise ValueError(f"{where}: unknown kind {kind!r} (expected 'measured' or 'presence')")


def _measured(key: str, where: str, table: dict[str, object]) -> ParameterLimit:
    _check_keys(where, table, required=_MEASURED_KEYS)
    limit = ParameterLimit(
        key=key,
        name=_text(where, "name", table["name"], allow_empty=False),
        unit=_text(where, "unit", table["unit"], allow_empty=True),
        acceptable=_interval(where, "acceptable", table["acceptable"]),
        permissible=_interval(where, "permissible", table["permissible"]),
        plausible=_interval(where, "plausible", table["plausible"], both_ends=True),
    )
    _check_consistent(where, limit)
    return limit


def _check_consistent(where: str, limit: ParameterLimit) -> None:
    if not limit.permissible.covers(limit.acceptable):
        raise ValueError(
            f"{where}: the acceptable limit ({limit.acceptable.describe(limit.unit)}) is looser "
            f"than the permissible limit ({limit.permissible.describe(limit.unit)})"
        )
    for name, interval in (("acceptable", limit.acceptable), ("permissible", limit.permissible)):
        ends = [end for end in (interval.min, interval.max) if end is not None]
        if not all(limit.plausible.contains(end) for end in ends):
            raise ValueError(
                f"{where}: the {name} limit ({interval.describe(limit.unit)}) lies outside the "
                f"plausible range ({limit.plausible.describe(limit.unit)})"
            )


def _presence(key: str, where: str, table: dict[str, object]) -> PresenceLimit:
    _check_keys(where, table, required=_PRESENCE_KEYS)
    sample_ml = table["sample_ml"]
    if isinstance(sample_ml, bool) or not isinstance(sample_ml, int) or sample_ml <= 0:
        raise ValueError(f"{where}: 'sample_ml' must be a positive whole number of millilitres")
    name = _text(where, "name", table["name"], allow_empty=False)
    return PresenceLimit(key=key, name=name, sample_ml=sample_ml)


def _interval(where: str, field: str, value: object, *, both_ends: bool = False) -> Interval:
    what = f"{where}: '{field}'"
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a table like {{ min = 0, max = 5 }}")
    _check_keys(what, value, required=_ENDS if both_ends else frozenset(), optional=_ENDS)
    if not value:
        raise ValueError(f"{what} needs a 'min', a 'max' or both")
    low, high = (_number(what, value.get(end)) for end in ("min", "max"))
    if low is not None and high is not None and low > high:
        raise ValueError(f"{what} has min {low:g} above max {high:g}")
    return Interval(min=low, max=high)


def _number(what: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must hold finite numbers, not {value!r}")
    return float(value)


def _text(where: str, field: str, value: object, *, allow_empty: bool) -> str:
    if not isinstance(value, str) or not (allow_empty or value.strip()):
        kind = "string" if allow_empty else "non-empty string"
        raise ValueError(f"{where}: '{field}' must be a {kind}")
    return value


def _check_keys(
    where: str,
    table: Mapping[str, object],
    *,
    required: frozenset[str],
    optional: frozenset[str] = frozenset(),
) -> None:
    unknown = sorted(set(table) - required - optional)
    if unknown:
        expected = ", ".join(sorted(required | optional))
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (expected: {expected})")
    missing = sorted(required - set(table))
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
