"""The public social-audit pages through the real app (as `serve` builds it): every level's
figures with the disclosure rules, small pages, the reader's language, clear 400/404 pages,
escaped directory names, search by name and by code, and nothing that identifies anyone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape, unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.audit import messages as audit_messages
from api.staff.auth import clock as clock_dependency
from grievance import i18n
from grievance.db import unit_of_work
from grievance.lgd.models import District
from grievance.social_audit.updater import update_stats
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.models import Ticket
from jalsamvad.assembly import Assembly
from tests.builders import FakeClock, Place, add_villages
from tests.conftest import Desk

MAX_PAGE_BYTES = 30_000
PHONES = [f"+9199000{n:05d}" for n in range(1, 9)]


@pytest.fixture
def audit_client(assembly: Assembly, clock: FakeClock) -> Iterator[TestClient]:
    app = assembly.app()
    app.dependency_overrides[clock_dependency] = lambda: clock
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def filed(place: Place, desk: Desk, sessions: sessionmaker[Session]) -> dict[str, int]:
    """Seven households report no water in Tammapur (one incident, fixed and confirmed), two
    report dirty water in the GP's other village; then the statistics are folded."""
    first = None
    for phone in PHONES[:7]:
        got = desk.file(place.village, "no_water", phone)
        first = first or got
    assert first is not None
    incident = first.ticket.incident_id
    desk.clock.advance(hours=2)
    desk.move(incident, Status.ACKNOWLEDGED, ActorRole.VWSC)
    desk.move(incident, Status.RESOLVED, ActorRole.VWSC, "pipe repaired")
    other = desk.file(place.gp_village, "dirty_water", PHONES[7])
    desk.file(place.gp_village, "dirty_water", PHONES[6])
    desk.clock.advance(hours=1)
    update_stats(sessions)
    return {"incident": incident, "other": other.ticket.incident_id}


def get(client: TestClient, url: str, **headers: str) -> str:
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200, (url, answer.status_code, answer.text[:2000])
    assert len(answer.content) <= MAX_PAGE_BYTES, (url, len(answer.content))
    return answer.text


def cell(html: str, label: str) -> str:
    """The summary figure after a <dt> label."""
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", html)
    assert found is not None, label
    return unescape(found.group(1))


def test_every_level_answers_with_its_figures(
    audit_client: TestClient, place: Place, filed: dict[str, int]
) -> None:
    home = get(audit_client, "/audit")
    assert "/audit/states/29" in home and "KARNATAKA" in home
    for url in [
        f"/audit/states/{place.state}",
        f"/audit/districts/{place.district}",
        f"/audit/blocks/{place.block}",
    ]:
        html = get(audit_client, url)
        assert cell(html, "Complaints from households") == "9", url
        assert cell(html, "Problems opened") == "fewer than 5", url
        assert "<svg" in html and "<rect" in html and "</table>" in html
    gp = get(audit_client, f"/audit/gram-panchayats/{place.gp}")
    assert cell(gp, "Complaints from households") == "7"
    assert f"/audit/villages/{place.village}" in gp
    village = get(audit_client, f"/audit/villages/{place.village}")
    assert cell(village, "Complaints from households") == "7"
    assert cell(village, "Marked as fixed") == "fewer than 5"
    assert "too few to give a percentage" in village
    assert f"<td>{filed['incident']}</td>" in village
    assert "Tammapur" in village and ">RAICHUR</a>" in village  # breadcrumbs
    other = get(audit_client, f"/audit/villages/{place.gp_village}")
    assert cell(other, "Complaints from households") == "fewer than 5"


def test_a_place_without_complaints_says_so(audit_client: TestClient, place: Place) -> None:
    html = get(audit_client, f"/audit/villages/{place.orphan_village}")
    assert "No complaints in this period." in html
    assert "%" not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)


