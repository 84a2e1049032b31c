"""`jalsamvad lgd import`: load Local Government Directory downloads."""

from __future__ import annotations

from typing import Annotated

import typer

from grievance.db import unit_of_work
from grievance.errors import DomainError
from grievance.lgd.importer import import_lgd_file
from jalsamvad.cli.common import assembled, fail
from jalsamvad.cli.importing import Files, import_progress, print_summary

app = typer.Typer(no_args_is_help=True, help="Local Government Directory (LGD) data.")


@app.command("import")
def import_files(
    files: Files,
    state: Annotated[
        int | None,
        typer.Option(help="LGD state code for files that do not name it, e.g. 29", min=1),
    ] = None,
) -> None:
    """Import LGD CSVs (constituency, village, block, sub-district, district or state lists).

    All files go in one transaction: if any row is malformed, nothing is imported.
    """
    assembly = assembled()
    try:
        with unit_of_work(assembly.sessions) as session, import_progress() as track:
            for path in files:
                summary = import_lgd_file(
                    session, path, state_code=state, progress=track(path.name)
                )
                print_summary(summary)
    except DomainError as exc:
        fail(f"{exc}\nnothing was imported")
