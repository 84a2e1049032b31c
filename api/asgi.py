"""The app for servers that import it by name and start it in each worker process
(`jalsamvad serve --workers N`, or `uvicorn --factory api.asgi:app`): built from the
environment, like every `jalsamvad` command. Migrations are not applied here: the parent
process (`jalsamvad serve`) does that once before starting the workers."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from api.app import create_app
from grievance.settings import Settings
from jalsamvad.runtime import Runtime

LOG_FORMAT = "%(levelname)s:     %(name)s: %(message)s"


def app() -> FastAPI:
    # Configured before the app is built, so start-up messages (which chat channels are
    # mounted) are shown; uvicorn configures only its own loggers.
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    return create_app(Runtime(Settings()))
