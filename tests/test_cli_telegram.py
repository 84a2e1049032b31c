"""`jalsamvad telegram register | status | unregister` with the real telegram.Bot; only the
HTTP layer under it is faked, so these tests see exactly what would go to the Bot API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner, Result

from jalsamvad.cli import app
from jalsamvad.cli import telegram as telegram_cli
from tests.fake_telegram import BOT, Answers, Calls, FakeBotApi

TOKEN = "4242:AAE-secret-bot-token_for_tests"
SECRET = "webhook-secret_for-tests"

runner = CliRunner()


@pytest.fixture
def answers() -> Answers:
    return {"getMe": (200, {"ok": True, "result": BOT})}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, answers: Answers) -> Iterator[Calls]:
    made: Calls = []
    monkeypatch.setattr(telegram_cli, "request_factory", lambda: FakeBotApi(made, answers))
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(f"JALSAMVAD_{name}", raising=False)
    yield made


def configure(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"JALSAMVAD_{name.upper()}", value)


def run(*args: str) -> Result:
    result = runner.invoke(app, ["telegram", *args])
    assert TOKEN not in result.output and TOKEN.split(":")[1] not in result.output
    return result


def stderr_line(result: Result) -> str:
    """The error message, which must be exactly one line."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("https://jal.example.in", "https://jal.example.in/webhooks/telegram"),
        ("https://jal.example.in/", "https://jal.example.in/webhooks/telegram"),
        ("https://gov.example.in:8443/jal/", "https://gov.example.in:8443/jal/webhooks/telegram"),
    ],
)
def test_register_sets_the_webhook_with_our_secret_and_update_types(
    monkeypatch: pytest.MonkeyPatch, calls: Calls, base: str, url: str
) -> None:
    configure(
        monkeypatch, telegram_bot_token=TOKEN, telegram_secret_token=SECRET, public_base_url=base
    )
    result = run("register")
    assert result.exit_code == 0, result.output
    assert calls == [
        ("getMe", {}),
        (
            "setWebhook",
            {
                "url": url,
                "secret_token": SECRET,
                "allowed_updates": ["message", "callback_query"],
                "drop_pending_updates": False,
            },
        ),
    ]
    assert "registered for @jalsamvad_bot" in result.stdout
    assert url in result.stdout and "message, callback_query" in result.stdout
    assert SECRET not in result.output


def test_status_prints_the_registered_url_waiting_updates_and_last_error(
    monkeypatch: pytest.MonkeyPatch,
    calls: Calls,
    answers: Answers,
) -> None:
    configure(monkeypatch, telegram_bot_token=TOKEN)  # status needs the token only
    info = {
        "url": "https://jal.example.in/webhooks/telegram",
        "has_custom_certificate": False,
        "pending_update_count": 7,
        "last_error_date": 1763800000,
        "last_error_message": "Wrong response from the webhook: 502 Bad Gateway",
        "allowed_updates": ["message", "callback_query"],
    }
    answers["getWebhookInfo"] = (200, {"ok": True, "result": info})
    result = run("status")
    assert result.exit_code == 0, result.output
    assert calls == [("getMe", {}), ("getWebhookInfo", {})]
    out = result.stdout
    assert "url                   https://jal.example.in/webhooks/telegram" in out
    assert "pending_update_count  7" in out
    assert "2025-11-22T08:26:40+00:00: Wrong response from the webhook: 502 Bad Gateway" in out
    assert "allowed_updates       message, callback_query" in out
    assert "note:" not in out  # no JALSAMVAD_PUBLIC_BASE_URL to compare with


def test_status_without_a_webhook_says_so_and_names_the_expected_url(
    monkeypatch: pytest.MonkeyPatch,
    calls: Calls,
    answers: Answers,
) -> None:
    configure(monkeypatch, telegram_bot_token=TOKEN, public_base_url="https://jal.example.in")
    info = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
    answers["getWebhookInfo"] = (200, {"ok": True, "result": info})
    result = run("status")
    assert result.exit_code == 0, result.output
    assert "(none: no webhook registered)" in result.stdout
    assert "last_error_message    none" in result.stdout
    assert "gives https://jal.example.in/webhooks/telegram" in result.stdout


