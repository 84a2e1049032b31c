"""A household's report (`Report`, from any channel) and the checks run on it before anything
is written: each problem gets a sentence that names it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grievance.errors import ValidationError
from grievance.privacy import Contact
from grievance.tickets.enums import AttachmentKind, Category
from grievance.types import Channel

MAX_DESCRIPTION_CHARS = 4000
MAX_ATTACHMENTS = 10
MAX_URL_CHARS = 2000
# C0 controls other than tab and newline: PostgreSQL refuses NUL and none belong in a complaint.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class AttachmentIn:
    kind: AttachmentKind
    url: str
    content_type: str | None = None


@dataclass(frozen=True)
class Report:
    """What a household tells us, from any channel; `contact` as the channel resolved it."""

    village_code: int
    category: str
    contact: Contact
    channel: Channel
    language: str
    description: str = ""
    attachments: tuple[AttachmentIn, ...] = ()


def category_of(value: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise ValidationError(f"unknown category {value!r}; expected one of: {known}") from None


def strip_controls(text: str) -> str:
    return _CONTROL_CHARS.sub("", text).strip()


def clean_description(text: str) -> str:
    text = strip_controls(text)
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise ValidationError(
            f"the description has {len(text)} characters; at most {MAX_DESCRIPTION_CHARS} are kept"
        )
    return text


def check_attachments(attachments: tuple[AttachmentIn, ...]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(f"at most {MAX_ATTACHMENTS} attachments per complaint")
    for attachment in attachments:
        if (
            not attachment.url.startswith(("https://", "http://"))
            or len(attachment.url) > MAX_URL_CHARS
        ):
            raise ValidationError("an attachment must be an http(s) URL of reasonable length")
