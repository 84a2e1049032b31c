"""Signed Twilio SMS webhooks end to end against the real server, next to a bare endpoint.

    .venv/bin/python bench/bench_webhooks.py --replace
    .venv/bin/python bench/bench_webhooks.py --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_webhooks --senders 32 --seconds 30

The database named in --database-url is created fresh, migrated and given the packaged demo
directory (grievance.demo). The real server (`jalsamvad serve --workers N`, one by default)
is then started as a subprocess with the Twilio channel configured, and this process is the
load generator (asyncio + aiohttp). Two phases, each a warm-up that is not measured and
then a measured window, in this order:

1. webhooks: `--senders` concurrent senders, each writing as one household after another (a
   new phone number per conversation) the three messages that end in a stored ticket:
   "<village> gaon me 3 din se <problem>" (answered with the privacy notice and the consent
   question), "1" (consent; the first message is answered now with the summary) and "haan"
   (confirmed: the ticket is filed and its reference sent back). Every message is a form post
   signed like Twilio's (X-Twilio-Signature over the public URL) with its own MessageSid.
2. bare: the same number of senders sending GET /healthz, which touches nothing (no database,
   no dependency) and is served by the same process.

At the window's end each sender finishes the conversation it is in, then the database is
checked: one ticket per finished conversation, every reference sent back is stored, and every
message sent is stored exactly once and marked processed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import platform
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from common import (
    BENCH_SECRET,
    command_line,
    create_fresh_database,
    database_name,
    migrated_engine,
    percentile,
    print_table,
    server_settings,
    verify_chain,
)
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from grievance.channel_messages.models import InboundMessage
from grievance.db import make_sessionmaker, unit_of_work
from grievance.demo import load_demo_directory
from grievance.privacy import ContactVault
from grievance.settings import Settings
from grievance.tickets.models import Ticket
from grievance.types import Channel

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_webhooks"
ROOT = Path(__file__).resolve().parent.parent
PUBLIC_BASE = "https://bench.jalsamvad.invalid"
MESSAGING = "/webhooks/twilio/messaging"
BARE = "/healthz"
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "bench-twilio-auth-token"  # a throwaway token for the bench server only
TO = "+15005550006"
# Demo villages (grievance/demo/lgd.csv) and problems as households write them.
VILLAGES = (601014, 699901, 699902, 699904, 699905, 699906, 699908, 699911)
PROBLEMS = ("pani nahi aa raha", "pipe leak ho raha hai", "ganda pani aa raha hai")
REFERENCE = re.compile(r"(?<!\d)\d{10}(?!\d)")  # ten digits (grievance/tickets/reference.py)
TARGET_SHARE = 0.25
TARGET_P95_MS = 100.0


# -- load generation ---------------------------------------------------------------------------


@dataclass
class Phase:
    """What the senders of one phase saw; samples are (start, end) perf_counter pairs."""

    name: str
    samples: list[tuple[float, float]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    window: tuple[float, float] = (0.0, 0.0)
    conversations: int = 0
    references: list[str] = field(default_factory=list)
    sent: int = 0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    postgres_cpu: float = 0.0
    postgres_sessions: int = 0  # connections opened to the database during the window

    def measured(self) -> list[float]:
        t0, t1 = self.window
        return [end - start for start, end in self.samples if t0 <= start and end <= t1]

    @property
    def seconds(self) -> float:
        return self.window[1] - self.window[0]

    def rate(self) -> float:
        return len(self.measured()) / self.seconds

    def latency_ms(self, q: float) -> float:
        return percentile(self.measured(), q) * 1000


def sms_form(sid: str, sender: str, body: str) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS (tests/test_channels_twilio.py)."""
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "MessagingServiceSid": "MG" + "0" * 32,
        "From": sender,
        "To": TO,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "FromCountry": "IN",
        "SmsStatus": "received",
    }


