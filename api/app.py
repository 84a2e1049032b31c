"""The FastAPI application of the HTTP API and the staff web pages (the chat channels' routes
are added by the composition root, `jalsamvad/assembly.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from api import errors, health, public
from api.audit import routes as audit
from api.context import ApiContext
from api.staff import mount as staff
from api.web import routes as web


def create_app(context: ApiContext) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Blocking work (the dialogue, the database) runs in threads; past a few per process
        # they only take turns at the GIL while holding row locks others wait for.
        to_thread.current_default_thread_limiter().total_tokens = context.threads
        yield
        context.engine.dispose()

    app = FastAPI(title="JalSamvad", version="0.1.0", lifespan=lifespan)
    app.state.context = context
    errors.install(app)
    app.include_router(health.router)
    app.include_router(public.router)
    staff.install(app)  # the staff routers and their 401/403/429 answers
    web.install(app)  # the web queue: HTML pages over the same staff services
    audit.install(app)  # the public social-audit pages (no login)
    return app
