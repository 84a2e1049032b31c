"""Every sentence of the public social-audit pages, as a gettext message in English (the msgid).

Declared like `api/web/messages.py`: `_` only marks a string for `pybabel extract`; the pages
translate with `grievance.i18n.say` in the reader's language. Statuses, problems and ladder
levels are named as elsewhere (`grievance/labels.py`, `api/web/messages.py`).
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


SITE_TITLE = _("Drinking water complaints: social audit")
STATES = _("States")
ABOUT = _("How these figures are made")
SEARCH = _("Search")
SEARCH_LABEL = _("Village name or 6-digit LGD code")
SEARCH_TITLE = _("Find a village")
NO_MATCH = _("No village found.")
PERIOD = _("Period: {first} to {last}")
LANGUAGE = _("Language")

STATE = _("State")
DISTRICT = _("District")
BLOCK = _("Block")
GRAM_PANCHAYAT = _("Gram panchayat")
VILLAGE = _("Village")
LGD_CODE = _("LGD code {code}")

NO_COMPLAINTS = _("No complaints in this period.")
FEWER_THAN_5 = _("fewer than 5")
PROTECTING = _("hidden to protect another figure")
WITHHELD = _("withheld")
NOT_ENOUGH = _("too few to give a percentage")

SUMMARY = _("Summary")
COMPLAINTS = _("Complaints from households")
OPENED = _("Problems opened")
ACKNOWLEDGED = _("Seen by the team")
RESOLVED = _("Marked as fixed")
ON_TIME = _("Fixed by the deadline")
ON_TIME_SHARE = _("{percent}% of those fixed")
LATE = _("Fixed after the deadline")
CLOSED_CONFIRMED = _("Closed, a household confirmed")
CLOSED_UNCONFIRMED = _("Closed without an answer")
REOPENED = _("Reopened")
REJECTED = _("Rejected as not for the water department")
REJECTED_BY_BODY = _("Rejected, by the body named as responsible")
ESCALATIONS = _("Sent up to a higher level")
OPEN_BACKLOG = _("Still open on {day}, by age")
UNDER_1_WEEK = _("Under 1 week")
WEEKS_1_TO_4 = _("1 to 4 weeks")
WEEKS_4_TO_8 = _("4 to 8 weeks")
OVER_8_WEEKS = _("Over 8 weeks")
WATER_TESTS = _("Water tests")
TESTS_DONE = _("Tests done")
UNSAFE_TESTS = _("Tests that found unsafe water")
PARAMETER = _("What was measured")
READINGS = _("Readings")
UNSAFE_READINGS = _("Unsafe readings")
BY_PROBLEM = _("By problem")
PROBLEM = _("Problem")
FIGURE = _("Figure")
COUNT = _("Number")
MONTH = _("Month")
BY_MONTH = _("Complaints by month")
ON_TIME_CHART = _("Fixed by the deadline or late")
AGE = _("Age")
PLACES = _("Places in this area")
NAME = _("Name")
TOTAL = _("Total")

INCIDENTS = _("Problems in this village")
INCIDENT_NUMBER = _("Number")
FILED = _("Opened")
DAYS_OPEN = _("Days open")
LEVEL_REACHED = _("Highest level")
HOUSEHOLDS = _("Households")
NO_INCIDENTS = _("No problems in this period.")
EARLIER_HIDDEN = _("Earlier problems not listed: {count}")
TESTS_BY_DAY = _("Water tests by day")
DAY = _("Day")

BAD_PERIOD = _(
    "This period cannot be shown. Use for example ?period=2026-Q3, ?period=2026 or "
    "?from=2026-07-01&to=2026-09-30."
)
NOT_FOUND = _("There is no place with this LGD code.")
BACK_HOME = _("Back to the start")

ABOUT_TEXT = (
    _(
        "Every figure counts what happened in the period, day by day in Indian time, from the "
        "service's tamper-evident log."
    ),
    _(
        "A complaint is one household's report. Reports of the same problem in the same village "
        "while it is open are one problem."
    ),
    _(
        "Fixed by the deadline: the problem was marked as fixed before the deadline of the level "
        "holding it. The percentage is of the problems marked as fixed."
    ),
    _(
        "Closed, a household confirmed: a household said the water is back. Closed without an "
        "answer: nobody answered within 3 days."
    ),
    _(
        "Still open: problems opened and not yet closed or rejected at the end of the period's "
        "last day, by how long they have been open."
    ),
    _(
        'To protect households, a number from 1 to 4 is shown as "fewer than 5", and some other '
        "numbers are hidden so that it cannot be worked out. A percentage needs at least 10."
    ),
    _(
        "Complaints of illness from water are not published yet, at any level: they need "
        "protection across overlapping tables, which is still being built."
    ),
    _("A village in several gram panchayats is counted once, in the one with the lowest code."),
)
