"""What the import commands share: the file argument, a progress bar, the summary line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from grievance.lgd.summary import ImportSummary
from grievance.lgd.summary import Progress as ProgressCallback
from jalsamvad.cli.common import console

Files = Annotated[
    list[Path],
    typer.Argument(help="CSV files, imported in order", exists=True, dir_okay=False, readable=True),
]


@contextmanager
def import_progress() -> Iterator[Callable[[str], ProgressCallback]]:
    """A rich progress bar over rows written; yields a factory of per-file callbacks."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:

        def track(label: str) -> ProgressCallback:
            task = bar.add_task(label, total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return update

        yield track


def print_summary(summary: ImportSummary) -> None:
    counts = ", ".join(
        f"{name.replace('_', ' ')} {count:,}" for name, count in summary.counts.items()
    )
    console.print(
        f"[bold]{summary.file}[/]: {summary.format} format, {summary.rows:,} rows: {counts}",
        highlight=False,
    )
