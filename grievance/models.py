"""Imports every model module so `Base.metadata` is complete (for Alembic and tests)."""

from grievance.audit.models import AuditChainHead, AuditEvent
from grievance.channel_messages.models import InboundMessage, OutboundMessage
from grievance.conversations.models import Conversation
from grievance.db import Base
from grievance.directory.models import (
    Official,
    OfficialJurisdiction,
    Scheme,
    SchemeVillage,
    StaffChatLink,
    Vwsc,
    VwscMember,
)
from grievance.lgd.models import (
    Block,
    District,
    GramPanchayat,
    State,
    SubDistrict,
    Village,
    VillagePanchayat,
)
from grievance.outbox.models import OutboxMessage
from grievance.quality.models import WaterTest
from grievance.social_audit.models import (
    DailyFigures,
    IncidentFacts,
    RejectionFigures,
    StatsWatermark,
    WaterFigures,
    WaterParameterFigures,
)
from grievance.staff.models import LoginAttempt, StaffAccount, StaffSession, StaffToken
from grievance.tickets.models import Attachment, Incident, IncidentRoute, Reporter, Ticket

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Block",
    "Conversation",
    "DailyFigures",
    "District",
    "GramPanchayat",
    "InboundMessage",
    "Incident",
    "IncidentFacts",
    "IncidentRoute",
    "LoginAttempt",
    "Official",
    "OfficialJurisdiction",
    "OutboundMessage",
    "OutboxMessage",
    "RejectionFigures",
    "Reporter",
    "Scheme",
    "SchemeVillage",
    "StaffAccount",
    "StaffChatLink",
    "StaffSession",
    "StaffToken",
    "State",
    "StatsWatermark",
    "SubDistrict",
    "Ticket",
    "Village",
    "VillagePanchayat",
    "Vwsc",
    "VwscMember",
    "WaterFigures",
    "WaterParameterFigures",
    "WaterTest",
]
