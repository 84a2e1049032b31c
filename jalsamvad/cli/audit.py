"""`jalsamvad audit verify` and `jalsamvad audit rebuild-stats`."""

from __future__ import annotations

import typer

from grievance.audit import chain
from grievance.migrate import pending_revisions
from grievance.social_audit.rebuild import rebuild_stats as social_audit_rebuild
from jalsamvad.cli.common import assembled, console, errors, fail

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


@app.command("rebuild-stats")
def rebuild_stats() -> None:
    """Throw the social audit's statistics away and fold the whole audit log again."""
    assembly = assembled()
    report = social_audit_rebuild(assembly.sessions)
    console.print(
        f"social audit statistics rebuilt: {report.events} audit events folded "
        f"(up to event {report.last_seq})"
    )
    if report.unknown:
        names = ", ".join(f"{action} ({n})" for action, n in sorted(report.unknown.items()))
        errors.print(f"[yellow]warning:[/] actions the statistics do not know: {names}")
    if report.missing:
        errors.print(
            f"[yellow]warning:[/] {report.missing} events name an incident never opened in the log"
        )
