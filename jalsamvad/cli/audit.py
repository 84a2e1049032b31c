"""`jalsamvad audit verify`."""

from __future__ import annotations

import typer

from grievance.audit import chain
from grievance.migrate import pending_revisions
from jalsamvad.cli.common import assembled, console, fail

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit log.")


@app.command()
def verify() -> None:
    """Re-compute the hash chain; name the first event that was altered, inserted or deleted."""
    assembly = assembled(migrate=False)  # a read-only check never changes the schema
    if pending_revisions(assembly.engine):
        fail("the database is not at the newest migration; run `jalsamvad serve` or a worker first")
    with assembly.sessions() as session:
        result = chain.verify(session)
    if not result.ok:
        fail(f"audit chain broken at event {result.first_broken_seq}: {result.problem}")
    console.print(f"audit chain intact: {result.events} events verified")
