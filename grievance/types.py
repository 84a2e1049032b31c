"""Column types and enumerations shared by the domain models."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import BigInteger, Enum, Integer

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a real BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def enum_column(enum_cls: type[StrEnum], name: str) -> Enum:
    """A portable VARCHAR with a CHECK constraint holding the enum's values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    SMS = "sms"
    VOICE = "voice"
    TELEGRAM = "telegram"
    WEB = "web"
    TERMINAL = "terminal"


class Level(StrEnum):
    """Rungs of the escalation ladder, lowest first."""

    VWSC = "vwsc"
    JE = "je"
    AE = "ae"
    EE = "ee"
    DWSM = "dwsm"
    STATE_ADMIN = "state_admin"


LADDER: tuple[Level, ...] = tuple(Level)


class OfficialRole(StrEnum):
    JE = "je"
    AE = "ae"
    EE = "ee"
    DWSM = "dwsm"
    STATE_ADMIN = "state_admin"


class UnitType(StrEnum):
    """Kinds of LGD unit a jurisdiction can name, most specific first."""

    VILLAGE = "village"
    GP = "gp"
    BLOCK = "block"
    SUBDISTRICT = "subdistrict"
    DISTRICT = "district"
    STATE = "state"


class MemberRole(StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    PUMP_OPERATOR = "pump_operator"
    FTK_TESTER = "ftk_tester"