def test_languages_by_query_and_header(
    audit_client: TestClient, place: Place, filed: dict[str, int]
) -> None:
    url = f"/audit/villages/{place.village}"
    for language in ["kn", "ta", "hi", "en"]:
        expected = i18n.say(audit_messages.COMPLAINTS, language)
        by_query = get(audit_client, f"{url}?lang={language}")
        by_header = get(audit_client, url, **{"accept-language": f"{language};q=0.9, fr;q=0.5"})
        for html in (by_query, by_header):
            assert f'lang="{i18n.tag_of(language)}"' in html
            assert expected in html
    assert 'lang="en"' in get(audit_client, url, **{"accept-language": "fr, de"})
    kannada = get(audit_client, f"{url}?lang=kn")
    assert "ತಮ್ಮಾಪುರ" in kannada and i18n.say(audit_messages.FEWER_THAN_5, "kn") in kannada


def test_bad_codes_and_periods_are_clear_pages(audit_client: TestClient, place: Place) -> None:
    for url in [
        "/audit/villages/999999",
        "/audit/villages/abc",
        "/audit/villages/99999999999999999999",
        "/audit/states/0",
        f"/audit/districts/{place.village}",
    ]:
        answer = audit_client.get(url, headers={"accept-language": "kn"})
        assert answer.status_code == 404, url
        assert i18n.say(audit_messages.NOT_FOUND, "kn") in answer.text
    for query in [
        "period=2026-Q5",
        "period=banana",
        "from=2026-02-30&to=2026-03-01",
        "from=2026-09-01&to=2026-08-01",
        "from=2026-09-01",
        "period=2099",
        "from=2020-01-01&to=2026-01-01",
    ]:
        answer = audit_client.get(f"/audit/states/{place.state}?{query}&lang=ta")
        assert answer.status_code == 400, query
        assert escape(i18n.say(audit_messages.BAD_PERIOD, "ta")) in answer.text
    for query in ["period=2026-Q4", "period=2026", "from=2026-11-01&to=2026-11-30"]:
        html = get(audit_client, f"/audit/states/{place.state}?{query}")
        assert "Complaints from households" in html


def test_a_period_outside_the_complaints_shows_none(
    audit_client: TestClient, place: Place, filed: dict[str, int]
) -> None:
    html = get(audit_client, f"/audit/states/{place.state}?period=2026-Q3")
    assert "No complaints in this period." in html
    assert "period=2026-Q3" in html  # links keep the period


