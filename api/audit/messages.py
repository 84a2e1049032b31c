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
RANGE = _("{first} to {last}")
LAST_90_DAYS = _("Last 90 days")
OTHER_PERIOD = _("Choose another period")
FROM_DAY = _("From")
TO_DAY = _("To")
SHOW = _("Show")
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
HOUSEHOLDS_COMPLAINING = _("Households that complained")
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
BY_QUARTER = _("Complaints by quarter")
QUARTER = _("Quarter")
ON_TIME_CHART = _("Fixed by the deadline or late")
AGE = _("Age")
PLACES = _("Places in this area")
SORT_BY = _("Sort by {column}")
PERCENT = _("{percent}%")
RANKING = _("How the places compare")
RANKING_RULE = _(
    "Only places with at least 10 complaints in the period are compared, each with places of "
    "a similar number of complaints, by the share of problems fixed by the deadline."
)
RANK = _("Rank")
GROUP_BETWEEN = _("Places with {fewest} to {most} complaints")
GROUP_FROM = _("Places with {fewest} complaints or more")
ALL_RANKED = _("All {count} in order: the table above, by the share fixed by the deadline")
NOT_RANKED = _("Not compared, too few problems fixed to give a percentage: {places}")
NOT_COMPARED_HIDDEN = _("Not compared, their figures hidden to protect households: {places}")
TOO_FEW_TO_RANK = _("Places with 1 to 9 complaints, not compared: {count}")
SILENT = _("No complaints in this period: {places}")
GRAM_SABHA_REPORT = _("Gram Sabha report for this period (PDF, A4)")
OPEN_DATA = _("Open data")
OPEN_DATA_INTRO = _(
    "The same figures as files to download, one set per quarter: the list of problems without "
    "anything about households, and the figures of every village by day. The rules that "
    "protect households apply to them too."
)
OPEN_DATA_LICENCE = _("Licence: Creative Commons Attribution 4.0. Please name the source.")
OPEN_DATA_NONE = _("There are no figures yet.")
FILE_INCIDENTS = _("Problems (CSV)")
FILE_DAILY = _("Village figures by day (CSV)")
FILE_DESCRIPTOR = _("Description of the files (JSON, Frictionless Data Package)")
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
EARLIER_TEST_DAYS = _("Earlier days with water tests not listed: {count}")
DAY = _("Day")

BAD_PERIOD = _(
    "This period cannot be shown. Use for example ?period=2026-Q3, ?period=2026 or "
    "?from=2026-07-01&to=2026-09-30."
)
NOT_FOUND = _("There is no place with this LGD code.")
NO_SUCH_PAGE = _("There is no such page.")
NO_SUCH_FILE = _("There is no such file. The open data page lists every file.")
BUSY = _("Another report is being made. Please try again in a minute.")
BACK_HOME = _("Back to the start")

ILLNESS = _("Illness from water")
ILLNESS_REPORTS = _("Reports of illness from water")
ILLNESS_RULE = _(
    "To protect households, reports of illness from water are shown only for districts and "
    "states, and are counted in no other figure."
)

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
        "Households that complained: each household once, however many complaints it made in "
        "the period."
    ),
    RANKING_RULE,
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
    ILLNESS_RULE,
    _("A village in several gram panchayats is counted once, in the one with the lowest code."),
)
