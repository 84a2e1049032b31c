"""IS 10500 limits as data, and FTK readings graded against them (grievance/quality)."""

from __future__ import annotations

import ast
import math
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grievance.errors import ValidationError
from grievance.quality import (
    ParameterLimit,
    PresenceLimit,
    Reading,
    Verdict,
    check,
    load_limits,
)
from grievance.quality.limits import DEFAULT_LIMITS_FILE, Interval

ROOT = Path(__file__).resolve().parents[1]
LIMITS = load_limits()
MEASURED = sorted(k for k, v in LIMITS.parameters.items() if isinstance(v, ParameterLimit))

# DESIGN.md §2 "Service standard": (acceptable, permissible) as (min, max); None = unbounded.
DESIGN = {
    "ph": ((6.5, 8.5), (6.5, 8.5)),
    "tds": ((None, 500), (None, 2000)),
    "turbidity": ((None, 1), (None, 5)),
    "colour": ((None, 5), (None, 15)),
    "hardness": ((None, 200), (None, 600)),
    "alkalinity": ((None, 200), (None, 600)),
    "chloride": ((None, 250), (None, 1000)),
    "sulphate": ((None, 200), (None, 400)),
    "fluoride": ((None, 1.0), (None, 1.5)),
    "nitrate": ((None, 45), (None, 45)),
    "iron": ((None, 1.0), (None, 1.0)),
    "arsenic": ((None, 0.01), (None, 0.01)),
    "residual_chlorine": ((0.2, None), (0.2, None)),
}


def verdict_of(parameter: str, value: float | bool) -> Verdict:
    return check(LIMITS, [Reading(parameter, value)]).worst


def above(value: float) -> float:
    return math.nextafter(value, math.inf)


def below(value: float) -> float:
    return math.nextafter(value, -math.inf)


# --- the packaged file ---------------------------------------------------------------------


def test_packaged_file_has_every_parameter_and_a_version() -> None:
    assert LIMITS.version == "IS 10500:2012 + JJM 2024 iron"
    assert set(LIMITS.parameters) == {*DESIGN, "total_coliform", "e_coli"}


@pytest.mark.parametrize("key", sorted(DESIGN))
def test_packaged_limits_match_design(key: str) -> None:
    limit = LIMITS.parameters[key]
    assert isinstance(limit, ParameterLimit) and limit.key == key
    (acc_min, acc_max), (perm_min, perm_max) = DESIGN[key]
    assert limit.acceptable == Interval(acc_min, acc_max)
    assert limit.permissible == Interval(perm_min, perm_max)


def test_a_few_limits_spelled_out() -> None:
    tds, ph, iron = (LIMITS.parameters[k] for k in ("tds", "ph", "iron"))
    assert isinstance(tds, ParameterLimit) and tds.unit == "mg/L"
    assert (tds.acceptable.max, tds.permissible.max) == (500, 2000)
    assert isinstance(ph, ParameterLimit) and ph.unit == ""
    assert (ph.acceptable.min, ph.acceptable.max) == (6.5, 8.5)
    assert isinstance(iron, ParameterLimit) and iron.acceptable.max == 1.0  # JJM, not 0.3
    turbidity = LIMITS.parameters["turbidity"]
    assert isinstance(turbidity, ParameterLimit) and turbidity.unit == "NTU"
    assert turbidity.plausible == Interval(0, 4000)
    for bacteria in ("total_coliform", "e_coli"):
        assert LIMITS.parameters[bacteria] == PresenceLimit(
            key=bacteria, name=LIMITS.parameters[bacteria].name, sample_ml=100
        )


def test_limits_are_read_only() -> None:
    with pytest.raises(TypeError):
        LIMITS.parameters["tds"] = LIMITS.parameters["ph"]  # type: ignore[index]


def test_the_file_is_shipped_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["grievance"]
    package = ROOT / "grievance"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    assert DEFAULT_LIMITS_FILE.resolve() in {path.resolve() for path in shipped}


