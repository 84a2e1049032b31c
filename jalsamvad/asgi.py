"""The app for servers that import it by name and start it in each worker process
(`jalsamvad serve --workers N`, or `uvicorn --factory jalsamvad.asgi:app`), built from the
environment like every `jalsamvad` command. Migrations are not applied here: the parent
process (`jalsamvad serve`) does that once before starting the workers."""

from __future__ import annotations

from fastapi import FastAPI

from grievance.settings import Settings
from jalsamvad.assembly import Assembly
from jalsamvad.logs import configure_logging


def app() -> FastAPI:
    settings = Settings()
    # Before the app is built, so start-up messages (which channels are mounted) are shown.
    configure_logging(settings)
    return Assembly(settings).app()
