"""Errors of staff authentication and authorisation."""

from __future__ import annotations

from grievance.errors import DomainError


class NotAuthenticatedError(DomainError):
    """No valid session or token: log in again (HTTP 401)."""

    code = "not_authenticated"


class LoginFailedError(NotAuthenticatedError):
    """The one answer for an unknown user, a wrong password and a disabled account."""

    code = "login_failed"

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class LoginThrottledError(DomainError):
    """Too many failed logins for this username or from this address (HTTP 429)."""

    code = "too_many_attempts"


class CsrfError(DomainError):
    """A state-changing request with a session cookie lacks the session's CSRF token (403)."""

    code = "csrf_failed"


class ForbiddenError(DomainError):
    """The account can see the record but its role may not do this (HTTP 403)."""

    code = "forbidden"
