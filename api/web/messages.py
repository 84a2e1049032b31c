"""Every sentence of the web queue, as a gettext message in English (the msgid).

Declared like `bot/messages.py`: `_` only marks a string for `pybabel extract`; the pages
translate with `grievance.i18n.say` in the account's language. Statuses and problems are named
as the bot names them (`grievance/labels.py`).
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


LOGIN_TITLE = _("Staff login")
USERNAME = _("Username")
PASSWORD = _("Password")
LOG_IN = _("Log in")
LOG_OUT = _("Log out")
LOGIN_FAILED = _("Wrong username or password.")
LOGIN_THROTTLED = _("Too many attempts. Please wait 15 minutes.")
SESSION_ENDED = _("Your session has ended. Please log in again.")

QUEUE_TITLE = _("Open complaints")
QUEUE_EMPTY = _("No complaints here.")
STATUS = _("Status")
ALL_OPEN = _("All open")
OVERDUE_ONLY = _("Overdue only")
SHOW = _("Show")
NEXT_PAGE = _("Next page")
PREVIOUS_PAGE = _("Previous page")
DUE = _("Due {deadline}")
OVERDUE = _("Overdue")

INCIDENT_TITLE = _("Complaint {number}")
HOUSEHOLDS = _("Households reporting: {count}")
REPORTS = _("Reports")
HISTORY = _("History")
# A big outage has hundreds of reports: the page shows the latest ones and says how many not.
EARLIER_REPORTS_HIDDEN = _("Earlier reports not shown: {count}")
EARLIER_HISTORY_HIDDEN = _("Earlier history entries not shown: {count}")
SHOW_ALL = _("Show all")
NOTE = _("Note")
ESCALATED = _("Escalated")
ASSIGNED = _("Assigned")
PHOTO_ADDED = _("Photo added")
OVERDUE_AT_TOP = _("Overdue, with nobody above to escalate to")
HOUSEHOLD_REPORTED = _("A household reported it")
HOUSEHOLD_ANSWERED = _("A household said whether water is back")
HOUSEHOLD_RATED = _("A household rated the handling")
CHANGED = _("Changed")
PHONE_CALL = _("Phone call")
ACKNOWLEDGE = _("Mark as seen")
START_WORK = _("Mark work as started")
RESOLVE = _("Mark as fixed")
WHAT_WAS_DONE = _("What was done?")
NOTE_REQUIRED = _("Please say what was done.")
REJECT = _("Reject")
REASON = _("Reason")
RESPONSIBLE_BODY = _("Responsible body")
RESPONSIBLE_BODY_PUBLIC = _(
    "The public social audit pages show this. Name the office or department, never a person."
)
REJECT_NEEDS = _("Please give the reason and the responsible body.")
BACK_TO_QUEUE = _("Back to the list")
ADD_NOTE = _("Add note")
NOTE_EMPTY = _("Please write the note.")
NOTE_TOO_LONG = _("A note can have at most {limit} characters.")
ASSIGN = _("Assign")
ASSIGN_TO = _("Give this complaint to")
ASSIGNEE_INVALID = _("Please choose someone from the list.")
# Who a complaint can be given to, by rung of the ladder (grievance.types.Level).
LEVEL_LABELS = {
    "vwsc": _("Village water committee"),
    "je": _("Junior Engineer"),
    "ae": _("Assistant Engineer"),
    "ee": _("Executive Engineer"),
    "dwsm": _("District Water and Sanitation Mission"),
    "state_admin": _("State administrator"),
}

NOT_FOUND = _("Not found in your area.")
FORM_EXPIRED = _("This form has expired. Reload the page and try again.")
CHANGED_MEANWHILE = _("This complaint was changed meanwhile. Reload the page and try again.")
NOT_ALLOWED = _("Your role may not do this.")
CROSS_SITE = _("This form was sent from another website and was refused.")
