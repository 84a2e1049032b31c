"""The `jalsamvad` command. Each sub-command lives in its own module."""

from __future__ import annotations

import typer

from jalsamvad.cli import (
    audit,
    chat,
    demo,
    directory,
    export,
    lgd,
    nlu,
    report,
    service,
    staff,
    telegram,
)

app = typer.Typer(no_args_is_help=True, help="JalSamvad: rural water grievances.")
app.add_typer(lgd.app, name="lgd")
app.add_typer(directory.app, name="directory")
app.add_typer(audit.app, name="audit")
app.add_typer(demo.app, name="demo")
app.add_typer(nlu.app, name="nlu")
app.add_typer(telegram.app, name="telegram")
app.add_typer(staff.app, name="staff")
app.add_typer(export.app, name="export")
app.add_typer(report.app, name="report")
service.register(app)
chat.register(app)


def main() -> None:
    app()
