"""Per-request wiring: one session and one transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.context import ApiContext
from grievance.db import unit_of_work


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.context
    return ctx


def session(ctx: Annotated[ApiContext, Depends(context)]) -> Iterator[Session]:
    with unit_of_work(ctx.sessions) as db:
        yield db


ContextDep = Annotated[ApiContext, Depends(context)]
SessionDep = Annotated[Session, Depends(session)]
