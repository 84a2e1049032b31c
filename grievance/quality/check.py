"""Grade field-test-kit (FTK) readings against the IS 10500 limits.

A village's testers read a kit and send numbers (or "detected" for bacteria); this says, per
reading, whether the water is within the acceptable limit, only within the permissible one, or
beyond it. Anything beyond permissible must reach the lab and the Executive Engineer at once,
so a wrong number must not slip through as a verdict: impossible or ill-typed readings are
refused with a `ValidationError` naming the parameter, never graded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from grievance.errors import ValidationError
from grievance.quality.limits import Limit, Limits, ParameterLimit, PresenceLimit


class Verdict(StrEnum):
    """Best first: a later verdict is always worse."""

    ACCEPTABLE = "acceptable"
    PERMISSIBLE = "permissible"  # beyond acceptable, within permissible: no alternative source
    UNSAFE = "unsafe"  # beyond permissible: escalate at once

    @property
    def severity(self) -> int:
        return list(Verdict).index(self)


@dataclass(frozen=True)
class Reading:
    """One kit result: a number in the parameter's unit, or for bacteria whether detected."""

    parameter: str
    value: float | bool


@dataclass(frozen=True)
class Finding:
    reading: Reading
    verdict: Verdict
    limit: Limit

    @property
    def compared_with(self) -> str:
        """The limit in words, e.g. 'acceptable ≤ 1 NTU, permissible ≤ 5 NTU'."""
        return self.limit.describe()


@dataclass(frozen=True)
class Report:
    version: str  # of the limits used, so a verdict can be traced later
    findings: tuple[Finding, ...]

    @property
    def unsafe(self) -> tuple[Finding, ...]:
        """Readings beyond the permissible limit: these escalate at once to the lab and EE."""
        return tuple(f for f in self.findings if f.verdict is Verdict.UNSAFE)

    @property
    def worst(self) -> Verdict:
        return max((f.verdict for f in self.findings), key=lambda verdict: verdict.severity)


def check(limits: Limits, readings: Iterable[Reading]) -> Report:
    """Grade every reading; refuse the whole test if any reading is unknown, repeated or bad."""
    readings = tuple(readings)
    if not readings:
        raise ValidationError("no readings to check")
    seen: set[str] = set()
    findings = []
    for reading in readings:
        if reading.parameter in seen:
            raise ValidationError(f"{reading.parameter}: read twice in one test; send it once")
        seen.add(reading.parameter)
        findings.append(_grade(_limit(limits, reading.parameter), reading))
    return Report(version=limits.version, findings=tuple(findings))


def _limit(limits: Limits, parameter: str) -> Limit:
    limit = limits.parameters.get(parameter)
    if limit is None:
        known = ", ".join(sorted(limits.parameters))
        raise ValidationError(f"unknown parameter {parameter!r} (known: {known})")
    return limit


def _grade(limit: Limit, reading: Reading) -> Finding:
    if isinstance(limit, PresenceLimit):
        verdict = Verdict.UNSAFE if _detected(limit, reading.value) else Verdict.ACCEPTABLE
    else:
        verdict = grade(limit, _measurement(limit, reading.value))
    return Finding(reading=reading, verdict=verdict, limit=limit)


def grade(limit: ParameterLimit, value: float) -> Verdict:
    """The verdict for a valid measurement; limits are inclusive (at the limit is within it)."""
    if limit.acceptable.contains(value):
        return Verdict.ACCEPTABLE
    if limit.permissible.contains(value):
        return Verdict.PERMISSIBLE
    return Verdict.UNSAFE


def _detected(limit: PresenceLimit, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(
            f"{limit.key}: expects detected or not (true/false) in {limit.sample_ml} mL, "
            f"got {value!r}"
        )
    return value


def _measurement(limit: ParameterLimit, value: object) -> float:
    expects = f"expects a number in {limit.unit}" if limit.unit else "expects a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{limit.key}: {expects}, got {value!r}")
    if not math.isfinite(value):
        raise ValidationError(f"{limit.key}: {value!r} is not a reading ({expects})")
    if not limit.plausible.contains(value):
        unit = f" {limit.unit}" if limit.unit else ""
        raise ValidationError(
            f"{limit.key}: {value:g}{unit} is impossible; a real reading lies in "
            f"{limit.plausible.describe(limit.unit)}"
        )
    return float(value)
