"""`jalsamvad demo load`."""

from __future__ import annotations

import typer

from jalsamvad.cli.common import assembled, console
from jalsamvad.demo_data import load_demo

app = typer.Typer(no_args_is_help=True, help="Demo data for trying JalSamvad out.")


@app.command()
def load() -> None:
    """Load the demo directory and a few complaints (safe to run again)."""
    summary = load_demo(assembled(migrate=True))
    console.print(summary)
