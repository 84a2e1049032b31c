"""Tickets filed per second through TicketService.file on PostgreSQL, one transaction per
filing exactly as a request does it, single-threaded and with several threads.

    .venv/bin/python bench/bench_filing.py --replace
    .venv/bin/python bench/bench_filing.py --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_filing --filings 5000 --threads 1 4

The database named in --database-url is created fresh (migrated with grievance.migrate.upgrade
and given the directory); each run then gets its own file copy of it, so every thread count
starts from the same state. Each run executes in its own process, so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import bisect
import queue
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from common import (
    BENCH_SECRET,
    DEFAULT_DATABASE_URL,
    ChainCheck,
    DirectoryShape,
    StatementTimer,
    clone_database,
    command_line,
    create_fresh_database,
    database_name,
    drop_database,
    load_directory,
    migrated_engine,
    peak_rss_mib,
    percentile,
    print_table,
    profiled,
    server_settings,
    verify_chain,
)
from common import run_isolated as run_in_child
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import make_engine, make_sessionmaker, unit_of_work
from grievance.errors import DomainError
from grievance.policy import Policy, load_policy
from grievance.privacy import ContactVault
from grievance.tickets.enums import AttachmentKind, Category
from grievance.tickets.report import AttachmentIn, Report
from grievance.tickets.service import TicketService
from grievance.types import Channel

HEAD_LOCK = "SELECT audit_chain_head FOR UPDATE"
_CHANNELS = (Channel.WHATSAPP, Channel.SMS, Channel.VOICE, Channel.WEB)
_CHANNEL_WEIGHTS = (50, 20, 20, 10)
_LANGUAGES = ("hi", "kn", "ta", "mr", "bn", "en")
_COMPLAINTS = (
    "No water from the tap since yesterday morning",
    "Pressure is very low, the upper houses get nothing",
    "Water is muddy and smells",
    "Pipe is leaking near the school",
    "Supply comes at random hours, we cannot store it",
    "Tap at the anganwadi is broken",
)


# -- the workload ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """`filings` reports; a `join_share` of them are "me too" reports by other households
    for an incident opened at least `join_lag` reports earlier, the rest open new incidents."""

    filings: int
    join_share: float
    seed: int
    join_lag: int = 100
    attachment_share: float = 0.1


@dataclass(frozen=True)
class Planned:
    """A report as a household sends it: its phone is resolved (normalised, hashed, encrypted)
    when it is filed, inside the timed work, as a channel does for every message."""

    phone: str
    report: dict[str, Any]

    def resolved(self, vault: ContactVault) -> Report:
        channel = self.report["channel"]
        return Report(contact=vault.resolve(channel, self.phone), **self.report)


def plan_reports(shape: DirectoryShape, workload: Workload) -> list[Planned]:
    rng = random.Random(workload.seed)
    pairs = [(shape.village_code(i), c) for i in range(shape.villages) for c in Category]
    rng.shuffle(pairs)
    opened: list[tuple[int, Category]] = []
    opened_at: list[int] = []  # report number that opened each incident, ascending
    reports = []
    for n in range(workload.filings):
        joinable = bisect.bisect_right(opened_at, n - workload.join_lag)
        wants_join = joinable > 0 and rng.random() < workload.join_share
        if wants_join or len(opened) == len(pairs):
            # Households pile onto recent outages: pick one of the newest joinable incidents.
            back = min(int(rng.expovariate(1 / 50)), joinable - 1)
            village, category = opened[joinable - 1 - back]
        else:
            village, category = pairs[len(opened)]
            opened.append((village, category))
            opened_at.append(n)
        reports.append(_report(rng, n, village, category, workload.attachment_share))
    return reports


def _report(
    rng: random.Random, n: int, village: int, category: Category, attachment_share: float
) -> Planned:
    channel = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS)[0]
    attachments: tuple[AttachmentIn, ...] = ()
    if channel is Channel.WHATSAPP and rng.random() < attachment_share / 0.5:
        url = f"https://media.example.org/wa/{n:08d}.jpg"
        attachments = (AttachmentIn(AttachmentKind.MEDIA, url, "image/jpeg"),)
    report = {
        "village_code": village,
        "category": category.value,
        "channel": channel,
        "language": rng.choice(_LANGUAGES),
        "description": rng.choice(_COMPLAINTS),
        "attachments": attachments,
    }
    return Planned(f"+9198{n:08d}", report)  # every report comes from a different household


# -- one run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    seconds: float
    outcome: str
    statements: int
    db_seconds: float
    head_wait: float
    head_held: float


@dataclass(frozen=True)
class FilingResult:
    threads: int
    seconds: float
    samples: list[Sample]
    label_seconds: dict[str, tuple[int, float]]
    chain: ChainCheck
    baseline_rss_mib: float
    peak_rss_mib: float
    outcomes: dict[str, int] = field(default_factory=dict)
    profile: str = ""

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if not s.outcome.startswith("error")]

    def latency_ms(self, q: float) -> float:
        return percentile([s.seconds for s in self.ok], q) * 1000

    def per_filing(self, attribute: str) -> float:
        """Mean of a numeric Sample field over the successful filings."""
        total: float = sum(float(getattr(s, attribute)) for s in self.ok)
        return total / max(1, len(self.ok))


def _file_all(
    sessions: sessionmaker[Session],
    policy: Policy,
    vault: ContactVault,
    timer: StatementTimer,
    todo: queue.SimpleQueue[Planned],
    samples: list[Sample],
    start: threading.Barrier,
    profile_path: str | None = None,
    profile_out: list[str] | None = None,
) -> None:
    start.wait()
    with profiled(profile_path) as report:
        _drain(sessions, policy, vault, timer, todo, samples)
    if profile_out is not None:
        profile_out.extend(report)


def _drain(
    sessions: sessionmaker[Session],
    policy: Policy,
    vault: ContactVault,
    timer: StatementTimer,
    todo: queue.SimpleQueue[Planned],
    samples: list[Sample],
) -> None:
    while True:
        try:
            planned = todo.get_nowait()
        except queue.Empty:
            return
        timer.start_unit()
        started = time.perf_counter()
        try:
            report = planned.resolved(vault)
            with unit_of_work(sessions) as session:
                outcome = TicketService(session, policy, vault).file(report).outcome.value
        except DomainError as exc:
            outcome = f"error:{exc.code}"
        except DBAPIError as exc:
            outcome = f"error:{type(exc.orig).__name__}"
        elapsed = time.perf_counter() - started
        unit = timer.unit()
        head = unit.by_label.get(HEAD_LOCK, 0.0)
        samples.append(
            Sample(elapsed, outcome, unit.statements, unit.seconds, head, unit.lock_held)
        )


def run_filings(
    url: str, shape: DirectoryShape, workload: Workload, threads: int, profile: str | None
) -> FilingResult:
    """Runs in a child process: file every planned report with `threads` threads (the first
    thread under cProfile when `profile` names a file)."""
    reports = plan_reports(shape, workload)
    engine = make_engine(url, pool_size=threads + 1)
    sessions = make_sessionmaker(engine)
    timer = StatementTimer(engine, lock_label=HEAD_LOCK)
    timer.watch_commits(sessions)
    policy, vault = load_policy(None), ContactVault(BENCH_SECRET)
    todo: queue.SimpleQueue[Planned] = queue.SimpleQueue()
    for planned in reports:
        todo.put(planned)
    samples: list[Sample] = []
    start = threading.Barrier(threads + 1)
    profile_out: list[str] = []
    workers = [
        threading.Thread(
            target=_file_all,
            args=(sessions, policy, vault, timer, todo, samples, start),
            kwargs={"profile_path": profile, "profile_out": profile_out} if n == 0 else {},
        )
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    baseline = peak_rss_mib()
    start.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    labels = {k: (v.calls, v.seconds) for k, v in timer.totals.items()}
    check = verify_chain(sessions)
    engine.dispose()
    return FilingResult(
        threads,
        seconds,
        samples,
        labels,
        check,
        baseline,
        peak_rss_mib(),
        dict(Counter(s.outcome for s in samples)),
        "\n".join(profile_out),
    )


# -- reporting ---------------------------------------------------------------------------------


def _print_summary(results: list[FilingResult]) -> None:
    rows = []
    for threads in dict.fromkeys(r.threads for r in results):
        runs = [r for r in results if r.threads == threads]
        rates = [len(r.ok) / r.seconds for r in runs]
        rows.append(
            [
                threads,
                len(runs),
                f"{statistics.median(rates):.0f}",
                f"{min(rates):.0f}-{max(rates):.0f}",
                *(f"{statistics.median(r.latency_ms(q) for r in runs):.1f}" for q in (50, 95, 99)),
                f"{max(r.peak_rss_mib for r in runs):.0f}",
            ]
        )
    print_table(
        [
            "threads",
            "runs",
            "tickets/s (median)",
            "range",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "peak RSS MiB",
        ],
        rows,
    )


def _print_results(results: list[FilingResult]) -> None:
    print_table(
        [
            "threads",
            "filings",
            "seconds",
            "tickets/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "peak RSS MiB",
            "chain",
        ],
        [
            [
                r.threads,
                len(r.ok),
                f"{r.seconds:.1f}",
                f"{len(r.ok) / r.seconds:.0f}",
                f"{r.latency_ms(50):.1f}",
                f"{r.latency_ms(95):.1f}",
                f"{r.latency_ms(99):.1f}",
                f"{r.latency_ms(100):.1f}",
                f"{r.peak_rss_mib:.0f} (base {r.baseline_rss_mib:.0f})",
                f"{'ok' if r.chain.ok else 'BROKEN: ' + str(r.chain.problem)}, "
                f"{r.chain.events} events, verified in {r.chain.seconds:.2f} s",
            ]
            for r in results
        ],
    )
    print_table(
        [
            "threads",
            "outcomes",
            "round trips/filing (incl. COMMIT)",
            "DB ms/filing",
            "Python ms/filing",
            "head-lock wait p50/p95/p99 ms",
            "wait share of latency",
            "head lock held p50/p95 ms",
            "ceiling 1/mean hold, tickets/s",
        ],
        [
            [
                r.threads,
                ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items())),
                f"{r.per_filing('statements'):.1f}",
                f"{r.per_filing('db_seconds') * 1000:.2f}",
                f"{(r.per_filing('seconds') - r.per_filing('db_seconds')) * 1000:.2f}",
                "/".join(
                    f"{percentile([s.head_wait for s in r.ok], q) * 1000:.2f}" for q in (50, 95, 99)
                ),
                f"{r.per_filing('head_wait') / r.per_filing('seconds'):.0%}",
                "/".join(
                    f"{percentile([s.head_held for s in r.ok], q) * 1000:.2f}" for q in (50, 95)
                ),
                f"{1 / r.per_filing('head_held'):.0f}",
            ]
            for r in results
        ],
    )
    _print_summary(results)
    shown: set[int] = set()
    for r in results:
        if r.threads in shown:
            continue
        shown.add(r.threads)
        print(f"Statements, {r.threads} thread(s), per filing:")
        top = sorted(r.label_seconds.items(), key=lambda kv: -kv[1][1])[:12]
        n = max(1, len(r.samples))
        print_table(
            ["statement", "calls/filing", "ms/filing"],
            [[label, f"{calls / n:.2f}", f"{secs / n * 1000:.3f}"] for label, (calls, secs) in top],
        )
        if r.profile:
            print(f"cProfile, first thread of the {r.threads}-thread run:\n{r.profile}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--replace", action="store_true", help="drop that database if it exists")
    parser.add_argument("--villages", type=int, default=600)
    parser.add_argument("--filings", type=int, default=5000)
    parser.add_argument("--join-share", type=float, default=0.25)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeat", type=int, default=1, help="runs per thread count")
    parser.add_argument("--keep-clones", action="store_true")
    parser.add_argument(
        "--profile", metavar="PSTATS", help="cProfile the first thread of each run into this file"
    )
    args = parser.parse_args()

    print(f"Command: `{command_line()}`\n")
    shape = DirectoryShape(
        args.villages, gps_per_block=10, blocks_per_district=4, orphan_every=50, je_gap_every=5
    )
    workload = Workload(args.filings, args.join_share, args.seed)
    create_fresh_database(args.database_url, replace=args.replace)
    engine = migrated_engine(args.database_url)
    counts = load_directory(engine, ContactVault(BENCH_SECRET), shape)
    settings = server_settings(engine)
    engine.dispose()
    print(f"Server: {settings}")
    print(
        f"Directory: {counts.villages} villages, {counts.gps} GPs, {counts.blocks} blocks, "
        f"{counts.vwscs} VWSCs, {counts.officials} officials (loaded in {counts.seconds:.1f} s)\n"
    )
    results = []
    for threads in args.threads:
        for run in range(args.repeat):
            clone = clone_database(
                args.database_url, f"{database_name(args.database_url)}_t{threads}"
            )
            profile = f"{args.profile}.t{threads}.{run}" if args.profile else None
            results.append(run_in_child(run_filings, clone, shape, workload, threads, profile))
            if not args.keep_clones:
                drop_database(clone)
    _print_results(results)


if __name__ == "__main__":
    main()
