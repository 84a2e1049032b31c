"""Field-test-kit results by chat: "TEST ph 7.2 turbidity 3 ecoli no".

Anyone on staff may send one for a village in their jurisdiction, as through the staff API
(`StaffDesk.record_water_test`, one rule for both): a village committee's member for the
committee's own village without naming it; anyone else (a committee serving a whole gram
panchayat, an engineer) names the village by its LGD code first ("TEST 601014 ph 7.2 …"). A
village outside the jurisdiction gets the same answer as a code that does not exist. The
reading is graded against IS 10500 and acted on by `WaterTestService` (unsafe water goes to
the Executive Engineer at once and the households are warned); the tester hears the verdict in
their language.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot import messages
from bot.exchange import Reply
from bot.flows.staff_member import say
from bot.turn import Services
from grievance.errors import DomainError, NotFoundError
from grievance.quality.check import Reading, Verdict
from grievance.staff.actions import StaffDesk
from grievance.staff.principal import Principal
from grievance.types import UnitType

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


def answer(session: Session, services: Services, desk: StaffDesk, text: str) -> list[Reply] | None:
    """The reply to a TEST message from staff, or None if it is not one."""
    found = COMMAND.match(text)
    if found is None:
        return None
    member = desk.principal
    village_code, rest = _village(member, found.group(1))
    if village_code is None:
        return [say(member, messages.WATER_TEST_WHICH_VILLAGE)]
    try:
        recorded = desk.record_water_test(village_code, _readings(rest))
    except NotFoundError:  # outside the jurisdiction, or no such village: the same answer
        return [say(member, messages.WATER_TEST_WHICH_VILLAGE)]
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


def _village(member: Principal, rest: str) -> tuple[int | None, str]:
    """The village whose code comes first, else the person's only village (a village
    committee's); None when it is not clear which."""
    given = _VILLAGE_FIRST.match(rest)
    if given is not None:
        return int(given.group(1)), given.group(2)
    if len(member.units) == 1 and member.units[0][0] is UnitType.VILLAGE:
        return member.units[0][1], rest
    return None, rest


def _readings(text: str) -> list[Reading]:
    readings = []
    for name, value in _PAIR.findall(text.lower()):
        parameter = ALIASES.get(name.strip(), name.strip())
        if value in PRESENCE:
            readings.append(Reading(parameter, PRESENCE[value]))
        else:
            readings.append(Reading(parameter, float(value)))
    return readings
