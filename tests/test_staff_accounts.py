"""Staff accounts, passwords, API tokens and the jurisdiction rule, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from grievance.db import make_engine, make_sessionmaker, unit_of_work
from grievance.errors import ConflictError, NotFoundError, ValidationError
from grievance.privacy import ContactVault
from grievance.staff import accounts, api_tokens, credentials, passwords
from grievance.staff.accounts import NewAccount
from grievance.staff.models import StaffAccount, StaffToken
from grievance.staff.principal import principal_of
from grievance.staff.roles import StaffRole
from grievance.staff.scope import visible_incidents
from grievance.tickets.models import Incident
from grievance.types import UnitType
from jalsamvad.cli import app
from tests.builders import FakeClock, Place
from tests.conftest import Desk
from tests.staff_builders import PASSWORD, add_staff

runner = CliRunner()
ADD = ["staff", "add", "--password-stdin", "--username"]


def test_passwords_are_argon2id_and_verify() -> None:
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert passwords.verify(stored, PASSWORD)
    assert not passwords.verify(stored, PASSWORD + "x")
    assert not passwords.verify(None, PASSWORD)  # the dummy hash never matches
    assert not passwords.verify("not a hash", PASSWORD)
    with pytest.raises(ValidationError):
        passwords.hash_password("short")


def test_secrets_are_random_and_stored_only_as_digests() -> None:
    token = credentials.new_api_token()
    assert token.startswith("jsv_") and len(token) > 40
    assert credentials.new_api_token() != token
    assert credentials.digest(token) != token and len(credentials.digest(token)) == 64


@pytest.fixture
def staff(sessions: sessionmaker[Session], vault: ContactVault, place: Place) -> dict[str, int]:
    with unit_of_work(sessions) as session:
        return {name: s.account_id for name, s in add_staff(session, place, vault).items()}


def test_each_role_must_have_its_own_kind_of_link(
    sessions: sessionmaker[Session], place: Place
) -> None:
    bad = [
        NewAccount("a-je", "x", StaffRole.JE, PASSWORD),  # no link at all
        NewAccount("a-je2", "x", StaffRole.JE, PASSWORD, unit=(UnitType.BLOCK, place.block)),
        NewAccount("a-aud", "x", StaffRole.AUDITOR, PASSWORD, official_id=place.je),
        NewAccount("a-ae", "x", StaffRole.AE, PASSWORD, official_id=place.je),  # a JE row
        NewAccount("Bad Name!", "x", StaffRole.JE, PASSWORD, official_id=place.je),
        NewAccount("a-je3", " ", StaffRole.JE, PASSWORD, official_id=place.je),
    ]
    for new in bad:
        with pytest.raises(ValidationError), unit_of_work(sessions) as session:
            accounts.create(session, new)
    with pytest.raises(NotFoundError), unit_of_work(sessions) as session:
        accounts.create(session, NewAccount("ghost", "x", StaffRole.JE, PASSWORD, official_id=999))
    with sessions() as session:
        assert session.scalars(select(StaffAccount)).all() == []


def test_usernames_are_unique_whatever_their_case(
    sessions: sessionmaker[Session], staff: dict[str, int], place: Place
) -> None:
    with pytest.raises(ConflictError), unit_of_work(sessions) as session:
        accounts.create(
            session, NewAccount("JE", "x", StaffRole.JE, PASSWORD, official_id=place.je)
        )


def test_api_tokens_work_until_revoked_and_record_their_last_use(
    sessions: sessionmaker[Session], staff: dict[str, int], clock: FakeClock
) -> None:
    with unit_of_work(sessions) as session:
        account = session.get(StaffAccount, staff["state"])
        assert account is not None
        issued = api_tokens.create(session, account, "state MIS", clock)
    with unit_of_work(sessions) as session:
        stored = session.get(StaffToken, issued.id)
        assert stored is not None and stored.token_hash == credentials.digest(issued.secret)
        assert issued.secret not in repr(stored.__dict__)
        found = api_tokens.account_for(session, issued.secret, clock)
        assert found is not None and found.id == staff["state"]
        assert api_tokens.account_for(session, issued.secret + "x", clock) is None
    with unit_of_work(sessions) as session:
        assert session.get(StaffToken, issued.id).last_used_at == clock.now  # type: ignore[union-attr]
        api_tokens.revoke(session, issued.id, clock)
    with unit_of_work(sessions) as session:
        assert api_tokens.account_for(session, issued.secret, clock) is None


def test_each_role_sees_the_incidents_of_its_jurisdiction_only(
    sessions: sessionmaker[Session], staff: dict[str, int], desk: Desk, place: Place
) -> None:
    village = desk.file(place.village).incident.id
    gp_village = desk.file(place.gp_village).incident.id
    orphan = desk.file(place.orphan_village).incident.id  # in the other block
    expected = {
        "vwsc": {village},
        "pump": {village},
        "gp_member": {gp_village},
        "je": {village, gp_village},
        "auditor": {village, gp_village},
        "ae": {village, gp_village, orphan},
        "ee": {village, gp_village, orphan},
        "dwsm": {village, gp_village, orphan},
        "state": {village, gp_village, orphan},
    }
    with sessions() as session:
        for name, account_id in staff.items():
            account = session.get(StaffAccount, account_id)
            assert account is not None
            principal = principal_of(session, account)
            seen = set(session.scalars(select(Incident.id).where(visible_incidents(principal))))
            assert seen == expected[name], name


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", url)
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", "cli-test-secret")
    return url


def test_cli_adds_an_account_and_issues_and_revokes_a_token(cli_database: str) -> None:
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    added = runner.invoke(
        app,
        [*ADD, "audit.raichur", "--name", "Auditor", "--role", "auditor", "--unit", "state:29"],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output

    created = runner.invoke(app, ["staff", "token", "create", "audit.raichur", "--name", "MIS"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith("jsv_")

    engine = make_engine(cli_database)
    sessions = make_sessionmaker(engine)
    with unit_of_work(sessions) as session:
        account = accounts.find(session, "audit.raichur")
        assert account is not None and passwords.verify(account.password_hash, PASSWORD)
        assert api_tokens.account_for(session, secret) is not None
        token_id = session.scalars(select(StaffToken.id)).one()

    revoked = runner.invoke(app, ["staff", "token", "revoke", str(token_id)])
    assert revoked.exit_code == 0, revoked.output
    with unit_of_work(sessions) as session:
        assert api_tokens.account_for(session, secret) is None
    engine.dispose()

    refused = runner.invoke(
        app,
        [*ADD, "x1", "--name", "X", "--role", "je", "--unit", "block:1"],
        input=PASSWORD + "\n",
    )
    assert refused.exit_code == 1 and "linked to exactly one official" in refused.output
    short = runner.invoke(
        app,
        [*ADD, "x2", "--name", "X", "--role", "auditor", "--unit", "state:29"],
        input="short\n",
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_outside_the_test_suite_hashes_use_argon2s_real_cost_and_production_refuses_the_flag(
    tmp_path: Path,
) -> None:
    from grievance.settings import InsecureConfigurationError, Settings
    from grievance.staff import passwords
    from jalsamvad.assembly import Assembly

    database = f"sqlite:///{tmp_path / 'x.db'}"
    try:
        Assembly(Settings(database_url=database, test_fast_password_hashing=False))
        assert "$m=65536,t=3,p=4$" in passwords.hash_password("a long enough password")
        production = Settings(
            database_url=database, environment="production", test_fast_password_hashing=True
        )
        with pytest.raises(InsecureConfigurationError):
            Assembly(production)
    finally:
        passwords.use_cheapest_parameters(True)  # as tests/conftest.py set it
