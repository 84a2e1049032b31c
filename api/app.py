"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors, health, public
from jalsamvad.runtime import Runtime


def create_app(runtime: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runtime.engine.dispose()

    app = FastAPI(title="JalSamvad", version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    errors.install(app)
    app.include_router(health.router)
    app.include_router(public.router)
    return app
