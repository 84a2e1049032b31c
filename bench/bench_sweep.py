"""The SLA escalation sweep over a big incidents table on PostgreSQL.

    .venv/bin/python bench/bench_sweep.py --replace
    .venv/bin/python bench/bench_sweep.py --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_sweep --batch-sizes 2000 5000

Creates the database named in --database-url, migrates it, bulk-loads a directory of
--villages villages (VWSCs, JEs, AEs, EEs, DWSMs, a state cell) and --incidents incidents with
SQL: one open incident per village and category (--overdue of them past due, the rest due
later) and the rest closed or rejected history. Then, for each batch size, a file copy of that
database gets `sweep(sessions, policy, now, batch_size)`, a second sweep at the same moment and
a chain verification, in a process of its own (so its peak RSS is its own). The due-incidents
query is EXPLAINed on the loaded database at the end.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
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
    print_table,
    profiled,
    server_settings,
    vacuum_analyze,
    verify_chain,
)
from common import run_isolated as run_in_child
from sqlalchemy import Connection, Engine, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from grievance.db import make_engine, make_sessionmaker
from grievance.policy import Policy, load_policy
from grievance.privacy import ContactVault
from grievance.tickets import repository
from grievance.tickets.enums import Category
from grievance.tickets.escalation import SweepReport, sweep
from grievance.types import Level

# The sweep's "now"; every loaded due time is relative to it.
BENCH_NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
_STRIDES = (7919, 104_729, 1_299_709)  # primes: n * stride mod open permutes the open incidents
_HISTORY_DAYS = 330
_MAX_OVERDUE_SECONDS = 48 * 3600


@dataclass(frozen=True)
class Population:
    villages: int
    incidents: int
    overdue: int

    @property
    def open(self) -> int:
        return self.villages * len(Category)  # one open incident per village and category

    @property
    def closed(self) -> int:
        return self.incidents - self.open

    def check(self) -> None:
        if not 0 < self.overdue <= self.open <= self.incidents:
            raise SystemExit(
                f"need 0 < overdue ({self.overdue}) <= open ({self.open} = villages x "
                f"{len(Category)} categories) <= incidents ({self.incidents})"
            )

    @property
    def stride(self) -> int:
        return next(p for p in _STRIDES if math.gcd(p, self.open) == 1)


# -- bulk loading ------------------------------------------------------------------------------

_COLUMNS = """village_code, category, status, priority, level, assigned_vwsc_id,
    assigned_official_id, needs_onboarding, households, escalations, due_at, opened_at,
    updated_at, resolved_at, closed_at, closure, rejection_reason, responsible_body, version"""

_OWNERS = """
CREATE TEMP TABLE bench_owners AS
SELECT v.code - 600000 AS idx, v.code AS village_code, COALESCE(own.id, gp.id) AS vwsc_id
FROM villages AS v
JOIN village_panchayats AS vp ON vp.village_code = v.code
LEFT JOIN vwscs AS own ON own.village_code = v.code
LEFT JOIN vwscs AS gp ON gp.gp_code = vp.gp_code
"""

# Closed and rejected history, oldest first: ids grow with opened_at, as they would.
_HISTORY = f"""
INSERT INTO incidents ({_COLUMNS})
SELECT o.village_code, c.name, CASE WHEN s.rejected THEN 'rejected' ELSE 'closed' END,
       c.priority, 'vwsc', o.vwsc_id, NULL, false, 1 + s.n % 4, 0, NULL,
       s.opened, s.opened + interval '2 days',
       CASE WHEN s.rejected THEN NULL ELSE s.opened + interval '1 day' END,
       s.opened + interval '2 days',
       CASE WHEN s.rejected THEN NULL WHEN s.n % 3 = 0 THEN 'confirmed' ELSE 'unconfirmed' END,
       CASE WHEN s.rejected THEN 'Not a drinking-water supply problem' END,
       CASE WHEN s.rejected THEN 'Gram Panchayat' END,
       CASE WHEN s.rejected THEN 3 ELSE 5 END
