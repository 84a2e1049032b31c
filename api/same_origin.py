"""Whether a POST came from one of our own pages: its Origin header (else its Referer) must
name this site.

The CSRF tokens already stop forged forms; this also stops what a token cannot see, such as a
login pair fetched from our page and planted by a sibling subdomain (same site, so SameSite
cookies do not help), or a foreign page posting someone's credentials to log a victim in.
"null" (sandboxed frames, cross-site redirects) counts as foreign.

Neither header at all passes on to the token checks. Browsers send Origin on every POST, so a
cross-site form always carries one; what sends neither is curl, scripts and old phone browsers
behind data-saver proxies that strip the Referer. Refusing them would lock out the cheap phones
the web queue is for and stop no attack the tokens do not already stop.

The site is the request's own scheme and host: behind a TLS proxy, uvicorn must trust its
X-Forwarded-Proto (`--forwarded-allow-ips`), as it must for the client address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from api.staff.auth import SAFE_METHODS

_DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


def _origin(url: str) -> Origin | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or host
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[parts.scheme]


def cross_site(request: Request) -> bool:
    """True for a POST (or other change) whose Origin or Referer names another site."""
    if request.method in SAFE_METHODS:
        return False
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return False  # neither header: see above
    return _origin(claimed) != _origin(str(request.url))
