"""`jalsamvad report gram-sabha`: a gram panchayat's figures as a PDF for its Gram Sabha."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from api.audit import gram_sabha
from grievance.clock import utcnow
from grievance.social_audit.updater import update_stats
from jalsamvad.cli.common import assembled, console, fail

app = typer.Typer(no_args_is_help=True, help="Printed reports for the social audit.")


@app.command("gram-sabha")
def gram_sabha_report(
    gp: Annotated[int, typer.Option("--gp", help="The gram panchayat's LGD code.")],
    first: Annotated[
        datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day (IST), e.g. 2026-10-01."),
    ],
    last: Annotated[
        datetime,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (IST), included."),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="The PDF to write.", dir_okay=False, writable=True)
    ],
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language, e.g. kn; default: the state's language."),
    ] = None,
) -> None:
    """Write an A4 PDF of the panchayat's complaints, open problems and water tests for the
    period, every figure under the disclosure rules. Folds pending audit events first."""
    try:
        language = gram_sabha.check_language(lang) if lang is not None else None
        if last.date() < first.date():
            raise gram_sabha.ReportError(f"--to {last.date()} is before --from {first.date()}")
    except gram_sabha.ReportError as error:
        fail(str(error))
    assembly = assembled()
    try:
        update_stats(assembly.sessions)
        with assembly.sessions() as session:
            try:
                report = gram_sabha.build(session, gp, first.date(), last.date(), utcnow())
            except gram_sabha.ReportError as error:
                fail(str(error))
    finally:
        assembly.close()
    language = language or gram_sabha.default_language(report.state_code)
    pdf = gram_sabha.render_pdf(report, language)
    try:
        out.write_bytes(pdf)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}")
    console.print(
        f"Gram Sabha report for GP {gp} ({report.first} to {report.last}, {language}) "
        f"written to {out}: {len(pdf)} bytes"
    )