class Sender:
    """One concurrent sender: households one after another, each with a new phone number."""

    def __init__(self, number: int, base: str, validator: RequestValidator) -> None:
        self.number, self.base, self.validator = number, base, validator
        self.households = 0

    def phone(self) -> str:
        self.households += 1
        return f"+9198{self.number:02d}{self.households:06d}"

    async def post(self, http: aiohttp.ClientSession, phase: Phase, sender: str, body: str) -> str:
        sid = "SM" + uuid.uuid4().hex
        form = sms_form(sid, sender, body)
        signature = self.validator.compute_signature(PUBLIC_BASE + MESSAGING, form)
        phase.sent += 1
        started = time.perf_counter()
        async with http.post(
            self.base + MESSAGING,
            data=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
        ) as response:
            text = await response.text()
        phase.samples.append((started, time.perf_counter()))
        if response.status != 200 or "<Message>" not in text:
            raise RuntimeError(f"HTTP {response.status} to {body!r}: {text[:200]}")
        return text

    async def converse(self, http: aiohttp.ClientSession, phase: Phase, stop: float) -> None:
        while time.perf_counter() < stop:
            n = self.number * 7919 + self.households
            village, problem = VILLAGES[n % len(VILLAGES)], PROBLEMS[n // 3 % len(PROBLEMS)]
            sender = self.phone()
            try:
                for body in (f"{village} gaon me 3 din se {problem}", "1"):
                    await self.post(http, phase, sender, body)
                filed = await self.post(http, phase, sender, "haan")
            except (RuntimeError, aiohttp.ClientError, TimeoutError) as exc:
                phase.errors[type(exc).__name__ + ": " + str(exc)[:120]] += 1
                continue
            found = REFERENCE.search(filed)
            if found is None:
                phase.errors[f"no reference in the last reply: {filed[:200]}"] += 1
                continue
            phase.conversations += 1
            phase.references.append(found.group(0))


async def bare_sender(http: aiohttp.ClientSession, base: str, phase: Phase, stop: float) -> None:
    while time.perf_counter() < stop:
        phase.sent += 1
        started = time.perf_counter()
        try:
            async with http.get(base + BARE) as response:
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            phase.errors[type(exc).__name__] += 1
            continue
        phase.samples.append((started, time.perf_counter()))
        if response.status != 200:
            phase.errors[f"HTTP {response.status}"] += 1


def _processes() -> dict[int, tuple[str, int, float]]:
    """Every process on this machine: pid -> (name, parent pid, CPU seconds used so far)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        fields = rest.split()
        found[int(pid)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    return found


def _postgres_cpu() -> float:
    """CPU seconds used so far by every process named postgres on this machine."""
    return sum(cpu for name, _, cpu in _processes().values() if name.startswith("postgres"))


def _server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server and the worker processes it started."""
    processes, tree = _processes(), {pid}
    while added := {p for p, (_, parent, _) in processes.items() if parent in tree} - tree:
        tree |= added
    return sum(processes[member][2] for member in tree if member in processes)


def _sessions_opened(url: str) -> int:
    """pg_stat_database.sessions: connections ever opened to the database (PostgreSQL 14+)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
            found = connection.execute(
                text("SELECT sessions FROM pg_stat_database WHERE datname = :n"),
                {"n": database_name(url)},
            ).scalar()
        return int(found or 0)
    finally:
        engine.dispose()


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


async def run_phase(
    name: str, base: str, args: argparse.Namespace, server_pid: int, url: str
) -> Phase:
    senders, warmup, seconds = args.senders, args.warmup, args.seconds
    phase = Phase(name)
    validator = RequestValidator(AUTH_TOKEN)
    connector = aiohttp.TCPConnector(limit=senders)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        now = time.perf_counter()
        t0, t1 = now + warmup, now + warmup + seconds
        phase.window = (t0, t1)
        if name == "webhooks":
            tasks = [Sender(n, base, validator).converse(http, phase, t1) for n in range(senders)]
        else:
            tasks = [bare_sender(http, base, phase, t1) for _ in range(senders)]
        gathered = asyncio.gather(*tasks)
        await asyncio.sleep(max(0.0, t0 - time.perf_counter()))
        cpu = (_own_cpu(), _server_cpu(server_pid), _postgres_cpu())
        opened = await asyncio.to_thread(_sessions_opened, url)
        await asyncio.sleep(max(0.0, t1 - time.perf_counter()))
        phase.client_cpu = _own_cpu() - cpu[0]
        phase.server_cpu = _server_cpu(server_pid) - cpu[1]
        phase.postgres_cpu = max(0.0, _postgres_cpu() - cpu[2])
        opened = await asyncio.to_thread(_sessions_opened, url) - opened
        phase.postgres_sessions = opened - 1  # not counting the look-up's own connection
        await gathered  # senders finish the conversation they are in
    return phase


# -- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, log: Path, command: list[str]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "JALSAMVAD_DATABASE_URL": url,
        "JALSAMVAD_SECRET_KEY": BENCH_SECRET.decode(),
        "JALSAMVAD_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "JALSAMVAD_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "JALSAMVAD_PUBLIC_BASE_URL": PUBLIC_BASE,
    }
    for name in ("JALSAMVAD_TELEGRAM_BOT_TOKEN", "JALSAMVAD_TELEGRAM_SECRET_TOKEN"):
        env.pop(name, None)
    command = [*command, "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}); see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        raise SystemExit(f"the server did not start in 60 s; see {log}")
    # Mounted only with the Twilio settings: an unsigned post must be refused (403), not 404.
    probe = urllib.request.Request(f"http://127.0.0.1:{port}{MESSAGING}", data=b"", method="POST")
    try:
        urllib.request.urlopen(probe, timeout=10)  # our own server on 127.0.0.1
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 403:
        stop_server(server)
        raise SystemExit(f"the Twilio channel is not mounted (HTTP {status}); see {log}")
    return server


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# -- checks and reporting ----------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    tickets: int
    stored_messages: int
    distinct_messages: int
    unprocessed: int
    references_found: int
    chain_ok: bool
    audit_events: int

    def ok(self, phase: Phase) -> bool:
        return (
            self.tickets == phase.conversations
            and self.stored_messages == self.distinct_messages == phase.sent
            and self.unprocessed == 0
            and self.chain_ok
            and self.references_found == len(set(phase.references)) == phase.conversations
        )


def check_database(url: str, phase: Phase) -> Check:
    engine = migrated_engine(url)
    sessions = make_sessionmaker(engine)
    sms = InboundMessage.channel == Channel.SMS
    with sessions() as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket)) or 0
        stored = session.scalar(select(func.count()).select_from(InboundMessage).where(sms)) or 0
        distinct = (
            session.scalar(
                select(func.count(func.distinct(InboundMessage.provider_message_id))).where(sms)
            )
            or 0
        )
        unprocessed = (
            session.scalar(
                select(func.count())
                .select_from(InboundMessage)
                .where(sms, InboundMessage.processed_at.is_(None))
            )
            or 0
        )
        found = 0
        references = sorted(set(phase.references))
        for start in range(0, len(references), 1000):
            chunk = references[start : start + 1000]
            found += (
                session.scalar(
                    select(func.count()).select_from(Ticket).where(Ticket.reference.in_(chunk))
                )
                or 0
            )
    chain = verify_chain(sessions)
    engine.dispose()
    return Check(tickets, stored, distinct, unprocessed, found, chain.ok, chain.events)


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"


def report(
    webhooks: Phase, bare: Phase, check: Check, args: argparse.Namespace, settings: dict[str, str]
) -> None:
    share = webhooks.rate() / bare.rate()
    p95 = webhooks.latency_ms(95)
    print_table(
        ["what", "target", "measured", "met"],
        [
            [
                "webhook throughput vs the bare endpoint",
                f"≥ {TARGET_SHARE:.0%}",
                f"{share:.1%} ({webhooks.rate():.0f} vs {bare.rate():.0f} requests/s)",
                _yes(share >= TARGET_SHARE),
            ],
            ["webhook p95 latency", f"< {TARGET_P95_MS:.0f} ms", f"{p95:.1f} ms", _yes(p95 < 100)],
            [
                "every ticket and message stored once",
                "all",
                f"{check.tickets} tickets for {webhooks.conversations} conversations; "
                f"{check.stored_messages} messages stored, {check.distinct_messages} distinct, "
                f"{webhooks.sent} sent, {check.unprocessed} unprocessed; audit chain "
                f"{'verifies' if check.chain_ok else 'BROKEN'} ({check.audit_events} events)",
                _yes(check.ok(webhooks)),
            ],
        ],
    )
    rows = []
    for phase in (webhooks, bare):
        measured = len(phase.measured())
        rows.append(
            [
                phase.name,
                args.senders,
                f"{phase.seconds:.0f}",
                measured,
                f"{phase.rate():.0f}",
                *(f"{phase.latency_ms(q):.1f}" for q in (50, 95, 99, 100)),
                sum(phase.errors.values()),
                f"{phase.server_cpu / measured * 1000:.2f}",
                f"{phase.postgres_cpu / measured * 1000:.2f}",
                f"{phase.client_cpu / measured * 1000:.2f}",
                f"{phase.postgres_sessions} ({phase.postgres_sessions / measured:.2f}/req)",
            ]
        )
    print_table(
        [
            "phase",
            "senders",
            "window s",
            "requests",
            "requests/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "errors",
            "server CPU ms/req",
            "PostgreSQL CPU ms/req",
            "client CPU ms/req",
            "PostgreSQL connections opened",
        ],
        rows,
    )
    print(
        f"Webhooks: {webhooks.conversations} conversations finished "
        f"({webhooks.conversations / webhooks.seconds:.1f} tickets/s over the window, 3 "
        f"requests each); references sent back and found in the database: "
        f"{check.references_found}/{len(set(webhooks.references))}."
    )
    for phase in (webhooks, bare):
        for error, n in phase.errors.most_common(5):
            print(f"- {phase.name} error ×{n}: {error}")
    print(
        f"\nMachine: {os.cpu_count()} vCPU, {platform.platform()}, Python "
        f"{platform.python_version()}; server, PostgreSQL and load generator on the same "
        f"machine. Server: {_server_description(args)}. PostgreSQL: {settings}."
    )


def _server_description(args: argparse.Namespace) -> str:
    """What the server ran on: processes, event loop and HTTP parser (uvicorn picks uvloop and
    httptools when installed), and threads per process for the dialogue."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    threads = os.environ.get("JALSAMVAD_THREADS") or str(Settings().threads)
    return (
        f"`{args.server_command} --workers {args.workers}`: {args.workers} uvicorn process(es), "
        f"{loop} loop, {http} parser, {threads} threads each for the dialogue"
    )


async def run_both(args: argparse.Namespace, base: str, server_pid: int) -> tuple[Phase, Phase]:
    webhooks = await run_phase("webhooks", base, args, server_pid, args.database_url)
    bare = await run_phase("bare", base, args, server_pid, args.database_url)
    return webhooks, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--replace", action="store_true", help="drop that database if it exists")
    parser.add_argument("--senders", type=int, default=32, help="concurrent senders")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured window per phase")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds per phase")
    parser.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    parser.add_argument("--server-log", type=Path, help="keep the server's log here")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (jalsamvad serve --workers)"
    )
    parser.add_argument(
        "--server-command",
        default=f"{ROOT / '.venv' / 'bin' / 'jalsamvad'} serve",
        help="how to start the server (--port P is appended); for trying server changes",
    )
    args = parser.parse_args()

    print(f"Command: `{command_line()}`\n")
    create_fresh_database(args.database_url, replace=args.replace)
    engine = migrated_engine(args.database_url)
    with unit_of_work(make_sessionmaker(engine)) as session:
        load_demo_directory(session, ContactVault(BENCH_SECRET))
    settings = server_settings(engine)
    engine.dispose()

    port = args.port or free_port()
    log = args.server_log or Path(tempfile.mkstemp(prefix="bench_webhooks_", suffix=".log")[1])
    command = [*shlex.split(args.server_command), "--workers", str(args.workers)]
    server = start_server(args.database_url, port, log, command)
    try:
        webhooks, bare = asyncio.run(run_both(args, f"http://127.0.0.1:{port}", server.pid))
    finally:
        stop_server(server)
    check = check_database(args.database_url, webhooks)
    report(webhooks, bare, check, args, settings)
    print(f"Server log: {log}")
    if not check.ok(webhooks) or webhooks.errors or bare.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
