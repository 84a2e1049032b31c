"""Is this request really from Twilio? The X-Twilio-Signature over the public URL and params."""

from __future__ import annotations

from starlette.requests import Request
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from bot.channels.twilio.form import FormParams

SIGNATURE_HEADER = "X-Twilio-Signature"


def public_url(request: Request, base_url: str | None) -> str:
    """The URL Twilio called: the configured public base, else rebuilt from proxy headers."""
    query = f"?{request.url.query}" if request.url.query else ""
    if base_url:
        return f"{base_url.rstrip('/')}{request.url.path}{query}"
    headers = request.headers
    scheme = _first(headers.get("x-forwarded-proto")) or request.url.scheme
    host = _first(headers.get("x-forwarded-host")) or headers.get("host") or request.url.netloc
    return f"{scheme}://{host}{request.url.path}{query}"


def _first(value: str | None) -> str:
    return value.split(",")[0].strip() if value else ""


class TwilioSignature:
    def __init__(self, auth_token: str, base_url: str | None) -> None:
        self._validator = RequestValidator(auth_token)
        self._base_url = base_url

    def valid(self, request: Request, params: FormParams) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return False
        url = public_url(request, self._base_url)
        return bool(self._validator.validate(url, params, signature))
