"""The public social-audit pages in headless Chromium against the real server (`jalsamvad
serve --demo`, statistics rebuilt): walk state → district → block → gram panchayat → village
in Kannada at phone width, the SVG charts drawn and the Kannada script really rendered.

Skipped like tests/test_web_browser.py when /usr/bin/chromium is missing outside CI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.test_serve import serving
from tests.test_web_browser import _GLYPH_CHECK, ARGS, CHROMIUM, jalsamvad

MAX_PAGE_BYTES = 30_000


@pytest.fixture(scope="module")
def audit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp_path = tmp_path_factory.mktemp("audit-browser")
    jalsamvad(tmp_path, "demo", "load")
    jalsamvad(tmp_path, "audit", "rebuild-stats")
    with serving(tmp_path) as (url, _output):
        yield url


@pytest.fixture(scope="module")
def audit_browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(audit_browser: Browser) -> Iterator[Page]:
    context = audit_browser.new_context(viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def test_walk_down_to_a_village_in_kannada(phone: Page, audit_server: str, tmp_path: Path) -> None:
    assert CHROMIUM.exists()
    phone.goto(f"{audit_server}/audit?lang=kn")
    expect(phone.locator("h1")).to_have_text("ರಾಜ್ಯಗಳು")
    for level in ["states", "districts", "blocks", "gram-panchayats", "villages"]:
        links = phone.locator(f"main a[href^='/audit/{level}/']")
        link = links.filter(has_text="ತಮ್ಮಾಪುರ") if level == "villages" else links.first
        link.click()
        phone.wait_for_url(f"**/audit/{level}/**")
        size = phone.evaluate("document.documentElement.outerHTML.length")
        assert size <= MAX_PAGE_BYTES, (level, size)
        expect(phone.locator("svg.chart")).to_have_count(3)
        assert phone.locator("svg.chart").first.bounding_box()["width"] <= 360  # type: ignore[index]
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, level
        phone.screenshot(path=str(tmp_path / f"{level}.png"), full_page=True)
    expect(phone.locator("h1")).to_contain_text("ತಮ್ಮಾಪುರ")
    expect(phone.locator("nav.trail a")).to_have_count(4)
    heading = phone.locator("h2").first
    found = heading.evaluate(_GLYPH_CHECK)
    assert len(found["kannada"]) >= 3 and found["ink"] > 100 and found["differs"], found
    # the charts carry their numbers as text, and a table beside them
    assert phone.locator("svg.chart text").count() >= 6


@pytest.mark.parametrize("language", ["ta", "hi", "ml"])
def test_no_page_scrolls_sideways_at_phone_width(
    phone: Page, audit_server: str, language: str
) -> None:
    """Wide tables scroll inside their own box; the page itself never scrolls sideways."""
    for path in [
        "/audit/states/29",
        "/audit/districts/546",
        "/audit/blocks/5895",
        "/audit/gram-panchayats/219744",
        "/audit/villages/601014",
        "/audit/open-data/",
        "/audit/about",
    ]:
        phone.goto(f"{audit_server}{path}?lang={language}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, (path, language)
