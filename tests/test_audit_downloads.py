"""What a social auditor takes away and how places compare, through the app as `serve` builds
it: households counted once, child tables sorted by links without revealing hidden figures,
rankings only among places of similar volume, the open-data page and its files, the Gram
Sabha PDF linked from each gram panchayat page, and a crawl of every public page and file
that fails on any phone, text, reference or 10-digit number of the households who filed."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.audit import downloads
from api.audit.ranking import ChildRow, Sort, SortKey, rank, sorted_rows
from api.audit.units import Unit
from api.staff.auth import clock as clock_dependency
from grievance.db import unit_of_work
from grievance.social_audit.disclosure import (
    FEWER_THAN_5,
    PROTECTING,
    ZERO,
    Percentage,
    Shown,
    shown_count,
)
from grievance.social_audit.updater import update_stats
from grievance.tickets.enums import ActorRole, Status
from grievance.types import UnitType
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place, add_villages
from tests.conftest import Desk
from tests.privacy_scan import assert_clean, phone_forms
from tests.test_audit_pages import MAX_PAGE_BYTES, cell, get
from tests.test_social_audit_open_data import export, file_the_story

PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture
def client(assembly: Assembly, clock: FakeClock) -> Iterator[TestClient]:
    app = assembly.app()
    app.dependency_overrides[clock_dependency] = lambda: clock
    with TestClient(app) as test_client:
        yield test_client


def phone(n: int) -> str:
    return f"+9199002{n:05d}"


def rows_of(html: str) -> list[str]:
    """The place names of the 'Places in this area' table, top to bottom."""
    table = html.split('<h2 id="places">')[1].split("</table>")[0]
    return [unescape(name) for name in re.findall(r'<td><a href="/audit/[^"]+">([^<]+)</a>', table)]


def test_households_count_once_however_many_complaints(
    client: TestClient, place: Place, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    for n in range(6):
        desk.file(place.village, "no_water", phone(n))
        desk.file(place.village, "leakage", phone(n))
    update_stats(sessions)
    for url in [f"/audit/villages/{place.village}", f"/audit/states/{place.state}"]:
        html = get(client, url)
        assert cell(html, "Complaints from households") == "12", url
        assert cell(html, "Households that complained") == "6", url


def _compare_villages(place: Place, desk: Desk, sessions: sessionmaker[Session]) -> list[int]:
    """In the other GP: one village fixes 12 reports in time, one 11 with 6 late, one has 3
    reports, the rest none."""
    with unit_of_work(sessions) as session:
        prompt, slow, small, *quiet = add_villages(session, place, 5)
    incident = None
    for n in range(12):
        incident = desk.file(prompt, "no_water", phone(n)).incident.id
        desk.move(incident, Status.RESOLVED, ActorRole.VWSC, "fixed")
    for n in range(11):
        incident = desk.file(slow, "no_water", phone(100 + n)).incident.id
        if n >= 5:
            desk.clock.advance(days=4)  # past the committee's deadline
        desk.move(incident, Status.RESOLVED, ActorRole.VWSC, "fixed")
    for n in range(3):
        desk.file(small, "leakage", phone(200 + n))
    update_stats(sessions)
    return [prompt, slow, small, *quiet]


def test_places_sort_by_links_and_rank_among_peers(
    client: TestClient, place: Place, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    prompt, slow, small, *quiet = _compare_villages(place, desk, sessions)
    url = f"/audit/gram-panchayats/{place.other_gp}"
    by_name = get(client, url)
    assert rows_of(by_name) == sorted(rows_of(by_name), key=str.casefold)
    assert 'href="?sort=complaints&amp;order=desc#places"' in by_name

    most = get(client, f"{url}?sort=complaints&order=desc")
    names = rows_of(most)
    # The slow village's 11 are hidden to protect the small one's 3 (the total is shown): a
    # hidden figure sorts last whichever the direction, and "fewer than 5" just above zero.
    assert "hidden to protect another figure" in most
    assert names[:2] == [f"Village {prompt}", f"Village {small}"] and names[-1] == f"Village {slow}"
    assert 'aria-sort="descending"' in most
    assert 'href="?sort=complaints&amp;order=asc#places"' in most  # the same link turns it round
    fewest = rows_of(get(client, f"{url}?sort=complaints&order=asc"))
    assert fewest[-3:] == [f"Village {small}", f"Village {prompt}", f"Village {slow}"]

    by_share = rows_of(get(client, f"{url}?sort=on_time&order=desc"))
    assert by_share[:2] == [f"Village {prompt}", f"Village {slow}"]  # 100 %, then 5 of 11
    assert rows_of(get(client, f"{url}?sort=nonsense&order=up")) == rows_of(by_name)

    ranking = most.split("<h2>How the places compare</h2>")[1]
    group = ranking.split("<h3>Places with 10 to 99 complaints</h3>")[1].split("</table>")[0]
    assert re.findall(
        r'<tr><td class="n">(\d+)</td><td>([^<]+)</td><td class="n">(\d+)%', group
    ) == [("1", f"Village {prompt}", "100")]
    # Even a group's bounds (10 to 99) would narrow the hidden count it protects.
    assert f"Not compared, their figures hidden to protect households: Village {slow}" in ranking
    assert "Places with 1 to 9 complaints, not compared: 1" in ranking
    silent = re.search(r"No complaints in this period: ([^<]+)</p>", ranking)
    assert silent is not None
    assert all(f"Village {code}" in silent.group(1) for code in quiet)
    assert f"Village {prompt}" not in silent.group(1)


def unit(name: str) -> Unit:
    return Unit(UnitType.VILLAGE, abs(hash(name)) % 10**6 + 1, name)


def row(name: str, complaints: Shown, on_time: int | None = None) -> ChildRow:
    share = None if on_time is None else Percentage(on_time)
    return ChildRow(unit(name), {"complaints": complaints}, share)


def test_hidden_figures_sort_together_and_never_by_their_true_value() -> None:
    rows = [
        row("Bidar", shown_count(7)),
        row("Alur", FEWER_THAN_5),  # 4 in truth, say
        row("Chitra", FEWER_THAN_5),  # 1 in truth, say
        row("Dharwad", PROTECTING),
        row("Ekapur", ZERO),
    ]
    names = [r.unit.name for r in sorted_rows(rows, Sort(SortKey.COMPLAINTS, descending=True))]
    assert names == ["Bidar", "Alur", "Chitra", "Ekapur", "Dharwad"]  # ties by name, hidden last
    names = [r.unit.name for r in sorted_rows(rows, Sort(SortKey.COMPLAINTS))]
    assert names == ["Ekapur", "Alur", "Chitra", "Bidar", "Dharwad"]


def test_ranking_groups_by_volume_and_shares_ties() -> None:
    rows = [row(n, shown_count(c), s) for n, c, s in [("A", 12, 80), ("B", 50, 80), ("C", 40, 95)]]
    rows += [row("D", shown_count(500), 60), row("E", shown_count(9), 100), row("F", ZERO)]
    rows += [row("G", shown_count(20))]  # too few fixed for a share
    rows += [row("H", PROTECTING, 70), row("I", FEWER_THAN_5, 100)]
    ranking = rank(rows)
    first, second = ranking.groups
    assert (first.fewest, first.most, second.fewest, second.most) == (10, 99, 100, 999)
    assert [(s.rank, s.row.unit.name) for s in first.ranked] == [(1, "C"), (2, "A"), (2, "B")]
    assert [r.unit.name for r in first.unranked] == ["G"]
    assert [(s.rank, s.row.unit.name) for s in second.ranked] == [(1, "D")]
    assert ranking.too_few == 2 and [u.name for u in ranking.silent] == ["F"]
    assert [u.name for u in ranking.hidden] == ["H"]


def test_the_open_data_page_offers_each_quarter_as_the_export_writes_it(
    client: TestClient,
    place: Place,
    desk: Desk,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file_the_story(desk, place)
    html = get(client, "/audit/open-data/?lang=kn")
    assert 'href="/audit/open-data/2026-Q4/incidents.csv"' in html
    assert 'href="/audit/open-data/2026-Q4/datapackage.json"' in html
    english = get(client, "/audit/open-data/")
    assert "2026-Q4: 1 Oct 2026 to " in english and "Creative Commons" in english

    daily = client.get("/audit/open-data/2026-Q4/village_daily.csv")
    assert daily.status_code == 200 and daily.headers["content-type"].startswith("text/csv")
    out = tmp_path / "export"
    export(engine, out, monkeypatch, "--from", "2026-10-01", "--to", "2026-12-31")
    assert daily.content == (out / "village_daily.csv").read_bytes()
    incidents = client.get("/audit/open-data/2026-Q4/incidents.csv")
    published = list(csv.DictReader(io.StringIO(incidents.text)))
    exported = list(csv.DictReader(io.StringIO((out / "incidents.csv").read_text("utf-8"))))
    assert [r["incident"] for r in published] == [r["incident"] for r in exported]
    package = client.get("/audit/open-data/2026-Q4/datapackage.json").json()
    assert package["temporalCoverage"]["start"] == "2026-10-01"

    for bad in [
        "/audit/open-data/2026-Q5/incidents.csv",
        "/audit/open-data/2026/incidents.csv",
        "/audit/open-data/2026-Q4/secrets.txt",
        "/audit/open-data/2099-Q1/incidents.csv",
        "/audit/open-data/2026-Q4/..%2F..%2Fpyproject.toml",
        "/audit/no-such-page",
    ]:
        answer = client.get(bad, headers={"accept-language": "ta"})
        assert answer.status_code == 404, bad
        assert 'lang="ta"' in answer.text


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_each_gram_panchayat_page_links_its_gram_sabha_report(
    client: TestClient, place: Place, desk: Desk, tmp_path: Path
) -> None:
    file_the_story(desk, place)
    page = get(client, f"/audit/gram-panchayats/{place.gp}?period=2026-Q4&lang=en")
    links = re.findall(r'href="([^"]+gram-sabha\.pdf[^"]*)" hreflang="(\w+)"', page)
    assert [language for _, language in links] == ["kn", "en"]  # the panchayat's, the reader's
    kannada = client.get(unescape(links[0][0]))
    assert kannada.status_code == 200
    assert kannada.headers["content-type"] == "application/pdf"
    assert kannada.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(kannada.content)
    text = subprocess.run(
        [str(PDFTOTEXT), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "ತಮ್ಮಾಪುರ" in text  # Tammapur, as the directory writes it in Kannada
    assert client.get(unescape(links[0][0])).content == kannada.content  # kept, not remade

    for bad, status in [
        ("/audit/gram-panchayats/999999/gram-sabha.pdf", 404),
        ("/audit/gram-panchayats/abc/gram-sabha.pdf", 404),
        (f"/audit/gram-panchayats/{place.gp}/gram-sabha.pdf?period=2026-Q9", 400),
        (f"/audit/gram-panchayats/{place.gp}/gram-sabha.pdf?from=2026-12-01&to=2026-11-01", 400),
    ]:
        answer = client.get(bad)
        assert answer.status_code == status, bad
        assert answer.headers["content-type"].startswith("text/html")


def _worth_crawling(url: str) -> bool:
    """Public addresses, in the default period and one quarter: every other period and order
    shows the same figures through the same templates, and each costs a PDF."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return (
        parts.path.startswith("/audit")
        and "sort" not in query
        and "from" not in query
        and query.get("period", ["2026-Q4"]) == ["2026-Q4"]
    )


