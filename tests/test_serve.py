"""`jalsamvad serve --demo` as a real process: migrations, demo data, then a live API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import pytest

RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@contextmanager
def serving(tmp_path: Path, workers: int = 1) -> Iterator[tuple[str, list[str]]]:
    """`jalsamvad serve --demo` on a free port: its URL and what it printed until ready."""
    env = {
        **os.environ,
        "JALSAMVAD_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "JALSAMVAD_SECRET_KEY": "serve-test-secret",
    }
    command = [sys.executable, "-m", "jalsamvad", "serve", "--demo", "--port", "0"]
    command += ["--workers", str(workers)]
    with subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        watchdog = threading.Timer(60, process.kill)  # a hung start fails the test, not CI
        watchdog.start()
        try:
            assert process.stdout is not None
            output: list[str] = []
            url, started = None, 0
            for line in process.stdout:  # where it listens, then each worker once it is ready
                output.append(line)
                if match := RUNNING.search(line):
                    url = match.group(1)
                started += "Application startup complete" in line
                if url and started == workers:
                    yield url, output
                    break
            else:
                pytest.fail("the server stopped before it was ready:\n" + "".join(output))
        finally:
            watchdog.cancel()
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path) as (url, _output):
        yield url


def get_json(url: str) -> object:
    with urlopen(url, timeout=30) as response:
        return json.load(response)


def test_serve_applies_migrations_loads_the_demo_and_answers(served: str) -> None:
    assert get_json(f"{served}/readyz") == {"status": "ready"}
    village = get_json(f"{served}/v1/villages/601014")
    assert isinstance(village, dict)
    assert village["name"] == "Tammapur" and village["has_vwsc"] is True


def test_serve_with_two_workers_starts_both_and_answers(tmp_path: Path) -> None:
    with serving(tmp_path, workers=2) as (url, output):
        assert all(get_json(f"{url}/readyz") == {"status": "ready"} for _ in range(4))
        village = get_json(f"{url}/v1/villages/601014")
        assert isinstance(village, dict) and village["name"] == "Tammapur"
    started = [line for line in output if "Started server process" in line]
    assert len(started) == 2, "".join(output)