FROM (
    SELECT n, n % 20 = 7 AS rejected,
           CAST(:now AS timestamptz) - make_interval(days => {_HISTORY_DAYS + 35})
               + make_interval(secs => n * :step) AS opened
    FROM generate_series(0, :closed - 1) AS n
) AS s
JOIN bench_owners AS o ON o.idx = s.n % :villages
JOIN bench_categories AS c ON c.idx = (s.n / :villages) % :categories
ORDER BY s.n
"""

# One open incident per (village, category), at the VWSC, version 1: `overdue` of them due
# up to two days ago, the rest due within their VWSC SLA from now.
_OPEN = f"""
INSERT INTO incidents ({_COLUMNS})
SELECT o.village_code, c.name, CASE WHEN n % 3 = 0 THEN 'acknowledged' ELSE 'new' END,
       c.priority, 'vwsc', o.vwsc_id, NULL, false, 1, 0, d.due,
       d.due - make_interval(secs => c.sla_seconds), d.due - make_interval(secs => c.sla_seconds),
       NULL, NULL, NULL, NULL, NULL, 1
FROM generate_series(0, :open - 1) AS n
JOIN bench_owners AS o ON o.idx = n / :categories
JOIN bench_categories AS c ON c.idx = n % :categories
CROSS JOIN LATERAL (
    SELECT CASE WHEN (n::bigint * :stride) % :open < :overdue
        THEN CAST(:now AS timestamptz)
            - make_interval(secs => 1 + (n::bigint * 104729) % {_MAX_OVERDUE_SECONDS})
        ELSE CAST(:now AS timestamptz)
            + make_interval(secs => 60 + (n::bigint * 104729) % (c.sla_seconds - 60))
    END AS due
) AS d
ORDER BY d.due - make_interval(secs => c.sla_seconds)
"""


def _load_lookup_tables(connection: Connection, policy: Policy) -> None:
    connection.execute(text(_OWNERS))
    orphans = connection.execute(text("SELECT count(*) FROM bench_owners WHERE vwsc_id IS NULL"))
    if orphans.scalar_one():
        raise SystemExit("every village needs a VWSC for the loaded incidents to be consistent")
    connection.execute(text("CREATE INDEX ON bench_owners (idx)"))
    connection.execute(
        text(
            "CREATE TEMP TABLE bench_categories "
            "(idx int PRIMARY KEY, name text, priority text, sla_seconds int)"
        )
    )
    connection.execute(
        text("INSERT INTO bench_categories VALUES (:idx, :name, :priority, :sla)"),
        [
            {
                "idx": idx,
                "name": category.value,
                "priority": policy.priority(category).value,
                "sla": int(policy.sla(category, Level.VWSC).total_seconds()),
            }
            for idx, category in enumerate(Category)
        ],
    )
    connection.execute(text("ANALYZE bench_owners; ANALYZE bench_categories"))


def load_incidents(engine: Engine, population: Population, policy: Policy) -> float:
    started = time.perf_counter()
    params: dict[str, Any] = {
        "now": BENCH_NOW,
        "villages": population.villages,
        "categories": len(Category),
        "closed": population.closed,
        "open": population.open,
        "overdue": population.overdue,
        "stride": population.stride,
        "step": _HISTORY_DAYS * 86400 / max(1, population.closed),
    }
    with engine.begin() as connection:
        _load_lookup_tables(connection, policy)
        connection.execute(text(_HISTORY), params)
        connection.execute(text(_OPEN), params)
    return time.perf_counter() - started


def table_sizes(engine: Engine) -> dict[str, str]:
    names = ("incidents", "ix_incidents_due_at", "uq_incidents_open_village_category")
    with engine.connect() as connection:
        return {
            name: str(
                connection.execute(
                    text("SELECT pg_size_pretty(pg_total_relation_size(CAST(:n AS regclass)))"),
                    {"n": name},
                ).scalar_one()
            )
            for name in names
        }


# -- EXPLAIN of the sweep's own query ----------------------------------------------------------


def _captured_due_query(session: Session, now: datetime, limit: int) -> tuple[str, Any]:
    """The exact SQL and parameters repository.due_incidents_for_update sends."""
    captured: list[tuple[str, Any]] = []
    connection = session.connection()

    def grab(_conn: Connection, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    sa_event.listen(connection, "before_cursor_execute", grab)
    try:
        repository.due_incidents_for_update(session, now, limit)
    finally:
        sa_event.remove(connection, "before_cursor_execute", grab)
    return captured[-1]


def explain_due(engine: Engine, now: datetime, limit: int, options: str) -> list[str]:
    """EXPLAIN (options) of the due query, in a transaction that is rolled back."""
    with Session(engine) as session:
        statement, parameters = _captured_due_query(session, now, limit)
        rows = session.connection().exec_driver_sql(f"EXPLAIN ({options}) {statement}", parameters)
        lines = [str(row[0]) for row in rows]
        session.rollback()
    return lines


# -- one sweep run (in a child process) --------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    batch_size: int
    due_before: int
    seconds: float
    report: SweepReport
    batch_seconds: list[float]
    second_seconds: float
    second_report: SweepReport
    second_plan: list[str]
    checks: dict[str, int]
    label_seconds: dict[str, tuple[int, float]]
    chain: ChainCheck
    baseline_rss_mib: float
    peak_rss_mib: float
    profile: str


_CHECKS = {
    "still due": "SELECT count(*) FROM incidents WHERE due_at <= :now",
    "escalated once": "SELECT count(*) FROM incidents WHERE escalations = 1 AND version = 2",
    "escalation routes": "SELECT count(*) FROM incident_routes WHERE reason = 'escalation'",
    "audit events": "SELECT count(*) FROM audit_events",
}


def _counts(engine: Engine, now: datetime) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: int(connection.execute(text(sql), {"now": now}).scalar_one())
            for name, sql in _CHECKS.items()
        }


def run_sweep(url: str, batch_size: int, now: datetime, profile: str | None) -> SweepResult:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    policy = load_policy(None)
    due_before = _counts(engine, now)["still due"]
    timer = StatementTimer(engine)
    timer.watch_commits(sessions)
    commits: list[float] = []
    sa_event.listen(sessions, "after_commit", lambda _s: commits.append(time.perf_counter()))
    baseline = peak_rss_mib()

    with profiled(profile) as profile_report:
        started = time.perf_counter()
        report = sweep(sessions, policy, now, batch_size)
        seconds = time.perf_counter() - started
    batches = [b - a for a, b in zip([started, *commits], commits, strict=False)]
    labels = {k: (v.calls, v.seconds) for k, v in timer.totals.items()}

    started = time.perf_counter()
    second = sweep(sessions, policy, now, batch_size)
    second_seconds = time.perf_counter() - started
    second_plan = explain_due(engine, now, batch_size, "ANALYZE, BUFFERS")

    checks = _counts(engine, now)
    chain_check = verify_chain(sessions)
    engine.dispose()
    return SweepResult(
        batch_size,
        due_before,
        seconds,
        report,
        batches,
        second_seconds,
        second,
        second_plan,
        checks,
        labels,
        chain_check,
        baseline,
        peak_rss_mib(),
        "\n".join(profile_report),
    )


# -- reporting ---------------------------------------------------------------------------------


def _print_runs(results: list[SweepResult]) -> None:
    print_table(
        [
            "batch size",
            "overdue",
            "escalated",
            "at top",
            "sweep s",
            "escalated/s",
            "batch s min/median/max",
            "2nd sweep",
            "verify",
            "peak RSS MiB",
        ],
        [
            [
                r.batch_size,
                r.due_before,
                r.report.escalated,
                r.report.at_top,
                f"{r.seconds:.2f}",
                f"{r.report.handled / r.seconds:,.0f}",
                f"{min(r.batch_seconds):.3f}/{statistics.median(r.batch_seconds):.3f}/"
                f"{max(r.batch_seconds):.3f} ({len(r.batch_seconds)} batches)",
                f"{r.second_report.handled} escalated in {r.second_seconds * 1000:.1f} ms",
                f"{'ok' if r.chain.ok else 'BROKEN: ' + str(r.chain.problem)}, "
                f"{r.chain.events:,} events in {r.chain.seconds:.2f} s",
                f"{r.peak_rss_mib:.0f} (base {r.baseline_rss_mib:.0f})",
            ]
            for r in results
        ],
    )


def _print_summary(results: list[SweepResult]) -> None:
    rows = []
    for batch_size in dict.fromkeys(r.batch_size for r in results):
        runs = [r for r in results if r.batch_size == batch_size]
        seconds = [r.seconds for r in runs]
        median = statistics.median(seconds)
        rows.append(
            [
                batch_size,
                len(runs),
                f"{median:.2f}",
                f"{min(seconds):.2f}-{max(seconds):.2f}",
                f"{runs[0].report.handled / median:,.0f}",
                f"{statistics.median(r.second_seconds for r in runs) * 1000:.1f}",
                f"{statistics.median(r.chain.seconds for r in runs):.2f}",
                f"{max(r.peak_rss_mib for r in runs):.0f}",
                "yes" if median <= 10 else "no",
            ]
        )
    print_table(
        [
            "batch size",
            "runs",
            "sweep s (median)",
            "range",
            "escalated/s",
            "2nd sweep ms",
            "verify s",
            "peak RSS MiB",
            "<= 10 s",
        ],
        rows,
    )


def _print_breakdown(r: SweepResult) -> None:
    print(f"Batch size {r.batch_size}: checks after both sweeps: {r.checks}\n")
    print(f"Where the first sweep's time went (batch size {r.batch_size}, {r.seconds:.2f} s):")
    db_total = sum(secs for _, secs in r.label_seconds.values())
    rows: list[list[object]] = [
        [label, calls, f"{secs:.3f}", f"{secs / r.seconds:.0%}"]
        for label, (calls, secs) in sorted(r.label_seconds.items(), key=lambda kv: -kv[1][1])
    ]
    python = r.seconds - db_total
    share = f"{python / r.seconds:.0%}"
    rows.append(["Python (sweep minus the above)", "", f"{python:.3f}", share])
    print_table(["statement", "calls", "seconds", "share"], rows)
    print(f"EXPLAIN ANALYZE of the due query in the second sweep (batch {r.batch_size}):")
    print("```\n" + "\n".join(r.second_plan) + "\n```\n")
    if r.profile:
        print(f"cProfile of the first sweep (batch size {r.batch_size}):\n{r.profile}")


def _print_results(results: list[SweepResult]) -> None:
    _print_runs(results)
    _print_summary(results)
    shown: set[int] = set()
    for r in results:
        if r.batch_size not in shown:
            shown.add(r.batch_size)
            _print_breakdown(r)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--replace", action="store_true", help="drop that database if it exists")
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=100_000)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per batch size")
    parser.add_argument("--keep-clones", action="store_true")
    parser.add_argument(
        "--profile", metavar="PSTATS", help="cProfile each first sweep into PSTATS.b<batch size>"
    )
    args = parser.parse_args()
    population = Population(args.villages, args.incidents, args.overdue)
    population.check()

    print(f"Command: `{command_line()}`\n")
    policy = load_policy(None)
    create_fresh_database(args.database_url, replace=args.replace)
    engine = migrated_engine(args.database_url)
    counts = load_directory(engine, ContactVault(BENCH_SECRET), DirectoryShape(args.villages))
    load_seconds = load_incidents(engine, population, policy)
    vacuum_seconds = vacuum_analyze(engine)
    print(f"Server: {server_settings(engine)}")
    print(
        f"Directory: {counts.villages:,} villages, {counts.gps:,} GPs, {counts.blocks} blocks, "
        f"{counts.vwscs:,} VWSCs, {counts.officials} officials ({counts.seconds:.1f} s). "
        f"Incidents: {population.incidents:,} ({population.closed:,} closed/rejected, "
        f"{population.open:,} open, {population.overdue:,} overdue at {BENCH_NOW.isoformat()}) "
        f"loaded in {load_seconds:.1f} s, VACUUM ANALYZE {vacuum_seconds:.1f} s. "
        f"Sizes: {table_sizes(engine)}\n"
    )
    engine.dispose()

    results = []
    for batch_size in args.batch_sizes:
        for run in range(args.repeat):
            clone_name = f"{database_name(args.database_url)}_b{batch_size}"
            clone = clone_database(args.database_url, clone_name)
            profile = f"{args.profile}.b{batch_size}.{run}" if args.profile else None
            results.append(run_in_child(run_sweep, clone, batch_size, BENCH_NOW, profile))
            if not args.keep_clones:
                drop_database(clone)
    _print_results(results)

    engine = make_engine(args.database_url)
    for batch_size in args.batch_sizes:
        print(f"EXPLAIN (ANALYZE, BUFFERS) of the due query, loaded table, LIMIT {batch_size}:")
        lines = explain_due(engine, BENCH_NOW, batch_size, "ANALYZE, BUFFERS")
        print("```\n" + "\n".join(lines) + "\n```\n")
    engine.dispose()


if __name__ == "__main__":
    main()
