"""What the HTTP routes use, handed over by the composition root (`jalsamvad/assembly.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from grievance.policy import Policy
from grievance.privacy import ContactVault
from nlu.village_index import VillageIndex


@dataclass(frozen=True)
class ApiContext:
    engine: Engine  # for the readiness probe
    sessions: sessionmaker[Session]
    vault: ContactVault
    policy: Policy
    login_form_key: bytes  # signs the web login form's CSRF token (api/web/login_token.py)
    secure_cookies: bool  # plain http only on a developer's machine
    threads: int  # threads per process for blocking work (dialogue, database)
    villages: Callable[[Session], VillageIndex]  # the village-name index (audit search)
