"""A strict reader for application/x-www-form-urlencoded bodies (Twilio webhooks).

Broken percent-escapes and invalid UTF-8 are errors with a reason, never guessed at.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class FormError(ValueError):
    """The body is not a well-formed form; the message says why."""


class FormParams(dict[str, list[str]]):
    """Field → values, in the shape `RequestValidator` reads (it calls `getlist`)."""

    def getlist(self, name: str) -> list[str]:
        return self[name]

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name)
        return values[0] if values else default

    def flat(self) -> dict[str, str | list[str]]:
        return {k: v[0] if len(v) == 1 else list(v) for k, v in self.items()}


def _decode(raw: str, what: str) -> str:
    if _BAD_ESCAPE.search(raw):
        raise FormError(f"broken percent-encoding in {what}")
    try:
        value = unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormError(f"{what} is not valid UTF-8") from exc
    if "\x00" in value:
        raise FormError(f"{what} contains a NUL character")
    return value


def parse_form(body: bytes) -> FormParams:
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError as exc:
        raise FormError("a form body must be ASCII (percent-encoded)") from exc
    params = FormParams()
    for pair in text.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name = _decode(raw_name, "a field name")
        if not name:
            raise FormError("a field without a name")
        params.setdefault(name, []).append(_decode(raw_value, f"field {name!r}"))
    return params
