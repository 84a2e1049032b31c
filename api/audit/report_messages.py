"""Every sentence of the Gram Sabha report (`api/audit/gram_sabha.py`), as a gettext message in
English (the msgid).

`_` only marks a string for `pybabel extract`; the report translates with `grievance.i18n.say`
in the panchayat's language. Problems are named as elsewhere (`grievance/labels.py`).
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


TITLE = _("Drinking water: report to the Gram Sabha")
GRAM_PANCHAYAT = _("Gram panchayat {name} (LGD code {code})")
PERIOD = _("This report covers {first} to {last}.")
GENERATED = _("Prepared on {when} (India time).")
HOW_TO_READ = _(
    "Small numbers are not printed, so that no household can be recognised: "
    "they read “fewer than 5”."
)

PERCENT = _("{percent}%")

SUMMARY = _("Summary for the gram panchayat")
VILLAGES = _("Village by village")
VILLAGE = _("Village")
WHOLE_GP = _("Whole gram panchayat")
COMPLAINTS = _("Complaints from households")
OPENED = _("Problems opened")
RESOLVED = _("Problems fixed")
ON_TIME = _("Fixed by the deadline")
CONFIRMED = _("Closed after a household confirmed the water is back")
UNCONFIRMED = _("Closed without an answer from the households")
REOPENED = _("Reopened")
REJECTED = _("Rejected as not for the water department")

BACKLOG = _("Problems still open on {day}, by how long they have been open")
OPEN_TOTAL = _("Open")
UNDER_1_WEEK = _("under 1 week")
WEEKS_1_TO_4 = _("1 to 4 weeks")
WEEKS_4_TO_8 = _("4 to 8 weeks")
OVER_8_WEEKS = _("over 8 weeks")

AGENDA = _("For the Gram Sabha to raise: problems still open")
AGENDA_NONE = _("No problem is open.")
AGENDA_NOTE = _(
    "Problems are named by number only. Complaints of illness from water are not listed."
)
NUMBER = _("Number")
PROBLEM = _("Problem")
DAYS_OPEN = _("Days open")
HELD_BY = _("Who must act")
OVERDUE = _("Past its deadline")
AGENDA_MORE = _("… and {count} more open problems.")
LEVELS = {
    "vwsc": _("the village committee"),
    "je": _("the Junior Engineer"),
    "ae": _("the Assistant Engineer"),
    "ee": _("the Executive Engineer"),
    "dwsm": _("the District Water and Sanitation Mission"),
    "state_admin": _("the state administration"),
}

WATER = _("Water tests")
TESTS = _("Water tests done")
UNSAFE = _("Tests showing unsafe water")
PARAMETER = _("What was tested")
READINGS = _("Readings")
UNSAFE_READINGS = _("Unsafe readings")
NO_TESTS = _("No water test was recorded in this period.")

CHART_COMPLAINTS = _("Complaints from households in each village")
CHART_BACKLOG = _("Open problems by how long they have been open")

VERIFICATION = _("Verification code of the public log")
