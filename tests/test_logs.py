"""The one logging set-up: plain lines by default, one JSON object a line when asked."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from grievance.settings import Settings
from jalsamvad.logs import configure_logging


@pytest.fixture(autouse=True)
def restored_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_format_writes_one_object_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_format="json"))
    logging.getLogger("jalsamvad.worker").info("sweep: %d escalated", 3)
    [line] = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert (record["level"], record["name"], record["message"]) == (
        "INFO",
        "jalsamvad.worker",
        "sweep: 3 escalated",
    )
    assert "time" in record


def test_text_format_and_a_quieter_level_for_one_off_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(Settings(), "WARNING")
    logging.getLogger("x").info("not shown")
    logging.getLogger("x").warning("shown")
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith("WARNING x: shown")
