"""`jalsamvad serve` (the API) and `jalsamvad worker` (the SLA sweep, notifications and
clearing ended staff sessions)."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from types import FrameType

import typer
import uvicorn

from api.app import create_app
from api.asgi import LOG_FORMAT
from bot.channels.notify import ChannelDeliverer
from bot.channels.outbound import TwilioSender
from bot.channels.settings import ChannelSettings
from bot.channels.telegram_sender import TelegramSender
from bot.channels.twilio_webhooks import PREFIX as TWILIO_PREFIX
from grievance.clock import utcnow
from grievance.outbox.delivery import deliver_due
from grievance.staff.cleanup import clear_ended
from grievance.tickets.confirmation import close_unconfirmed
from grievance.tickets.escalation import sweep
from jalsamvad.cli.common import console, runtime
from jalsamvad.demo_data import load_demo

log = logging.getLogger("jalsamvad.worker")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(
        1, min=1, help="Server processes (up to one per core: the dialogue is CPU-bound)."
    ),
    demo: bool = typer.Option(False, "--demo", help="Load the demo directory and complaints."),
) -> None:
    """Apply pending migrations, then serve the API."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    rt = runtime(migrate=True)
    if demo:
        console.print(load_demo(rt))
    if workers == 1:
        uvicorn.run(create_app(rt), host=host, port=port, log_level="info")
        return
    rt.engine.dispose()  # each worker process opens its own connections
    uvicorn.run(
        "api.asgi:app", factory=True, host=host, port=port, workers=workers, log_level="info"
    )


def worker(
    once: bool = typer.Option(False, "--once", help="Sweep once and exit."),
    interval: float | None = typer.Option(None, help="Seconds between sweeps."),
) -> None:
    """Escalate overdue complaints, send waiting notifications and delete ended staff sessions,
    now and then every INTERVAL seconds until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    rt = runtime(migrate=True)
    pause = interval if interval is not None else rt.settings.worker_interval_seconds
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    channels = ChannelSettings()
    sender = TwilioSender.from_settings(rt, channels, f"{TWILIO_PREFIX}/status")
    token = channels.telegram_bot_token
    telegram = TelegramSender(token.get_secret_value()) if token is not None else None
    deliverer = ChannelDeliverer(rt, sender, telegram)
    budget = dict.fromkeys(deliverer.channels, rt.settings.outbox_per_channel_per_pass)
    if not budget:
        log.warning("no Twilio or Telegram sender configured: notifications wait in the outbox")
    while not stop.is_set():
        batch = rt.settings.escalation_batch_size
        report = sweep(rt.sessions, rt.policy, utcnow(), batch, rt.vault)
        log.info("sweep: %d escalated, %d overdue at the top", report.escalated, report.at_top)
        window = timedelta(hours=rt.settings.confirmation_window_hours)
        closed = close_unconfirmed(rt.sessions, rt.policy, rt.vault, utcnow(), window)
        log.info("confirmation: %d closed as unconfirmed", closed)
        sent = deliver_due(rt.sessions, rt.vault, deliverer, utcnow(), budget)
        log.info(
            "outbox: %d sent, %d to retry, %d dead, %d interrupted",
            sent.sent,
            sent.retrying,
            sent.dead,
            sent.interrupted,
        )
        retention = timedelta(days=rt.settings.staff_session_retention_days)
        cleared = clear_ended(rt.sessions, utcnow(), retention)
        log.info(
            "staff: %d ended sessions and %d old failed logins deleted",
            cleared.sessions,
            cleared.login_attempts,
        )
        if once:
            return
        stop.wait(pause)