def test_quality_imports_no_web_or_channel_library() -> None:
    for source in (ROOT / "grievance" / "quality").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            roots = {name.split(".")[0] for name in names}
            assert not roots & {"fastapi", "telegram", "twilio"}, f"{source.name}: {names}"


# --- grading -------------------------------------------------------------------------------

A, P, U = Verdict.ACCEPTABLE, Verdict.PERMISSIBLE, Verdict.UNSAFE


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("tds", 0, A),
        ("tds", 500, A),
        ("tds", above(500), P),
        ("tds", 2000, P),
        ("tds", above(2000), U),
        ("turbidity", 1, A),
        ("turbidity", above(1), P),
        ("turbidity", 5, P),
        ("turbidity", 5.1, U),
        ("colour", 15, P),
        ("colour", 16, U),
        ("fluoride", 1.0, A),
        ("fluoride", 1.2, P),
        ("fluoride", 1.5, P),
        ("fluoride", above(1.5), U),
        ("nitrate", 45, A),
        ("nitrate", above(45), U),  # no relaxation: straight to unsafe
        ("iron", 1.0, A),
        ("iron", above(1.0), U),
        ("arsenic", 0.01, A),
        ("arsenic", above(0.01), U),
        ("sulphate", 400, P),
        ("sulphate", 401, U),
    ],
)
def test_limits_are_inclusive_and_just_above_is_worse(
    parameter: str, value: float, expected: Verdict
) -> None:
    assert verdict_of(parameter, value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(6.5, A), (7, A), (8.5, A), (below(6.5), U), (4.0, U), (above(8.5), U), (9.2, U)],
)
def test_ph_outside_6_5_to_8_5_is_unsafe(value: float, expected: Verdict) -> None:
    assert verdict_of("ph", value) is expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0, U), (0.1, U), (below(0.2), U), (0.2, A), (0.5, A), (3.0, A)]
)
def test_residual_chlorine_below_0_2_is_flagged(value: float, expected: Verdict) -> None:
    assert verdict_of("residual_chlorine", value) is expected


@pytest.mark.parametrize("parameter", ["total_coliform", "e_coli"])
def test_bacteria_detected_is_unsafe(parameter: str) -> None:
    assert verdict_of(parameter, True) is U
    assert verdict_of(parameter, False) is A


def test_report_lists_each_reading_with_its_limit_and_the_unsafe_ones() -> None:
    readings = [
        Reading("ph", 7.2),
        Reading("tds", 900),
        Reading("e_coli", True),
        Reading("fluoride", 2.0),
    ]
    report = check(LIMITS, readings)
    assert report.version == LIMITS.version
    assert [f.reading for f in report.findings] == readings
    assert [f.verdict for f in report.findings] == [A, P, U, U]
    assert [f.reading.parameter for f in report.unsafe] == ["e_coli", "fluoride"]
    assert report.worst is U
    by_key = {f.reading.parameter: f for f in report.findings}
    assert by_key["tds"].compared_with == "acceptable ≤ 500 mg/L, permissible ≤ 2000 mg/L"
    assert by_key["ph"].compared_with == "6.5–8.5 (no relaxation)"
    assert by_key["e_coli"].compared_with == "not detectable in 100 mL"
    assert by_key["fluoride"].limit is LIMITS.parameters["fluoride"]


def test_worst_of_a_clean_test_and_of_a_permissible_one() -> None:
    clean = check(LIMITS, [Reading("ph", 7), Reading("total_coliform", False)])
    assert clean.worst is A and clean.unsafe == ()
    tolerable = check(LIMITS, [Reading("ph", 7), Reading("hardness", 300)])
    assert tolerable.worst is P and tolerable.unsafe == ()


# --- bad readings are refused, naming the parameter ----------------------------------------


