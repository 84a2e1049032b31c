"""Builds what a command needs from settings: engine, sessions, vault, policy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import make_engine, make_sessionmaker
from grievance.migrate import upgrade
from grievance.policy import Policy, load_policy
from grievance.privacy import ContactVault, derive_key
from grievance.settings import Settings


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)

    @cached_property
    def vault(self) -> ContactVault:
        return ContactVault(self.settings.secret(), self.settings.default_phone_region)

    @cached_property
    def login_form_key(self) -> bytes:
        """Signs the web login form's CSRF token (api/web/login_token.py)."""
        return derive_key(self.settings.secret(), b"jalsamvad web login form v1")

    @cached_property
    def policy(self) -> Policy:
        return load_policy(self.settings.policy_file)

    def migrate(self) -> None:
        upgrade(self.engine)
