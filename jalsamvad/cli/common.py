"""Helpers shared by sub-commands."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from grievance.settings import Settings
from jalsamvad.runtime import Runtime

console = Console()
errors = Console(stderr=True)


def runtime(migrate: bool = True) -> Runtime:
    """The runtime from the environment, with pending migrations applied first."""
    rt = Runtime(Settings())
    if migrate:
        rt.migrate()
    return rt


def fail(message: str, code: int = 1) -> NoReturn:
    # One line, however narrow the terminal: scripts and logs read errors line by line.
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
