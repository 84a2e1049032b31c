"""`jalsamvad chat`: talk to the dialogue engine from a terminal, or feed it lines from a pipe.

Interactive on a TTY (prompt, colour); from a pipe, one message per input line and the replies
as plain text, so a whole conversation can be scripted: `printf 'hi\\n1\\n' | jalsamvad chat`.
"""

from __future__ import annotations

import sys
from itertools import count
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bot.exchange import Inbound, Reply
from grievance.clock import utcnow
from grievance.privacy import ContactVault
from grievance.types import Channel
from jalsamvad.cli.common import assembled

if TYPE_CHECKING:  # the dialogue (and its NLU) loads only when a chat starts
    from bot.engine import DialogueEngine

DEFAULT_PHONE = "+919900000099"


def render(reply: Reply) -> str:
    """A reply as SMS would show it: the text, then its options numbered from 1."""
    lines = [reply.text]
    lines += [f"{number}. {option.label}" for number, option in enumerate(reply.options, 1)]
    return "\n".join(lines)


def converse(
    engine: DialogueEngine,
    vault: ContactVault,
    lines: TextIO,
    out: TextIO,
    phone: str,
    lang: str | None,
    tty: bool,
) -> None:
    ids = count(1)
    sender = vault.resolve(Channel.TERMINAL, phone)
    while True:
        if tty:
            out.write("> ")
            out.flush()
        line = lines.readline()
        if not line:
            return
        inbound = Inbound(
            channel=Channel.TERMINAL,
            sender=sender,
            message_id=f"terminal-{next(ids)}",
            received_at=utcnow(),
            text=line.rstrip("\r\n"),
        )
        for reply in engine.handle(inbound, language=lang):
            out.write(render(reply) + "\n")
        out.write("\n" if tty else "")
        out.flush()


def chat(
    phone: Annotated[
        str, typer.Option(help="Who is writing (E.164), e.g. +919812345678")
    ] = DEFAULT_PHONE,
    lang: Annotated[
        str | None, typer.Option(help="Language of a first conversation (hi, hi-Latn, en, ...)")
    ] = None,
) -> None:
    """Chat with the bot on the local database (run `jalsamvad demo load` for villages): the
    same dialogue engine, village-name index and NLU as the served channels."""
    assembly = assembled(migrate=True)
    try:
        tty = sys.stdin.isatty()
        if tty:
            typer.secho("JalSamvad chat — Ctrl-D to leave.", fg=typer.colors.CYAN)
        converse(assembly.dialogue, assembly.vault, sys.stdin, sys.stdout, phone, lang, tty)
    finally:
        assembly.close()


def register(app: typer.Typer) -> None:
    app.command()(chat)
