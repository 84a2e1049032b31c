"""`jalsamvad directory import`: load officials, VWSC members and schemes."""

from __future__ import annotations

import typer

from grievance.db import unit_of_work
from grievance.directory.importer import import_directory_file
from grievance.errors import DomainError
from jalsamvad.cli.common import assembled, fail
from jalsamvad.cli.importing import Files, import_progress, print_summary

app = typer.Typer(no_args_is_help=True, help="Who serves each village: officials, VWSCs, schemes.")


@app.command("import")
def import_files(files: Files) -> None:
    """Import officials, VWSC members or schemes CSVs (told apart by their header row).

    The LGD directory must be imported first. All files go in one transaction: if any row is
    malformed, nothing is imported. Phone numbers are never printed.
    """
    assembly = assembled()
    try:
        with unit_of_work(assembly.sessions) as session, import_progress() as track:
            for path in files:
                summary = import_directory_file(
                    session, path, assembly.vault, progress=track(path.name)
                )
                print_summary(summary)
    except DomainError as exc:
        fail(f"{exc}\nnothing was imported")
