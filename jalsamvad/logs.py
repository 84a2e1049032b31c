"""The one logging set-up for every command: plain lines for a terminal, or one JSON object a
line (JALSAMVAD_LOG_FORMAT=json) for a log collector. uvicorn is started without a logging
configuration of its own, so its access and error lines come through here too."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from grievance.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(settings: Settings, level: str | None = None) -> None:
    """Log to standard error at `level` (JALSAMVAD_LOG_LEVEL if None)."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level"})
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    level = (level or settings.log_level).upper()
    logging.basicConfig(level=level, handlers=[handler], force=True)
