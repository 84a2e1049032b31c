"""Field-test-kit results by chat: "TEST ph 7.2 turbidity 3 ecoli no".

Only a committee member (an FTK tester, or anyone on the committee) can send one; the test
is for the committee's own village, or, for a committee serving a whole gram panchayat, for the
village whose LGD code comes first ("TEST 601014 ph 7.2 …"). The reading is graded against IS
10500 and acted on by `WaterTestService` (unsafe water goes to the Executive Engineer at once and
the households are warned); the tester hears the verdict in their language.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import messages
from bot.flows.staff_member import StaffMember, say
from bot.protocol import Reply
from bot.turn import Services
from grievance.directory.models import Vwsc
from grievance.errors import DomainError
from grievance.lgd.models import VillagePanchayat
from grievance.quality.check import Reading, Verdict
from grievance.quality.service import WaterTestService

COMMAND = re.compile(r"^\s*test\b(.*)$", re.I | re.S)
_VILLAGE_FIRST = re.compile(r"^\s*(\d{6})\b(.*)$", re.S)
_PAIR = re.compile(r"([a-z][a-z_.\- ]*?)\s*[:=]?\s*([-+]?\d+(?:\.\d+)?|yes|no|detected|absent)\b")
# What testers write, as the limits file names it.
ALIASES = {
    "ph": "ph", "tds": "tds", "turbidity": "turbidity", "ntu": "turbidity",
    "colour": "colour", "color": "colour", "hardness": "hardness", "alkalinity": "alkalinity",
    "chloride": "chloride", "sulphate": "sulphate", "sulfate": "sulphate",
    "fluoride": "fluoride", "nitrate": "nitrate", "iron": "iron", "arsenic": "arsenic",
    "chlorine": "residual_chlorine", "rc": "residual_chlorine",
    "residual chlorine": "residual_chlorine", "coliform": "total_coliform",
    "total coliform": "total_coliform", "ecoli": "e_coli", "e coli": "e_coli",
    "e.coli": "e_coli", "e_coli": "e_coli",
}  # fmt: skip
PRESENCE = {"yes": True, "detected": True, "no": False, "absent": False}
VERDICT_MESSAGES = {
    Verdict.ACCEPTABLE: messages.WATER_TEST_SAFE,
    Verdict.PERMISSIBLE: messages.WATER_TEST_PERMISSIBLE,
    Verdict.UNSAFE: messages.WATER_TEST_UNSAFE,
}


def answer(
    session: Session, services: Services, member: StaffMember, text: str
) -> list[Reply] | None:
    """The reply to a TEST message from a committee member, or None if it is not one."""
    found = COMMAND.match(text)
    if found is None or member.vwsc_id is None:
        return None
    rest = found.group(1)
    village_code, rest = _village(session, member.vwsc_id, rest)
    if village_code is None:
        return [say(member, messages.WATER_TEST_WHICH_VILLAGE)]
    try:
        readings = _readings(rest)
        service = WaterTestService(session, services.policy, services.vault, services.clock)
        recorded = service.record(village_code, readings, member.actor)
    except DomainError as error:
        return [say(member, messages.WATER_TEST_REFUSED, reason=str(error))]
    row = services.directory.village(session, village_code)
    named = ", ".join(f.reading.parameter for f in recorded.report.findings if f.verdict.severity)
    return [
        say(
            member,
            VERDICT_MESSAGES[recorded.report.worst],
            village=row.name if row else str(village_code),
            parameters=named,
        )
    ]


def _village(session: Session, vwsc_id: int, rest: str) -> tuple[int | None, str]:
    """The committee's village, or the given code if the committee serves it; None if unclear."""
    committee = session.get_one(Vwsc, vwsc_id)
    given = _VILLAGE_FIRST.match(rest)
    if committee.village_code is not None:
        if given is not None and int(given.group(1)) != committee.village_code:
            return None, rest
        return committee.village_code, given.group(2) if given else rest
    if given is None:
        return None, rest
    code = int(given.group(1))
    served = session.scalars(
        select(VillagePanchayat.village_code).where(
            VillagePanchayat.gp_code == committee.gp_code, VillagePanchayat.village_code == code
        )
    ).first()
    return (code if served is not None else None), given.group(2)


def _readings(text: str) -> list[Reading]:
    readings = []
    for name, value in _PAIR.findall(text.lower()):
        parameter = ALIASES.get(name.strip(), name.strip())
        if value in PRESENCE:
            readings.append(Reading(parameter, PRESENCE[value]))
        else:
            readings.append(Reading(parameter, float(value)))
    return readings
