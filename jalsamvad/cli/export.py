"""`jalsamvad export open-data`: the social audit as an open Data Package."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from grievance.clock import utcnow
from grievance.social_audit.fold import day_of
from grievance.social_audit.open_data import first_figures_day, write_open_data
from grievance.social_audit.updater import update_stats
from jalsamvad.cli.common import assembled, console, fail

app = typer.Typer(no_args_is_help=True, help="Publish the social audit's figures.")


@app.command("open-data")
def open_data(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Directory to write into (created if need be).", file_okay=False
        ),
    ],
    first: Annotated[
        datetime | None,
        typer.Option(
            "--from",
            formats=["%Y-%m-%d"],
            help="First day (IST), e.g. 2026-11-01; default: the first day with figures.",
        ),
    ] = None,
    last: Annotated[
        datetime | None,
        typer.Option(
            "--to", formats=["%Y-%m-%d"], help="Last day (IST), included; default: today."
        ),
    ] = None,
) -> None:
    """Write incidents.csv, village_daily.csv and datapackage.json, with the disclosure rules
    applied (counts of 1 to 4 read "<5"). Folds pending audit events into the figures first."""
    assembly = assembled()
    try:
        update_stats(assembly.sessions)
        generated_at = utcnow()
        last_day = last.date() if last is not None else day_of(generated_at)
        with assembly.sessions() as session:
            if first is not None:
                first_day = first.date()
            else:
                first_day = min(first_figures_day(session) or last_day, last_day)
            if last_day < first_day:
                fail(f"--to {last_day} is before --from {first_day}")
            written = write_open_data(session, out, first_day, last_day, generated_at)
    finally:
        assembly.close()
    console.print(
        f"open data for {written.first_day} to {written.last_day} written to {out}: "
        f"{written.incidents} incidents, {written.village_daily} village-day rows"
    )
