"""The wheel, i.e. a non-editable install, carries the gettext catalogs where `grievance.i18n`
reads them. Built once per run (a few seconds) from a copy of the checkout, so the build's `build/`
and `*.egg-info` never land in the working tree."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot import messages
from grievance import i18n

ROOT = Path(__file__).resolve().parents[1]
# The directory that holds `bot/`: the checkout here, site-packages once installed.
INSTALL_ROOT = Path(i18n.__file__).resolve().parents[1]
CATALOGS = sorted(i18n.LOCALES_DIR.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po"))

# Not source: version control, environments, caches, earlier builds, and what is never packaged.
_SKIP_ANYWHERE = shutil.ignore_patterns(
    ".git", ".venv*", "__pycache__", ".*_cache", ".hypothesis", "build", "dist", "*.egg-info"
)
_SKIP_AT_TOP = {"tests", "bench", "docs"}


def _not_source(directory: str, names: list[str]) -> set[str]:
    skipped = set(_SKIP_ANYWHERE(directory, names))
    if Path(directory).resolve() == ROOT:
        skipped |= _SKIP_AT_TOP & set(names)
    return skipped


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_not_source)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--quiet", "--wheel-dir", str(work / "dist"), str(source)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = (work / "dist").glob("jalsamvad-*.whl")
    return built


def test_there_are_catalogs_to_ship() -> None:
    assert len(CATALOGS) >= 14 and i18n.catalog_path("hi") in CATALOGS


def test_every_catalog_is_in_the_wheel_where_i18n_reads_it(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert Path(i18n.__file__).resolve().relative_to(INSTALL_ROOT).as_posix() in names
        for catalog in CATALOGS:
            locale = catalog.parents[1].name
            where = i18n.catalog_path(locale).relative_to(INSTALL_ROOT).as_posix()
            assert where in names, f"{where} is not in {wheel.name}"
            assert archive.read(where) == catalog.read_bytes()


def test_i18n_run_from_the_unpacked_wheel_finds_and_uses_every_catalog(
    wheel: Path, tmp_path: Path
) -> None:
    installed = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)  # what pip does with a pure-Python wheel
    probe = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from grievance import i18n\n"
        "from bot import messages\n"
        "print(json.dumps({'module': i18n.__file__, 'locales': i18n.available_locales(),\n"
        "    'said': {loc: i18n.gettext(messages.CALL_GOODBYE, loc)\n"
        "             for loc in i18n.available_locales()}}))\n"
    )
    # -I: no PYTHONPATH, no current directory on sys.path, so the checkout cannot answer.
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(installed)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert Path(seen["module"]).resolve().is_relative_to(installed.resolve())
    assert tuple(seen["locales"]) == i18n.available_locales()
    expected = {loc: i18n.gettext(messages.CALL_GOODBYE, loc) for loc in seen["locales"]}
    assert seen["said"] == expected
    assert seen["said"]["hi"] != messages.CALL_GOODBYE  # really translated, not the fallback


def test_the_duration_words_ship_and_load_from_the_unpacked_wheel(
    wheel: Path, tmp_path: Path
) -> None:
    from nlu.entities.duration import WORDS
    from nlu.entities.duration_data import DURATIONS_DIR

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site-packages")
    for path in sorted(DURATIONS_DIR.glob("*.toml")):
        assert path.relative_to(INSTALL_ROOT).as_posix() in names
    probe = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from nlu.entities import duration, duration_data\n"
        "print(json.dumps({'data': str(duration_data.DURATIONS_DIR),\n"
        "    'words': len(duration.WORDS)}))\n"
    )
    installed = tmp_path / "site-packages"
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(installed)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert Path(seen["data"]).is_relative_to(installed.resolve())
    assert seen["words"] == len(WORDS)
