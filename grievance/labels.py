"""How an incident's status and a complaint's problem are named to people, as gettext messages
in English (the msgid): the bot, the web pages and the notices all say them alike.

`_` only marks a string for `pybabel extract`; `grievance.i18n.say` translates at runtime.
"""

from __future__ import annotations


def _(message: str) -> str:
    return message


STATUS_LABELS = {
    "new": _("registered"),
    "acknowledged": _("seen by the team"),
    "in_progress": _("work in progress"),
    "resolved": _("marked as fixed"),
    "closed": _("closed"),
    "reopened": _("reopened"),
    "rejected": _("not for the water department"),
}
# A closed incident says how it was closed: the households confirmed it, or nobody answered.
CLOSURE_LABELS = {
    "confirmed": _("closed, confirmed by a household"),
    "unconfirmed": _("closed without an answer from the households"),
}


def status_label(status: str, closure: str | None = None) -> str:
    """The message for an incident's status, telling confirmed and unconfirmed closures apart."""
    if status == "closed" and closure in CLOSURE_LABELS:
        return CLOSURE_LABELS[closure]
    return STATUS_LABELS.get(status, status)


CATEGORY_LABELS = {
    "no_water": _("No water"),
    "low_pressure": _("Low water pressure"),
    "irregular_supply": _("Water comes irregularly"),
    "dirty_water": _("Dirty water"),
    "health_issue": _("Illness from water"),
    "leakage": _("Leaking pipe"),
    "broken_tap": _("Broken tap"),
    "no_connection": _("No tap connection"),
    "billing": _("Water bill problem"),
}