def test_unregister_deletes_the_webhook_keeping_pending_updates(
    monkeypatch: pytest.MonkeyPatch, calls: Calls
) -> None:
    configure(monkeypatch, telegram_bot_token=TOKEN)
    result = run("unregister")
    assert result.exit_code == 0, result.output
    assert calls == [("getMe", {}), ("deleteWebhook", {})]  # no drop_pending_updates
    assert "removed for @jalsamvad_bot" in result.stdout


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"telegram_secret_token": SECRET, "public_base_url": "https://jal.example.in"},
            "JALSAMVAD_TELEGRAM_BOT_TOKEN is not set",
        ),
        (
            {"telegram_bot_token": TOKEN, "public_base_url": "https://jal.example.in"},
            "JALSAMVAD_TELEGRAM_SECRET_TOKEN is not set",
        ),
        (
            {"telegram_bot_token": TOKEN, "telegram_secret_token": SECRET},
            "JALSAMVAD_PUBLIC_BASE_URL is not set",
        ),
        (
            {
                "telegram_bot_token": TOKEN,
                "telegram_secret_token": SECRET,
                "public_base_url": "http://jal.example.in",
            },
            "JALSAMVAD_PUBLIC_BASE_URL must be an https:// URL",
        ),
        (
            {
                "telegram_bot_token": TOKEN,
                "telegram_secret_token": SECRET,
                "public_base_url": "https://jal.example.in:8000",
            },
            "uses port 8000; Telegram posts only to ports 443, 80, 88, 8443",
        ),
        (
            {
                "telegram_bot_token": TOKEN,
                "telegram_secret_token": "not allowed: spaces & colons",
                "public_base_url": "https://jal.example.in",
            },
            "JALSAMVAD_TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z",
        ),
        (
            {
                "telegram_bot_token": TOKEN,
                "telegram_secret_token": "x" * 257,
                "public_base_url": "https://jal.example.in",
            },
            "JALSAMVAD_TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z",
        ),
    ],
    ids=["no-token", "no-secret", "no-url", "http", "port", "secret-chars", "secret-length"],
)
def test_register_refuses_a_missing_or_bad_setting_in_one_line_before_calling_telegram(
    monkeypatch: pytest.MonkeyPatch, calls: Calls, settings: dict[str, str], message: str
) -> None:
    configure(monkeypatch, **settings)
    result = run("register")
    assert result.exit_code == 2
    assert message in stderr_line(result)
    assert calls == []


@pytest.mark.parametrize("command", ["status", "unregister"])
def test_status_and_unregister_need_the_token(calls: Calls, command: str) -> None:
    result = run(command)
    assert result.exit_code == 2
    assert "JALSAMVAD_TELEGRAM_BOT_TOKEN is not set" in stderr_line(result)
    assert calls == []


def test_a_rejected_token_is_reported_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
    calls: Calls,
    answers: Answers,
) -> None:
    configure(
        monkeypatch,
        telegram_bot_token=TOKEN,
        telegram_secret_token=SECRET,
        public_base_url="https://jal.example.in",
    )
    answers["getMe"] = (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    result = run("register")  # run() asserts the token is nowhere in the output
    assert result.exit_code == 1
    assert (
        stderr_line(result)
        == "error: Telegram: The token `<bot token>` was rejected by the server."
    )
    assert [name for name, _ in calls] == ["getMe"]


def test_telegram_refusing_the_webhook_is_reported_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    calls: Calls,
    answers: Answers,
) -> None:
    configure(
        monkeypatch,
        telegram_bot_token=TOKEN,
        telegram_secret_token=SECRET,
        public_base_url="https://jal.example.in",
    )
    refused = {"ok": False, "error_code": 400, "description": "Bad Request: bad webhook: failed"}
    answers["setWebhook"] = (400, refused)
    result = run("register")
    assert result.exit_code == 1
    assert stderr_line(result) == "error: Telegram: Bad webhook: failed"
    assert "registered" not in result.stdout
