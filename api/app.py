"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

import nlu
from api import errors, health, public
from api.staff import mount as staff
from api.web import routes as web
from bot.channels import Handler, mount_channels
from bot.engine import DialogueEngine
from jalsamvad.runtime import Runtime


def _dialogue(runtime: Runtime) -> Handler:
    backend = nlu.backend_from_settings(runtime.settings)
    engine = DialogueEngine(
        runtime.sessions,
        runtime.vault,
        runtime.policy,
        nlu_backend=backend,
        directory_cache_seconds=runtime.settings.directory_cache_seconds,
    )
    return engine


def create_app(runtime: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Blocking work (the dialogue, the database) runs in threads; past a few per process
        # they only take turns at the GIL while holding row locks others wait for.
        to_thread.current_default_thread_limiter().total_tokens = runtime.settings.threads
        yield
        runtime.engine.dispose()

    app = FastAPI(title="JalSamvad", version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    errors.install(app)
    app.include_router(health.router)
    app.include_router(public.router)
    staff.install(app)  # the staff routers and their 401/403/429 answers
    web.install(app)  # the web queue: HTML pages over the same staff services
    # Each chat channel is mounted only when its settings are present (logged at start-up).
    mount_channels(app, runtime, _dialogue)
    return app
