"""The web pages' same-origin check (`api.same_origin`), as a dependency of every web route:
a form posted from another site gets a 403 page and nothing runs."""

from __future__ import annotations

from fastapi import Request

from api.same_origin import cross_site
from api.web.login import browser_language


class CrossSiteError(Exception):
    def __init__(self, language: str) -> None:
        super().__init__("form posted from another site")
        self.language = language


def same_origin(request: Request) -> None:
    if cross_site(request):
        raise CrossSiteError(browser_language(request))