@pytest.mark.parametrize(
    ("reading", "words"),
    [
        (Reading("lead", 0.1), "unknown parameter 'lead'"),
        (Reading("pH", 7), "unknown parameter 'pH'"),
        (Reading("turbidity", -1), "turbidity: -1 NTU is impossible"),
        (Reading("ph", 20), "ph: 20 is impossible"),
        (Reading("ph", -0.5), "ph: -0.5 is impossible"),
        (Reading("tds", -0.1), "tds: -0.1 mg/L is impossible"),
        (Reading("turbidity", 4001), "turbidity: 4001 NTU is impossible"),
        (Reading("fluoride", math.nan), "fluoride: nan is not a reading"),
        (Reading("fluoride", math.inf), "fluoride: inf is not a reading"),
        (Reading("chloride", -math.inf), "chloride: -inf is not a reading"),
        (Reading("ph", True), "ph: expects a number, got True"),
        (Reading("nitrate", False), "nitrate: expects a number in mg/L, got False"),
        (Reading("ph", "7"), "ph: expects a number, got '7'"),  # type: ignore[arg-type]
        (Reading("e_coli", 1), "e_coli: expects detected or not"),
        (Reading("total_coliform", 0.0), "total_coliform: expects detected or not"),
    ],
)
def test_bad_reading_is_refused(reading: Reading, words: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(words)) as caught:
        check(LIMITS, [Reading("hardness", 100), reading])
    assert caught.value.code == "invalid"


def test_the_same_parameter_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="tds: read twice"):
        check(LIMITS, [Reading("tds", 300), Reading("ph", 7), Reading("tds", 310)])


def test_no_readings_is_refused() -> None:
    with pytest.raises(ValidationError, match="no readings"):
        check(LIMITS, [])


# --- malformed limit files are refused, naming the parameter -------------------------------

