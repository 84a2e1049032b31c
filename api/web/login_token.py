"""The login form's CSRF token, before there is a session: a signed double-submit cookie.

The browser keeps a random pre-session value in an HttpOnly cookie; the form carries its
HMAC under a key derived from JALSAMVAD_SECRET_KEY. A plain double submit (the same value in
both) can be beaten by whoever can plant a cookie (a sibling subdomain, a plain-http network):
they choose the value and put it in the form too. Signed, a value of their own choosing is
useless without the key; a real pair fetched from our login page and planted is refused by
the Origin check (api/web/origin.py).
"""

from __future__ import annotations

import re

from fastapi import Request

from grievance.staff import credentials

LOGIN_COOKIE = "jalsamvad_web_login"
# What credentials.new_secret() makes; anything else in the cookie is replaced, not signed.
_VALUE = re.compile(r"[A-Za-z0-9_-]{43}")


def cookie_value(request: Request) -> str:
    """The browser's pre-session value, or a new one to set."""
    value = request.cookies.get(LOGIN_COOKIE, "")
    return value if _VALUE.fullmatch(value) else credentials.new_secret()


def form_token(key: bytes, cookie: str) -> str:
    return credentials.sign(key, cookie)


def token_ok(request: Request, key: bytes, given: str) -> bool:
    """True only for the signature of the cookie this browser sent (constant-time compare)."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not given or not _VALUE.fullmatch(cookie):
        return False
    return credentials.same(given, form_token(key, cookie))
