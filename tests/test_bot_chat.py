"""`jalsamvad chat` from a pipe: one message per line in, plain replies out."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot import messages
from grievance import i18n
from grievance.tickets.models import Ticket
from jalsamvad.cli import app
from tests.builders import Place
from tests.conftest import TEST_SECRET


@pytest.fixture
def local_database(engine: Engine, place: Place, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jalsamvad` pointed at the test database, which holds the test directory."""
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", TEST_SECRET.decode())


def test_a_piped_conversation_files_a_complaint(
    local_database: None, sessions: sessionmaker[Session]
) -> None:
    lines = ["601014 gaon me 3 din se pani nahi", "1", "1"]
    result = CliRunner().invoke(
        app, ["chat", "--phone", "+919812345678"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    with sessions() as session:
        [ticket] = session.scalars(select(Ticket)).all()
    out = result.output
    assert i18n.say(messages.PRIVACY_NOTICE, "hi-Latn") in out
    assert "1. Haan\n2. Nahi" in out
    assert f"Aapki shikayat {ticket.reference} darj ho gayi hai." in out
    assert "> " not in out  # no prompt when stdin is not a terminal


def test_lang_sets_the_language_of_a_first_conversation(local_database: None) -> None:
    result = CliRunner().invoke(app, ["chat", "--lang", "hi"], input="hello\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(i18n.say(messages.PRIVACY_NOTICE, "hi"))
