"""The package layering of the issue "One house", kept by tools rather than by review.

The import rules themselves are import-linter contracts in pyproject.toml (`[tool.importlinter]`);
this module runs them the way `lint-imports` does, and adds two rules import-linter cannot state:
one module reads the environment, one module sets up logging.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sysconfig
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
PACKAGES = ("grievance", "nlu", "bot", "api", "jalsamvad")

CONTRACT_IDS = {"core-is-pure", "nlu-without-orm", "api-bot-independent", "root-on-top"}

SETTINGS_MODULE = "grievance/settings.py"
LOGGING_MODULE = "jalsamvad/logs.py"
ENVIRONMENT_NAMES = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})


def lint_imports() -> str:
    # The console script beside this interpreter: import-linter's only documented Python API
    # reads the configuration, and its `lint_imports()` function re-configures logging and
    # sys.path in the calling process.
    script = shutil.which("lint-imports", path=sysconfig.get_path("scripts"))
    assert script, f"lint-imports is not installed beside {sysconfig.get_path('scripts')}"
    return script


def test_import_contracts_are_kept() -> None:
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert {contract["id"] for contract in contracts["contracts"]} >= CONTRACT_IDS
    # cwd=ROOT: import-linter finds the packages on the working directory. The whole run takes
    # about 0.4 s (grimp parses the ~260 modules and builds the graph in ~0.1 s), so the cache
    # is off rather than writing .import_linter_cache into the tree.
    result = subprocess.run(
        [lint_imports(), "--no-cache", "--no-logo", str(PYPROJECT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(result.stdout + result.stderr, pytrace=False)


def python_files(directories: Iterable[str]) -> Iterator[Path]:
    for directory in directories:
        yield from sorted((ROOT / directory).rglob("*.py"))


def uses(path: Path, module: str, names: frozenset[str]) -> Iterator[str]:
    """Where `path` uses `module.<name>` (or `from module import <name>`) for any of `names`."""
    source = path.read_text(encoding="utf-8")
    if not any(name in source for name in names):
        return  # most files: no need to parse them
    tree = ast.parse(source, filename=str(path))
    where = path.relative_to(ROOT).as_posix()
    bound = {module} | {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == module
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in names
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
        ):
            yield f"{where}:{node.lineno}: {module}.{node.attr}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == module:
            for alias in node.names:
                if alias.name in names:
                    yield f"{where}:{node.lineno}: from {module} import {alias.name}"


def offenders(directories: Iterable[str], module: str, names: frozenset[str], allowed: str) -> str:
    found = [
        use
        for path in python_files(directories)
        if path.relative_to(ROOT).as_posix() != allowed
        for use in uses(path, module, names)
    ]
    return "\n".join(found)


def test_only_the_settings_module_reads_the_environment() -> None:
    found = offenders(("bot", "api", "nlu", "grievance"), "os", ENVIRONMENT_NAMES, SETTINGS_MODULE)
    assert not found, f"read the environment through {SETTINGS_MODULE} instead:\n{found}"


def test_only_the_logging_module_configures_logging() -> None:
    found = offenders((*PACKAGES, "bench"), "logging", frozenset({"basicConfig"}), LOGGING_MODULE)
    assert not found, f"configure logging through {LOGGING_MODULE} instead:\n{found}"
