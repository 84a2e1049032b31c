"""`jalsamvad serve --demo` as a real process: migrations, demo data, then a live API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest

RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    env = {
        **os.environ,
        "JALSAMVAD_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "JALSAMVAD_SECRET_KEY": "serve-test-secret",
    }
    command = [sys.executable, "-m", "jalsamvad", "serve", "--demo", "--port", "0"]
    with subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        watchdog = threading.Timer(60, process.kill)  # a hung start fails the test, not CI
        watchdog.start()
        try:
            assert process.stdout is not None
            output = []
            for line in process.stdout:  # uvicorn says where it listens once it is ready
                output.append(line)
                if match := RUNNING.search(line):
                    yield match.group(1)
                    break
            else:
                pytest.fail("the server stopped before it was ready:\n" + "".join(output))
        finally:
            watchdog.cancel()
            process.terminate()
            process.wait(timeout=30)


def get_json(url: str) -> object:
    with urlopen(url, timeout=30) as response:
        return json.load(response)


def test_serve_applies_migrations_loads_the_demo_and_answers(served: str) -> None:
    assert get_json(f"{served}/readyz") == {"status": "ready"}
    village = get_json(f"{served}/v1/villages/601014")
    assert isinstance(village, dict)
    assert village["name"] == "Tammapur" and village["has_vwsc"] is True
