"""The web queue in headless Chromium against the real server (`jalsamvad serve --demo`):
log in, see the queue, resolve a complaint and see it leave; an engineer gives a complaint to
the AE and adds a note; and a Kannada page whose script really renders (no tofu boxes).

Skipped only when /usr/bin/chromium is missing outside CI; in CI (`.ci/run` installs it and
fonts-noto-core) a missing browser fails the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from grievance.db import make_engine
from grievance.directory.models import Official, VwscMember
from tests.test_serve import serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct horse battery"
SECRET = "serve-test-secret"  # what tests.test_serve.serving gives the server
INCIDENT_LINK = re.compile(r"/staff/web/incidents/\d+$")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is missing", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def jalsamvad(tmp_path: Path, *args: str, stdin: str = "") -> None:
    env = {
        **os.environ,
        "JALSAMVAD_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "JALSAMVAD_SECRET_KEY": SECRET,
    }
    subprocess.run(
        [sys.executable, "-m", "jalsamvad", *args],
        env=env,
        cwd=tmp_path,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=120,
    )


def member_id(tmp_path: Path, name: str) -> int:
    return _id_of(tmp_path, select(VwscMember.id).where(VwscMember.name == name))


def official_id(tmp_path: Path, name: str) -> int:
    return _id_of(tmp_path, select(Official.id).where(Official.name == name))


def _id_of(tmp_path: Path, query: Select[int]) -> int:
    engine = make_engine(f"sqlite:///{tmp_path / 'served.db'}")
    try:
        with Session(engine) as session:
            return session.scalars(query).one()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo plus two committee accounts and the block's JE, made with `jalsamvad staff
    add`."""
    tmp_path = tmp_path_factory.mktemp("browser")
    jalsamvad(tmp_path, "demo", "load")
    for username, name, language in [
        ("savitri", "Savitri Naik", "en"),
        ("mallappa", "Mallappa Gouda", "kn"),
    ]:
        jalsamvad(
            tmp_path,
            "staff", "add", "--username", username, "--role", "vwsc_member", "--name", name,
            "--member-id", str(member_id(tmp_path, name)), "--language", language,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
    jalsamvad(
        tmp_path,
        "staff", "add", "--username", "ravi.je", "--role", "je", "--name", "Ravi Kulkarni",
        "--official-id", str(official_id(tmp_path, "Ravi Kulkarni")), "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    with serving(tmp_path) as (url, _output):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740})  # a small phone
    yield context.new_page()
    context.close()


def log_in(page: Page, server: str, username: str) -> None:
    page.goto(f"{server}/staff/web/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> nth=-1")
    expect(page).to_have_url(f"{server}/staff/web/queue")


def test_log_in_resolve_a_complaint_and_see_it_leave_the_queue(page: Page, server: str) -> None:
    log_in(page, server, "savitri")
    links = page.locator("ul.work a")
    expect(links.first).to_be_visible()
    href = links.first.get_attribute("href")
    assert href is not None and INCIDENT_LINK.search(href)
    links.first.click()
    expect(page).to_have_url(server + href)
    page.fill("#note", "pipe repaired")
    page.get_by_role("button", name="Mark as fixed").click()
    expect(page).to_have_url(f"{server}/staff/web/queue")
    expect(page.locator(f'ul.work a[href="{href}"]')).to_have_count(0)
    page.goto(server + href)
    expect(page.locator("#status")).to_have_text("marked as fixed")


def test_an_engineer_gives_a_complaint_to_the_ae_and_adds_a_note(page: Page, server: str) -> None:
    log_in(page, server, "ravi.je")
    page.locator("ul.work a").first.click()
    expect(page).to_have_url(INCIDENT_LINK)
    incident = page.url
    page.select_option("#assignee", label="Shobha Patil · Assistant Engineer")
    page.get_by_role("button", name="Assign").click()
    expect(page).to_have_url(incident)
    expect(page.locator("#assignee option:checked")).to_have_text(
        "Shobha Patil · Assistant Engineer"
    )
    expect(page.locator("li", has_text="Assigned")).to_have_count(1)
    page.fill("#new_note", "AE to inspect the valve")
    page.get_by_role("button", name="Add note").click()
    expect(page).to_have_url(incident)
    expect(page.locator("li", has_text="Note: AE to inspect the valve")).to_have_count(1)
    page.get_by_role("button", name="Add note").click()  # empty: the browser asks first
    expect(page).to_have_url(incident)
    assert page.eval_on_selector("#new_note", "(e) => e.validity.valueMissing")


# Draws text with the element's own font on a canvas: how much ink it leaves, and whether it
# looks exactly like characters no font has (U+E000, private use), i.e. tofu boxes.
_GLYPH_CHECK = """(element) => {
  const text = element.textContent.trim();
  const style = getComputedStyle(element);
  const draw = (s) => {
    const canvas = document.createElement('canvas');
    canvas.width = 1200; canvas.height = 80;
    const ctx = canvas.getContext('2d');
    ctx.font = style.font; ctx.fillStyle = '#000'; ctx.textBaseline = 'top';
    ctx.fillText(s, 0, 10);
    return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const kannada = [...text].filter((c) => c >= '\\u0C80' && c <= '\\u0CFF').slice(0, 6).join('');
  const shown = draw(kannada), tofu = draw('\\uE000'.repeat([...kannada].length));
  let ink = 0, differs = false;
  for (let i = 3; i < shown.length; i += 4) {
    ink += shown[i] > 0; differs ||= shown[i] !== tofu[i];
  }
  const range = document.createRange(); range.selectNodeContents(element);
  return {kannada, ink, differs, width: range.getBoundingClientRect().width};
}"""


def test_the_kannada_complaint_page_renders_its_script(
    page: Page, server: str, tmp_path: Path
) -> None:
    log_in(page, server, "mallappa")
    expect(page.locator("h1")).to_have_text("ತೆರೆದ ದೂರುಗಳು")
    page.locator("ul.work a").first.click()
    title = page.locator("#title")
    expect(title).to_contain_text("ದೂರು")
    shot = tmp_path / "kannada-incident.png"
    with_text = title.screenshot(path=str(shot))
    found = title.evaluate(_GLYPH_CHECK)
    assert len(found["kannada"]) >= 3 and found["width"] > 60, found
    assert found["ink"] > 100 and found["differs"], (
        f"Kannada renders as boxes or not at all: {found}"
    )
    title.evaluate("(element) => { element.style.color = 'transparent'; }")
    assert title.screenshot() != with_text, "the title's screenshot is blank"
