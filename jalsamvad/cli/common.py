"""Helpers shared by sub-commands."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from grievance.settings import Settings
from jalsamvad.assembly import Assembly
from jalsamvad.logs import configure_logging

console = Console()
errors = Console(stderr=True)


def assembled(migrate: bool = True, *, service: bool = False) -> Assembly:
    """The service as the environment configures it, with pending migrations applied first.
    A long-running `service` (serve, worker) logs at the configured level; a one-off command
    only its warnings and errors, so the terminal shows what the command itself says."""
    settings = Settings()
    configure_logging(settings, None if service else "WARNING")
    assembly = Assembly(settings)
    if migrate:
        assembly.migrate()
    return assembly


def fail(message: str, code: int = 1) -> NoReturn:
    # One line, however narrow the terminal: scripts and logs read errors line by line.
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
