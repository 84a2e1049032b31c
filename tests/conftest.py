"""Database fixtures: every DB test runs on SQLite and, when JALSAMVAD_TEST_DATABASE_URL is
set, on PostgreSQL too. The schema always comes from the real Alembic migrations."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit import chain
from grievance.audit.chain import GENESIS_HASH, HEAD_ID, Verification
from grievance.audit.models import AuditChainHead
from grievance.clock import Clock, utcnow
from grievance.db import make_engine, make_sessionmaker, unit_of_work
from grievance.migrate import upgrade
from grievance.models import Base
from grievance.policy import Policy, load_policy
from grievance.privacy import ContactVault
from grievance.settings import Settings
from grievance.staff import passwords
from grievance.tickets.actor import Actor
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.models import Incident
from grievance.tickets.report import Report
from grievance.tickets.service import Filed, TicketService
from grievance.types import Channel
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place, build_directory

POSTGRES_URL = os.environ.get("JALSAMVAD_TEST_DATABASE_URL")
# Cheap argon2 parameters for the many test accounts (grievance/staff/passwords.py): set here
# for the tests that call the core directly, and in the environment for the servers and
# commands the tests start (the composition root reads it). tests/test_staff_accounts.py
# checks production's parameters.
os.environ["JALSAMVAD_TEST_FAST_PASSWORD_HASHING"] = "1"
passwords.use_cheapest_parameters(True)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
TEST_SECRET = b"test-secret-not-for-production"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: the PostgreSQL half of a DB test")
    if os.environ.get("CI") and not POSTGRES_URL:
        # In CI a skipped PostgreSQL half would pass silently; refuse instead.
        raise pytest.UsageError("CI is set but JALSAMVAD_TEST_DATABASE_URL is not")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Concurrency tests need PostgreSQL's locks: their SQLite variant is not collected."""
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        params = getattr(item, "callspec", None)
        on_sqlite = params is not None and params.params.get("engine") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("JALSAMVAD_TEST_DATABASE_URL is not set")
    engine = make_engine(POSTGRES_URL, pool_size=10)
    upgrade(engine)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != AuditChainHead.__tablename__:
                connection.execute(delete(table))
        connection.execute(
            update(AuditChainHead)
            .where(AuditChainHead.id == HEAD_ID)
            .values(seq=0, hash=GENESIS_HASH)
        )


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        sqlite = make_engine(f"sqlite:///{path}")
        yield sqlite
        sqlite.dispose()
    else:
        pg: Engine = request.getfixturevalue("postgres_engine")
        _empty_all_tables(pg)
        yield pg


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def vault() -> ContactVault:
    return ContactVault(TEST_SECRET)


@pytest.fixture
def policy() -> Policy:
    return load_policy(None)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def place(sessions: sessionmaker[Session], vault: ContactVault) -> Place:
    with unit_of_work(sessions) as session:
        return build_directory(session, vault)


class Desk:
    """Drives the real TicketService, one committed transaction per call, like a request."""

    def __init__(
        self, sessions: sessionmaker[Session], policy: Policy, vault: ContactVault, clock: FakeClock
    ) -> None:
        self.sessions, self.policy, self.vault, self.clock = sessions, policy, vault, clock

    def file(
        self, village: int, category: str = "no_water", phone: str = "+919900000001", **extra: Any
    ) -> Filed:
        channel = extra.pop("channel", Channel.SMS)
        report = Report(
            village_code=village,
            category=category,
            contact=self.vault.resolve(channel, phone),
            channel=channel,
            language=extra.pop("language", "hi"),
            **extra,
        )
        with unit_of_work(self.sessions) as session:
            return TicketService(session, self.policy, self.vault, self.clock).file(report)

    def move(
        self, incident_id: int, target: Status, role: ActorRole, note: str = "", **extra: Any
    ) -> Incident:
        with unit_of_work(self.sessions) as session:
            return TicketService(session, self.policy, self.vault, self.clock).transition(
                incident_id, target, Actor(role, "tester"), note, **extra
            )

    def note(self, incident_id: int, note: str, role: ActorRole = ActorRole.VWSC) -> None:
        with unit_of_work(self.sessions) as session:
            TicketService(session, self.policy, self.vault, self.clock).add_note(
                incident_id, Actor(role, "tester"), note
            )

    def incident(self, incident_id: int) -> Incident:
        with self.sessions() as session:
            found = session.get(Incident, incident_id)
            assert found is not None
            return found

    def verify_chain(self) -> Verification:
        with self.sessions() as session:
            return chain.verify(session)


AssembleFn = Callable[..., Assembly]


@pytest.fixture
def assemble(engine: Engine) -> Iterator[AssembleFn]:
    """Builds the service as `jalsamvad serve` does (`jalsamvad.assembly`), on the test
    database, with the test secret and any other settings given (e.g. a channel's)."""
    url = engine.url.render_as_string(hide_password=False)
    built: list[Assembly] = []

    def build(clock: Clock = utcnow, **settings: Any) -> Assembly:
        values = {"database_url": url, "secret_key": TEST_SECRET.decode(), **settings}
        built.append(Assembly(Settings(**values), clock=clock))
        return built[-1]

    yield build
    for assembly in built:
        assembly.close()


@pytest.fixture
def assembly(assemble: AssembleFn) -> Assembly:
    """The service with no chat channel configured."""
    return assemble()


@pytest.fixture
def desk(
    sessions: sessionmaker[Session], policy: Policy, vault: ContactVault, clock: FakeClock
) -> Desk:
    return Desk(sessions, policy, vault, clock)