def test_markup_from_the_directory_is_escaped(
    audit_client: TestClient, place: Place, sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as session:
        session.execute(
            update(District)
            .where(District.code == place.district)
            .values(name="<script>alert(1)</script>")
        )
    html = get(audit_client, f"/audit/districts/{place.district}")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_by_name_typo_script_and_code(audit_client: TestClient, place: Place) -> None:
    for q in ["Tammapur", "Tamapur", "ತಮ್ಮಾಪುರ"]:
        html = get(audit_client, f"/audit/search?q={q}")
        assert f"/audit/villages/{place.village}" in html, q
    for q in [str(place.village), "೬೦೧೦೧೪", "६०१०१४"]:
        answer = audit_client.get(f"/audit/search?q={q}", follow_redirects=False)
        assert answer.status_code == 303, q
        assert answer.headers["location"] == f"/audit/villages/{place.village}"
    assert "No village found." in get(audit_client, "/audit/search?q=999999")
    assert "No village found." in get(audit_client, "/audit/search?q=Zzyzxqwv")


def test_no_page_identifies_anyone(
    audit_client: TestClient, place: Place, filed: dict[str, int], sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        references = session.scalars(select(Ticket.reference)).all()
    assert references
    urls = [
        "/audit",
        "/audit/about",
        f"/audit/states/{place.state}",
        f"/audit/districts/{place.district}",
        f"/audit/blocks/{place.block}",
        f"/audit/gram-panchayats/{place.gp}",
        f"/audit/gram-panchayats/{place.other_gp}",
        f"/audit/villages/{place.village}",
        f"/audit/villages/{place.gp_village}",
    ]
    for url in urls:
        html = get(audit_client, url)
        for secret in [*references, *PHONES, *(p[3:] for p in PHONES), "pipe repaired"]:
            assert secret not in html, (url, secret)


def test_a_big_gram_panchayat_page_stays_small(
    audit_client: TestClient, place: Place, sessions: sessionmaker[Session], desk: Desk
) -> None:
    with unit_of_work(sessions) as session:
        codes = add_villages(session, place, 60)
    for code in codes[:10]:
        desk.file(code, "leakage", f"+91990001{code % 10000:04d}")
    update_stats(sessions)
    html = get(audit_client, f"/audit/gram-panchayats/{place.other_gp}?lang=kn")
    assert html.count("/audit/villages/") >= 60


def test_illness_complaints_are_in_no_public_figure_yet(
    audit_client: TestClient, place: Place, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    """Until linked tables are protected, illness from water is left out at every level, so no
    page's total minus another's can count it (`disclosure.UNPUBLISHED_CATEGORIES`)."""
    for phone in PHONES[:6]:
        desk.file(place.village, "no_water", phone)
    for phone in PHONES[6:8]:
        desk.file(place.village, "health_issue", phone)
    update_stats(sessions)
    pages = [
        f"/audit/villages/{place.village}",
        f"/audit/gram-panchayats/{place.gp}",
        f"/audit/blocks/{place.block}",
    ]
    for path in pages:
        html = get(audit_client, path)
        assert "<td>Illness from water</td>" not in html, path
        assert cell(html, "Complaints from households") == "6", path
    village = get(audit_client, f"/audit/villages/{place.village}")
    assert '<tr><td>No water</td><td class="n">6</td>' in village
    problems = village.split("<h2>Problems in this village")[1]
    assert "Illness from water" not in problems and problems.count("No water") == 1


def test_a_village_with_many_problems_lists_the_latest_and_stays_small(
    audit_client: TestClient, place: Place, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    for n in range(28):
        filed = desk.file(place.village, "leakage", f"+9199001{n:05d}")
        desk.move(
            filed.ticket.incident_id,
            Status.REJECTED,
            ActorRole.JE,
            "private land",
            responsible_body="<b>Gram Panchayat</b>",
        )
        desk.clock.advance(minutes=5)
    update_stats(sessions)
    for language in ["en", "kn", "ml"]:
        html = get(audit_client, f"/audit/villages/{place.village}?lang={language}")
        assert html.count("<tr><td>") >= 25
    english = get(audit_client, f"/audit/villages/{place.village}")
    assert "Earlier problems not listed: fewer than 5" in english  # 28 - 25
    assert cell(english, "Rejected as not for the water department") == "28"
    assert "&lt;b&gt;Gram Panchayat&lt;/b&gt;" in english and "<b>Gram" not in english


def test_illness_is_a_figure_of_its_own_for_districts_and_states_only(
    audit_client: TestClient, place: Place, desk: Desk, sessions: sessionmaker[Session]
) -> None:
    for phone in PHONES[:6]:
        desk.file(place.village, "health_issue", phone)
    for phone in PHONES[6:8]:
        desk.file(place.orphan_village, "health_issue", phone)
    desk.file(place.village, "no_water", PHONES[0])
    update_stats(sessions)
    for url in [f"/audit/districts/{place.district}", f"/audit/states/{place.state}"]:
        html = get(audit_client, url)
        assert cell(html, "Reports of illness from water") == "8", url
        assert cell(html, "Complaints from households") == "fewer than 5", url  # the one no_water
    state = get(audit_client, f"/audit/states/{place.state}")
    assert f'/audit/districts/{place.district}">RAICHUR</a></td><td class="n">8</td>' in state
    for url in [
        f"/audit/blocks/{place.block}",
        f"/audit/gram-panchayats/{place.gp}",
        f"/audit/villages/{place.village}",
    ]:
        html = get(audit_client, url)
        assert "Reports of illness from water" not in html, url
        assert "Illness from water" not in html, url
