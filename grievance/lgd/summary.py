"""What an import did, and the one audit event that records it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from grievance.audit.chain import EventDraft, append
from grievance.clock import Clock, utcnow

IMPORT_ACTOR = "system:import"
ENTITY_ID_MAX = 64  # audit_events.entity_id

Progress = Callable[[int, int], None]
"""Told (rows written so far, rows to write) after each batch."""


@dataclass(frozen=True)
class ImportSummary:
    file: str
    format: str
    sha256: str
    rows: int
    counts: dict[str, int] = field(default_factory=dict)


def record_import(
    session: Session, summary: ImportSummary, action: str, clock: Clock = utcnow
) -> None:
    """Append the import's audit event in the caller's transaction. Counts only: a directory
    file holds phone numbers, and none of them may reach the audit log."""
    payload = {
        "file": summary.file,
        "sha256": summary.sha256,
        "format": summary.format,
        "rows": summary.rows,
        "counts": dict(summary.counts),
    }
    draft = EventDraft(
        actor=IMPORT_ACTOR,
        action=action,
        entity_type="import",
        entity_id=summary.file[:ENTITY_ID_MAX],
        payload=payload,
        occurred_at=clock(),
    )
    append(session, [draft])


class ProgressCounter:
    """Turns per-batch row counts into (done, total) calls for a `Progress` callback."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self._progress = total, 0, progress
        if progress is not None:
            progress(0, total)

    def __call__(self, rows: int) -> None:
        self.done += rows
        if self._progress is not None:
            self._progress(self.done, self.total)