def _crawl(client: TestClient, start: list[str], limit: int = 400) -> dict[str, bytes]:
    """Every /audit address reachable from `start` (pages, files, PDFs), fetched once."""
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        seen[url] = answer.content
        if answer.headers["content-type"].startswith("text/html"):
            assert len(answer.content) <= MAX_PAGE_BYTES, url
            for href in re.findall(r'href="([^"#]+)', answer.text):
                target = urljoin(url, unescape(href))
                if _worth_crawling(target) and target not in seen:
                    queue.append(target)
    return seen


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_no_public_page_file_or_report_identifies_a_household(
    client: TestClient, place: Place, desk: Desk, tmp_path: Path
) -> None:
    story = file_the_story(desk, place)
    secrets = {form for p in story.phones for form in phone_forms(p)}
    secrets |= set(story.texts) | set(story.references)
    # The body a rejection names is published on the pages on purpose (the staff form says so).
    secrets.discard("Tungabhadra left bank canal division")
    fetched = _crawl(client, ["/audit", f"/audit/gram-panchayats/{place.gp}?period=2026-Q4"])
    kinds = {url.rsplit("?")[0].rsplit(".", 1)[-1] for url in fetched}
    assert {"csv", "json", "pdf"} <= kinds, sorted(fetched)
    assert any("/villages/" in url for url in fetched)
    for url, content in fetched.items():
        if content.startswith(b"%PDF"):
            pdf = tmp_path / "scan.pdf"
            pdf.write_bytes(content)
            text = subprocess.run(
                [str(PDFTOTEXT), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
            ).stdout.decode()
        else:
            text = content.decode("utf-8")
        assert_clean(text, secrets, where=url)


def test_a_kept_page_is_made_again_once_the_figures_move(
    client: TestClient, place: Place, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    for n in range(6):
        desk.file(place.village, "no_water", phone(n))
    update_stats(sessions)
    url = f"/audit/villages/{place.village}"
    assert cell(get(client, url), "Complaints from households") == "6"
    desk.file(place.village, "no_water", phone(6))
    assert cell(get(client, url), "Complaints from households") == "6"  # not folded yet
    update_stats(sessions)
    assert cell(get(client, url), "Complaints from households") == "7"
    assert cell(get(client, f"{url}?lang=en"), "Complaints from households") == "7"


def test_a_period_over_a_year_charts_quarters(
    client: TestClient, place: Place, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    for n in range(6):
        desk.file(place.village, "no_water", phone(n))
    update_stats(sessions)
    url = f"/audit/blocks/{place.block}"
    long = get(client, f"{url}?from=2025-01-01&to=2026-11-30")
    assert "<h2>Complaints by quarter</h2>" in long and "Complaints by month" not in long
    assert "<td>Oct 2026 to Dec 2026</td>" in long and "<td>Jan 2025 to Mar 2025</td>" in long
    assert long.count("<td>Jan 2026 to Mar 2026</td>") == 1
    short = get(client, f"{url}?period=2026")
    assert "<h2>Complaints by month</h2>" in short and "<td>Nov 2026</td>" in short


def test_a_second_file_waits_its_turn_then_gets_a_busy_page(
    assembly: Assembly, clock: FakeClock, place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are made one at a time: while one is being made, a request that waits too long
    gets a 503 in the reader's language with Retry-After, never a pile of PDF renders."""
    monkeypatch.setattr(downloads, "WAIT_SECONDS", 0.01)
    app = assembly.app()
    app.dependency_overrides[clock_dependency] = lambda: clock
    with TestClient(app) as client:
        kept: downloads.Kept = app.state.audit_files
        assert kept._one_at_a_time.acquire(blocking=False)  # another report being made
        try:
            answer = client.get(
                f"/audit/gram-panchayats/{place.gp}/gram-sabha.pdf",
                headers={"accept-language": "kn"},
            )
            files = client.get("/audit/open-data/2026-Q4/incidents.csv?lang=hi")
        finally:
            kept._one_at_a_time.release()
        assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
        assert 'lang="kn"' in answer.text and answer.headers["content-type"].startswith("text/html")
        assert files.status_code == 503 and 'lang="hi"' in files.text
        assert client.get("/audit/open-data/2026-Q4/incidents.csv").status_code == 200  # its turn