GOOD_TDS = """
[parameters.tds]
name = "Total dissolved solids"
unit = "mg/L"
acceptable = { max = 500 }
permissible = { max = 2000 }
plausible = { min = 0, max = 50000 }
"""
GOOD_BACTERIA = """
[parameters.e_coli]
name = "E. coli"
kind = "presence"
sample_ml = 100
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "limits.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_custom_file_loads(tmp_path: Path) -> None:
    limits = load_limits(write(tmp_path, 'version = "state-1"\n' + GOOD_TDS + GOOD_BACTERIA))
    assert limits.version == "state-1" and set(limits.parameters) == {"tds", "e_coli"}
    assert check(limits, [Reading("tds", 600)]).worst is P


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (GOOD_TDS.replace('unit = "mg/L"', 'unit = "mg/L"\nlimit = 3'), "'tds': unknown key"),
        (GOOD_TDS.replace("permissible = { max = 2000 }\n", ""), "'tds': missing permissible"),
        (GOOD_TDS.replace("acceptable = { max = 500 }\n", ""), "'tds': missing acceptable"),
        (
            GOOD_TDS.replace("max = 500", "max = 2500"),
            "'tds': the acceptable limit .* is looser than the permissible",
        ),
        (
            GOOD_TDS.replace("max = 500 }", "min = 10 }"),
            "'tds': the acceptable limit .* is looser than the permissible",
        ),
        (GOOD_TDS.replace("min = 0, max = 50000", "min = 900, max = 50"), "'tds': 'plausible'"),
        (
            GOOD_TDS.replace("{ max = 500 }", "{ min = 600, max = 500 }"),
            "'tds': 'acceptable' has min 600 above max 500",
        ),
        (GOOD_TDS.replace("{ max = 500 }", "{}"), "'tds': 'acceptable' needs a 'min', a 'max'"),
        (GOOD_TDS.replace("{ max = 500 }", "500"), "'tds': 'acceptable' must be a table"),
        (GOOD_TDS.replace("{ max = 500 }", "{ max = '500' }"), "'tds': 'acceptable' must hold"),
        (GOOD_TDS.replace("{ max = 500 }", "{ max = nan }"), "'tds': 'acceptable' must hold"),
        (GOOD_TDS.replace("{ max = 500 }", "{ most = 500 }"), "'tds': 'acceptable': unknown key"),
        (GOOD_TDS.replace("min = 0, ", ""), "'tds': 'plausible': missing min"),
        (GOOD_TDS.replace("max = 50000", "max = 1000"), "'tds': the permissible limit .* lies"),
        (GOOD_TDS.replace('name = "Total dissolved solids"', 'name = ""'), "'tds': 'name'"),
        (GOOD_TDS.replace("\nname =", '\nkind = "range"\nname ='), "'tds': unknown kind"),
        (GOOD_TDS.replace("parameters.tds", "parameters.TDS"), "'TDS': the id must be snake"),
        (GOOD_BACTERIA.replace("sample_ml = 100", "sample_ml = 0"), "'e_coli': 'sample_ml'"),
        (GOOD_BACTERIA.replace("sample_ml = 100\n", ""), "'e_coli': missing sample_ml"),
        (GOOD_BACTERIA.replace("sample_ml", "acceptable = { max = 0 }\nsample_ml"), "'e_coli'"),
    ],
)
def test_malformed_parameter_is_refused(tmp_path: Path, body: str, words: str) -> None:
    path = write(tmp_path, 'version = "x"\n' + body)
    with pytest.raises(ValueError, match=f"limits.toml: parameter {words}"):
        load_limits(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (GOOD_TDS, "the limits file: missing version"),
        ('version = ""\n' + GOOD_TDS, "'version' must be a non-empty string"),
        ('version = "x"\nrevision = 2\n' + GOOD_TDS, "the limits file: unknown key.*revision"),
        ('version = "x"\n[parameters]\n', "'parameters' must be a table with at least one"),
        ('version = "x"\n' + GOOD_TDS + "acceptable = 3\n", "limits.toml: .*line"),
    ],
)
def test_malformed_file_is_refused(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        load_limits(write(tmp_path, text))


# --- properties ----------------------------------------------------------------------------


def _measured(key: str) -> ParameterLimit:
    limit = LIMITS.parameters[key]
    assert isinstance(limit, ParameterLimit)
    return limit


def _two_values(low: float, high: float) -> st.SearchStrategy[list[float]]:
    values = st.floats(min_value=low, max_value=high, allow_nan=False)
    return st.lists(values, min_size=2, max_size=2).map(sorted)


@st.composite
def rising_pair(draw: st.DrawFn) -> tuple[str, float, float]:
    """A parameter with an upper limit and two plausible values above its lower limits."""
    key = draw(st.sampled_from([k for k in MEASURED if _measured(k).permissible.max is not None]))
    limit = _measured(key)
    floor = max(x for x in (limit.plausible.min, limit.acceptable.min) if x is not None)
    assert limit.plausible.max is not None
    low, high = draw(_two_values(floor, limit.plausible.max))
    return key, low, high


@st.composite
def falling_pair(draw: st.DrawFn) -> tuple[str, float, float]:
    """A parameter with a lower limit and two plausible values below its upper limits."""
    key = draw(st.sampled_from([k for k in MEASURED if _measured(k).permissible.min is not None]))
    limit = _measured(key)
    ceiling = min(x for x in (limit.plausible.max, limit.acceptable.max) if x is not None)
    assert limit.plausible.min is not None
    low, high = draw(_two_values(limit.plausible.min, ceiling))
    return key, low, high


@given(rising_pair())
def test_raising_a_value_never_makes_the_verdict_better(pair: tuple[str, float, float]) -> None:
    key, low, high = pair
    assert verdict_of(key, low).severity <= verdict_of(key, high).severity


@given(falling_pair())
def test_lowering_a_value_below_a_minimum_never_helps(pair: tuple[str, float, float]) -> None:
    key, low, high = pair
    assert verdict_of(key, high).severity <= verdict_of(key, low).severity


@given(st.sampled_from(MEASURED), st.floats(allow_nan=False, allow_infinity=False))
def test_every_plausible_value_gets_a_verdict_and_others_are_refused(
    key: str, value: float
) -> None:
    limit = _measured(key)
    if limit.plausible.contains(value):
        verdict = verdict_of(key, value)
        assert (verdict is A) == limit.acceptable.contains(value)
        assert (verdict is U) == (not limit.permissible.contains(value))
    else:
        with pytest.raises(ValidationError, match=f"^{key}: .* is impossible"):
            verdict_of(key, value)


def test_verdicts_are_ordered_best_first() -> None:
    assert [v.severity for v in (A, P, U)] == [0, 1, 2]
