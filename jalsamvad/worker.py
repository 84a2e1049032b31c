"""The background worker's pass: escalate overdue incidents, close resolved ones nobody
confirmed in time, fold the new audit events into the social audit's statistics, send
waiting notifications, delete ended staff sessions."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.notify import ChannelDeliverer
from grievance.clock import Clock
from grievance.outbox.delivery import deliver_due
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.settings import Settings
from grievance.social_audit.updater import update_stats
from grievance.staff.cleanup import clear_ended
from grievance.tickets.confirmation import close_unconfirmed
from grievance.tickets.escalation import sweep

log = logging.getLogger("jalsamvad.worker")


class Worker:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        vault: ContactVault,
        policy: Policy,
        deliverer: ChannelDeliverer,
        clock: Clock,
    ) -> None:
        self.settings, self.sessions, self.vault, self.policy = settings, sessions, vault, policy
        self.deliverer, self.clock = deliverer, clock
        self.budget = dict.fromkeys(deliverer.channels, settings.outbox_per_channel_per_pass)
        if not self.budget:
            log.warning("no Twilio or Telegram sender configured: notifications wait in the outbox")

    def run(self, stop: threading.Event, interval: float | None = None) -> None:
        """A pass now and then every `interval` seconds (the settings' if None) until `stop`."""
        pause = interval if interval is not None else self.settings.worker_interval_seconds
        while not stop.is_set():
            self.run_once()
            stop.wait(pause)

    def run_once(self) -> None:
        settings, sessions, vault, policy = self.settings, self.sessions, self.vault, self.policy
        report = sweep(sessions, policy, self.clock(), settings.escalation_batch_size, vault)
        log.info("sweep: %d escalated, %d overdue at the top", report.escalated, report.at_top)
        window = timedelta(hours=settings.confirmation_window_hours)
        closed = close_unconfirmed(sessions, policy, vault, self.clock(), window)
        log.info("confirmation: %d closed as unconfirmed", closed)
        stats = update_stats(sessions)
        log.info("statistics: %d audit events folded, up to %d", stats.events, stats.last_seq)
        if stats.unknown or stats.missing:
            log.warning(
                "statistics: unknown actions %s, %d events of incidents never opened",
                dict(stats.unknown),
                stats.missing,
            )
        sent = deliver_due(sessions, vault, self.deliverer, self.clock(), self.budget)
        log.info(
            "outbox: %d sent, %d to retry, %d dead, %d interrupted",
            sent.sent,
            sent.retrying,
            sent.dead,
            sent.interrupted,
        )
        retention = timedelta(days=settings.staff_session_retention_days)
        cleared = clear_ended(sessions, self.clock(), retention)
        log.info(
            "staff: %d ended sessions and %d old failed logins deleted",
            cleared.sessions,
            cleared.login_attempts,
        )
