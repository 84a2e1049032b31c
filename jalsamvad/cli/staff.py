"""`jalsamvad staff add | disable | password | token create | token revoke`.

Passwords are never taken from the command line (it shows in `ps` and shell history): they are
prompted for, or read as the first line of standard input with `--password-stdin`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from grievance.clock import utcnow
from grievance.db import unit_of_work
from grievance.errors import DomainError, NotFoundError
from grievance.staff import accounts, api_tokens, sessions
from grievance.staff.accounts import NewAccount
from grievance.staff.models import StaffAccount
from grievance.staff.roles import StaffRole
from grievance.types import UnitType
from jalsamvad.cli.common import assembled, console, fail

app = typer.Typer(no_args_is_help=True, help="Staff accounts and API tokens.")
token_app = typer.Typer(no_args_is_help=True, help="API tokens for state systems.")
app.add_typer(token_app, name="token")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def parse_unit(text: str) -> tuple[UnitType, int]:
    """`district:546` → (district, 546)."""
    kind, _, code = text.partition(":")
    try:
        return UnitType(kind.strip().lower()), int(code)
    except ValueError:
        kinds = ", ".join(u.value for u in UnitType)
        raise typer.BadParameter(f"write TYPE:CODE with TYPE one of {kinds}") from None


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@app.command()
def add(
    username: Annotated[str, typer.Option(help="Login name: a-z, 0-9, '.', '_', '-'.")],
    role: Annotated[StaffRole, typer.Option(help="What the account may do.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    official_id: Annotated[
        int | None, typer.Option(help="For je, ae, ee, dwsm, state_admin.")
    ] = None,
    member_id: Annotated[int | None, typer.Option(help="For vwsc_member, pump_operator.")] = None,
    unit: Annotated[
        str | None, typer.Option(help="For auditor: TYPE:CODE, e.g. district:546.")
    ] = None,
    language: Annotated[str, typer.Option(help="Preferred language (BCP 47).")] = "en",
    password_stdin: PasswordStdin = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="API tokens only; no web login.")
    ] = False,
) -> None:
    """Create a staff account linked to its jurisdiction (a VWSC member, an official or a unit)."""
    password = None if no_password else read_password(password_stdin)
    new = NewAccount(
        username=username,
        display_name=name,
        role=role,
        password=password,
        language=language,
        member_id=member_id,
        official_id=official_id,
        unit=parse_unit(unit) if unit else None,
    )
    try:
        with unit_of_work(assembled().sessions) as session:
            account = accounts.create(session, new)
            created = (account.id, account.username, account.role.value)
    except DomainError as exc:
        fail(str(exc))
    console.print(f"staff account {created[0]} created: {created[1]} ({created[2]})")


@app.command()
def password(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set a new password; every session of the account ends."""
    secret = read_password(password_stdin)
    try:
        with unit_of_work(assembled().sessions) as session:
            account = _account(session, username)
            accounts.set_password(account, secret)
            sessions.end_all(session, account.id, utcnow)
    except DomainError as exc:
        fail(str(exc))
    console.print(f"password changed for {username}; its sessions have ended")


@app.command()
def disable(username: str) -> None:
    """Disable an account: its sessions end and its tokens stop working."""
    try:
        with unit_of_work(assembled().sessions) as session:
            account = _account(session, username)
            account.active = False
            sessions.end_all(session, account.id, utcnow)
    except DomainError as exc:
        fail(str(exc))
    console.print(f"{username} disabled")


@token_app.command("create")
def token_create(
    username: str, name: Annotated[str, typer.Option(help="What uses the token.")]
) -> None:
    """Issue an API token; it is printed once and only its hash is kept."""
    try:
        with unit_of_work(assembled().sessions) as session:
            issued = api_tokens.create(session, _account(session, username), name)
    except DomainError as exc:
        fail(str(exc))
    console.print(f"token {issued.id} for {username} (shown only now; keep it secret):")
    print(issued.secret)  # plain stdout, no wrapping, so scripts can capture it


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke an API token at once."""
    try:
        with unit_of_work(assembled().sessions) as session:
            api_tokens.revoke(session, token_id)
    except DomainError as exc:
        fail(str(exc))
    console.print(f"token {token_id} revoked")


def _account(session: Session, username: str) -> StaffAccount:
    account = accounts.find(session, username)
    if account is None:
        raise NotFoundError(f"no staff account {accounts.normalise_username(username)}")
    return account
