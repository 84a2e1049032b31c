"""The staff web queue's pages: how many bytes a cheap phone downloads, and how long the server
takes to make them, with a realistic queue behind them.

    .venv/bin/python bench/bench_web_pages.py
    .venv/bin/python bench/bench_web_pages.py --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_web --replace --complaints 2000

A fresh database (a temporary SQLite file by default) is migrated and given the packaged demo
directory; `--complaints` complaints are filed through the TicketService across the demo
villages and categories (half of them ten days ago, so past their deadline), `--outage`
households report one outage in Tammapur (the incident page measured), and a JE account is
created for the demo block's engineer. The application runs in this process (Starlette's
TestClient, no network): the JE logs in through the form like a browser, then each page is
fetched `--requests` times.

Reported per page: the HTML bytes (what a phone downloads: pages are not compressed on
purpose, since a compressed page carrying a CSRF token next to reflected input is what BREACH
reads), the time to download them at 2G EDGE (50 kbit/s) and 3G (384 kbit/s) speeds, the
number of <script> tags and of external resources (there should be none), and the server time
per request (p50, p95).
"""

from __future__ import annotations

import argparse
import platform
import re
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import (
    BENCH_SECRET,
    command_line,
    create_fresh_database,
    percentile,
    print_table,
)
from fastapi.testclient import TestClient
from sqlalchemy import select

from grievance.clock import utcnow
from grievance.db import unit_of_work
from grievance.demo import load_demo_directory
from grievance.directory.models import Official
from grievance.lgd.models import Village
from grievance.settings import Settings
from grievance.staff import accounts
from grievance.staff.accounts import NewAccount
from grievance.staff.roles import StaffRole
from grievance.tickets.enums import Category
from grievance.tickets.report import Report
from grievance.tickets.service import TicketService
from grievance.types import Channel, OfficialRole
from jalsamvad.assembly import Assembly

DEMO_VILLAGE = 601014  # Tammapur, in the demo JE's block
USERNAME, PASSWORD = "je.bench", "bench password 2026"
LONG_AGO = timedelta(days=10)  # past every SLA deadline
EDGE_BITS_PER_SECOND, THREE_G_BITS_PER_SECOND = 50_000, 384_000
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_EXTERNAL = re.compile(r'<(?:link|img|script)[^>]+(?:href|src)="', re.I)


def fill(assembly: Assembly, complaints: int, outage: int) -> int:
    """The demo directory, `complaints` complaints across it, one outage that `outage` more
    households report, and the JE's account; the outage's incident id."""
    with unit_of_work(assembly.sessions) as session:
        load_demo_directory(session, assembly.vault)
    with unit_of_work(assembly.sessions) as session:
        villages = list(session.scalars(select(Village.code).order_by(Village.code)))
        je = session.scalars(select(Official.id).where(Official.role == OfficialRole.JE)).first()
        assert je is not None, "the demo directory has a JE"
    categories = list(Category)
    now = utcnow()
    for n in range(complaints):
        filed_at = now - (LONG_AGO if n % 2 else timedelta(0))  # half of them overdue
        village, category = villages[n % len(villages)], categories[n % len(categories)]
        file(assembly, village, category, f"+9198{n:08d}", filed_at)
    outage_id = 0
    for n in range(outage):  # a village's supply is down: its households all report it
        outage_id = file(assembly, DEMO_VILLAGE, Category.NO_WATER, f"+9197{n:08d}", now)
    with unit_of_work(assembly.sessions) as session:
        new = NewAccount(USERNAME, "JE bench", StaffRole.JE, PASSWORD, "kn", official_id=je)
        accounts.create(session, new)
    return outage_id


def file(assembly: Assembly, village: int, category: Category, phone: str, at: datetime) -> int:
    report = Report(
        village_code=village,
        category=category.value,
        contact=assembly.vault.resolve(Channel.SMS, phone),
        channel=Channel.SMS,
        language="kn",
        description="ನೀರು ಬರುತ್ತಿಲ್ಲ, pipe broken near the school",
    )
    with unit_of_work(assembly.sessions) as session:
        service = TicketService(session, assembly.policy, assembly.vault, lambda: at)
        return service.file(report).incident.id


def log_in(client: TestClient) -> None:
    page = client.get("/staff/web/login")
    token = _TOKEN.search(page.text)
    assert token is not None, "the login form carries its CSRF token"
    form = {"username": USERNAME, "password": PASSWORD, "csrf_token": token.group(1)}
    done = client.post("/staff/web/login", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text


def measure(client: TestClient, path: str, requests: int) -> list[object]:
    seconds = []
    body = b""
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200 and not response.history, path  # no redirect
        body = response.content
    html = body.decode()
    return [
        path,
        f"{len(body):,}",
        f"{len(body) * 8 / EDGE_BITS_PER_SECOND:.2f} s",
        f"{len(body) * 8 / THREE_G_BITS_PER_SECOND:.2f} s",
        html.lower().count("<script"),
        len(_EXTERNAL.findall(html)),
        f"{percentile(seconds, 50) * 1000:.1f}",
        f"{percentile(seconds, 95) * 1000:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL; a temporary SQLite by default")
    parser.add_argument("--replace", action="store_true", help="drop the database first")
    parser.add_argument("--complaints", type=int, default=500)
    parser.add_argument("--outage", type=int, default=300, help="households in one outage")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        if args.database_url:
            create_fresh_database(url, replace=args.replace)
        assembly = Assembly(Settings(database_url=url, secret_key=BENCH_SECRET.decode()))
        assembly.migrate()
        started = time.perf_counter()
        outage = fill(assembly, args.complaints, args.outage)
        print(f"{args.complaints} complaints filed in {time.perf_counter() - started:.1f} s")
        app = assembly.app()
        with TestClient(app) as visitor:
            rows = [measure(visitor, "/staff/web/login", args.requests)]
        with TestClient(app) as client:
            log_in(client)
            incident = f"/staff/web/incidents/{outage}"
            pages = [
                "/staff/web/queue",
                "/staff/web/queue?overdue=1",
                incident,
                f"{incident}?all=1",
            ]
            rows += [measure(client, page, args.requests) for page in pages]
        assembly.engine.dispose()
    print(f"command: {command_line()}")
    print(f"python {platform.python_version()}, {platform.machine()}, database {url.split(':')[0]}")
    print(
        f"{args.complaints} complaints in the demo district, an outage reported by "
        f"{args.outage} households; {args.requests} requests per page\n"
    )
    headers = ["page", "bytes", "at 50 kbit/s", "at 384 kbit/s", "scripts", "external"]
    print_table([*headers, "p50 ms", "p95 ms"], rows)


if __name__ == "__main__":
    main()
