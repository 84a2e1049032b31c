"""Per-request wiring: one session and one transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from grievance.db import unit_of_work
from jalsamvad.runtime import Runtime


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def session(rt: Annotated[Runtime, Depends(runtime)]) -> Iterator[Session]:
    with unit_of_work(rt.sessions) as db:
        yield db


RuntimeDep = Annotated[Runtime, Depends(runtime)]
SessionDep = Annotated[Session, Depends(session)]
