"""A small Karnataka directory for demos and tests, shipped with the package.

Raichur district (546), Manvi sub-district (5462) and block (5895), GP Gorkal (219744) and
its village Tammapur (601014) carry their public LGD codes. Everything else is fictitious:
the other villages (6999xx), GPs (2999xx) and the second block SIRIGERE (9901), every name
of a person, and every phone number (valid-looking +91 98450 0xxxx numbers). Mallapur
(699911) sits in that second block with no VWSC and no JE, so routing there has to fall back
to the AE and flag the village for onboarding.
"""

from __future__ import annotations

import hashlib
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.audit.models import AuditEvent
from grievance.directory.importer import AUDIT_ACTION as DIRECTORY_IMPORTED
from grievance.directory.importer import import_directory
from grievance.lgd.importer import AUDIT_ACTION as LGD_IMPORTED
from grievance.lgd.importer import import_lgd
from grievance.privacy import ContactVault

DEMO_STATE_CODE = 29  # KARNATAKA
LGD_FILE = "lgd.csv"
DIRECTORY_FILES = ("officials.csv", "vwsc_members.csv", "schemes.csv")


def load_demo_directory(session: Session, vault: ContactVault) -> None:
    """Import the demo LGD extract, then officials, VWSCs and schemes, in the caller's
    transaction. Safe on every start: a file already imported unchanged is skipped, so the
    audit chain does not grow by four events per restart."""
    name, data = _demo_file(LGD_FILE)
    if not _already_imported(session, name, data, LGD_IMPORTED):
        import_lgd(session, name, data, state_code=DEMO_STATE_CODE)
    for file_name in DIRECTORY_FILES:
        name, data = _demo_file(file_name)
        if not _already_imported(session, name, data, DIRECTORY_IMPORTED):
            import_directory(session, name, data, vault)


def _demo_file(file_name: str) -> tuple[str, bytes]:
    """The name the audit log records (demo/…) and the packaged file's bytes."""
    return f"demo/{file_name}", (resources.files(__name__) / file_name).read_bytes()


def _already_imported(session: Session, name: str, data: bytes, action: str) -> bool:
    """True when the latest import of this file name was of exactly these bytes."""
    latest = session.scalars(
        select(AuditEvent.payload)
        .where(
            AuditEvent.action == action,
            AuditEvent.entity_type == "import",
            AuditEvent.entity_id == name,
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    return latest is not None and latest.get("sha256") == hashlib.sha256(data).hexdigest()
