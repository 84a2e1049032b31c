"""Shared helpers for bench_filing.py and bench_sweep.py: fresh databases, a synthetic
directory loaded in bulk, statement timing, isolated runs and result printing.

Run the benchmarks as scripts (``.venv/bin/python bench/bench_filing.py``); this module is
imported from the script's own directory.
"""

from __future__ import annotations

import cProfile
import io
import math
import multiprocessing
import pstats
import re
import resource
import shlex
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, insert, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from grievance.audit import chain
from grievance.db import make_engine
from grievance.directory.models import Official, OfficialJurisdiction, Vwsc
from grievance.lgd.models import (
    Block,
    District,
    GramPanchayat,
    State,
    SubDistrict,
    Village,
    VillagePanchayat,
)
from grievance.migrate import upgrade
from grievance.privacy import ContactVault
from grievance.types import Channel, OfficialRole, UnitType

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/jalsamvad_bench"
BENCH_SECRET = b"bench-secret-not-for-production"
_SAFE_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

P = ParamSpec("P")
R = TypeVar("R")


# -- databases ---------------------------------------------------------------------------------


def database_name(url: str) -> str:
    name = make_url(url).database or ""
    if not _SAFE_DB_NAME.match(name):
        raise SystemExit(f"database name {name!r}: use lower-case letters, digits and _ only")
    return name


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@contextmanager
def _admin(url: str) -> Iterator[Connection]:
    """An autocommit connection to the server's maintenance database."""
    engine = create_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _exists(connection: Connection, name: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    return found.first() is not None


def create_fresh_database(url: str, *, replace: bool) -> None:
    """Create the database named in `url`; refuse to reuse one unless `replace` is given."""
    name = database_name(url)
    with _admin(url) as connection:
        if _exists(connection, name):
            if not replace:
                raise SystemExit(
                    f"database {name} already exists: name a fresh one in --database-url "
                    "or pass --replace to drop it first"
                )
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')


def clone_database(url: str, clone: str) -> str:
    """A file copy of the (idle) database in `url` under the name `clone`; returns its URL."""
    template = database_name(url)
    if not _SAFE_DB_NAME.match(clone):
        raise SystemExit(f"bad clone name {clone!r}")
    with _admin(url) as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
        connection.exec_driver_sql(
            f'CREATE DATABASE "{clone}" TEMPLATE "{template}" STRATEGY FILE_COPY'
        )
    return with_database(url, clone)


def drop_database(url: str) -> None:
    name = database_name(url)
    with _admin(url) as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated_engine(url: str, **kwargs: Any) -> Engine:
    engine = make_engine(url, **kwargs)
    upgrade(engine)
    return engine


def vacuum_analyze(engine: Engine) -> float:
    started = time.perf_counter()
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM (ANALYZE)"
        )
    return time.perf_counter() - started


def server_settings(engine: Engine) -> dict[str, str]:
    names = ("server_version", "shared_buffers", "synchronous_commit", "fsync", "work_mem")
    with engine.connect() as connection:
        return {name: str(connection.exec_driver_sql(f"SHOW {name}").scalar()) for name in names}


# -- the synthetic directory -------------------------------------------------------------------

STATE_CODE = 29


@dataclass(frozen=True)
class DirectoryShape:
    """A state of `villages` villages, 5 to a gram panchayat, 20 GPs to a block.

    Most villages have their own VWSC; in every `gp_vwsc_every`-th GP the first
    `gp_served_villages` villages rely on a GP-level committee; every `orphan_every`-th
    village elsewhere has no committee at all (0: none); every `je_gap_every`-th block has no
    JE on record, so routing there skips to the AE.
    """

    villages: int
    villages_per_gp: int = 5
    gps_per_block: int = 20
    blocks_per_subdistrict: int = 2
    blocks_per_district: int = 10
    gp_vwsc_every: int = 4
    gp_served_villages: int = 2
    orphan_every: int = 0
    je_gap_every: int = 10

    @property
    def gps(self) -> int:
        return math.ceil(self.villages / self.villages_per_gp)

    @property
    def blocks(self) -> int:
        return math.ceil(self.gps / self.gps_per_block)

    @property
    def subdistricts(self) -> int:
        return math.ceil(self.blocks / self.blocks_per_subdistrict)

    @property
    def districts(self) -> int:
        return math.ceil(self.blocks / self.blocks_per_district)

    def village_code(self, index: int) -> int:
        return 600_000 + index

    def gp_of(self, village: int) -> int:
        return village // self.villages_per_gp

    def has_gp_vwsc(self, gp: int) -> bool:
        return gp % self.gp_vwsc_every == 0

    def has_own_vwsc(self, village: int) -> bool:
        gp = self.gp_of(village)
        if self.has_gp_vwsc(gp):
            return village % self.villages_per_gp >= self.gp_served_villages
        orphan = self.orphan_every > 0 and village % self.orphan_every == self.orphan_every - 1
        return not orphan


def _district_code(d: int) -> int:
    return 500 + d


def _subdistrict_code(s: int) -> int:
    return 5000 + s


def _block_code(b: int) -> int:
    return 7000 + b


def _gp_code(g: int) -> int:
    return 200_000 + g


@dataclass(frozen=True)
class DirectoryCounts:
    villages: int
    gps: int
    blocks: int
    vwscs: int
    officials: int
    seconds: float


def load_directory(engine: Engine, vault: ContactVault, shape: DirectoryShape) -> DirectoryCounts:
    """Insert the whole directory with set-based Core inserts, in one transaction."""
    started = time.perf_counter()
    with engine.begin() as connection:
        _insert_units(connection, shape)
        vwscs = _insert_vwscs(connection, shape)
        officials = _insert_officials(connection, vault, shape)
    return DirectoryCounts(
        shape.villages, shape.gps, shape.blocks, vwscs, officials, time.perf_counter() - started
    )


def _insert_units(connection: Connection, shape: DirectoryShape) -> None:
    bps, bpd = shape.blocks_per_subdistrict, shape.blocks_per_district
    connection.execute(insert(State), [{"code": STATE_CODE, "name": "BENCH STATE"}])
    connection.execute(
        insert(District),
        [
            {"code": _district_code(d), "state_code": STATE_CODE, "name": f"District {d}"}
            for d in range(shape.districts)
        ],
    )
    connection.execute(
        insert(SubDistrict),
        [
            {
                "code": _subdistrict_code(s),
                "district_code": _district_code(s * bps // bpd),
                "name": f"Tehsil {s}",
            }
            for s in range(shape.subdistricts)
        ],
    )
    connection.execute(
        insert(Block),
        [
            {
                "code": _block_code(b),
                "district_code": _district_code(b // bpd),
                "name": f"Block {b}",
            }
            for b in range(shape.blocks)
        ],
    )
    connection.execute(
        insert(GramPanchayat),
        [
            {
                "code": _gp_code(g),
                "block_code": _block_code(g // shape.gps_per_block),
                "name": f"GP {g}",
            }
            for g in range(shape.gps)
        ],
    )
    _insert_villages(connection, shape)


def _insert_villages(connection: Connection, shape: DirectoryShape) -> None:
    villages, links = [], []
    for i in range(shape.villages):
        gp = shape.gp_of(i)
        block = gp // shape.gps_per_block
        code = shape.village_code(i)
        subdistrict = _subdistrict_code(block // shape.blocks_per_subdistrict)
        villages.append({"code": code, "subdistrict_code": subdistrict, "name": f"Village {i}"})
        links.append(
            {"village_code": code, "gp_code": _gp_code(gp), "block_code": _block_code(block)}
        )
    connection.execute(insert(Village), villages)
    connection.execute(insert(VillagePanchayat), links)


def _insert_vwscs(connection: Connection, shape: DirectoryShape) -> int:
    rows: list[dict[str, Any]] = [
        {"name": f"GP {g} VWSC", "gp_code": _gp_code(g), "village_code": None}
        for g in range(shape.gps)
        if shape.has_gp_vwsc(g)
    ]
    rows += [
        {"name": f"Village {i} VWSC", "village_code": shape.village_code(i), "gp_code": None}
        for i in range(shape.villages)
        if shape.has_own_vwsc(i)
    ]
    connection.execute(insert(Vwsc), rows)
    return len(rows)


def _official_posts(shape: DirectoryShape) -> list[tuple[OfficialRole, UnitType, int]]:
    posts = [
        (OfficialRole.JE, UnitType.BLOCK, _block_code(b))
        for b in range(shape.blocks)
        if b % shape.je_gap_every != shape.je_gap_every - 1
    ]
    posts += [
        (OfficialRole.AE, UnitType.SUBDISTRICT, _subdistrict_code(s))
        for s in range(shape.subdistricts)
    ]
    for d in range(shape.districts):
        posts.append((OfficialRole.EE, UnitType.DISTRICT, _district_code(d)))
        posts.append((OfficialRole.DWSM, UnitType.DISTRICT, _district_code(d)))
    posts.append((OfficialRole.STATE_ADMIN, UnitType.STATE, STATE_CODE))
    return posts


def _insert_officials(connection: Connection, vault: ContactVault, shape: DirectoryShape) -> int:
    posts = _official_posts(shape)
    rows = []
    for n, (role, unit_type, code) in enumerate(posts):
        phone = vault.normalise_phone(f"+9170{n:08d}")
        rows.append(
            {
                "name": f"{role.value.upper()} {unit_type.value} {code}",
                "phone_hash": vault.lookup_hash(phone),
                "phone_ciphertext": vault.encrypt(phone),
                "role": role,
                "language": "hi",
                "channel": Channel.SMS,
            }
        )
    ids = connection.execute(
        insert(Official).returning(Official.id, sort_by_parameter_order=True), rows
    ).scalars()
    connection.execute(
        insert(OfficialJurisdiction),
        [
            {"official_id": official_id, "unit_type": unit_type, "unit_code": code}
            for official_id, (_, unit_type, code) in zip(ids, posts, strict=True)
        ],
    )
    return len(posts)


# -- measuring ---------------------------------------------------------------------------------


def peak_rss_mib() -> float:
    """Peak resident set of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


_VERB = re.compile(r"^\s*(\w+)")
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


def statement_label(statement: str) -> str:
    """'SELECT incidents FOR UPDATE', 'INSERT audit_events', 'SAVEPOINT', ..."""
    verb_match = _VERB.match(statement)
    verb = verb_match.group(1).upper() if verb_match else "?"
    table = _TABLE.search(statement)
    label = f"{verb} {table.group(1)}" if table and verb != "SAVEPOINT" else verb
    if "FOR UPDATE" in statement:
        label += " FOR UPDATE"
    return label


@dataclass
class LabelTotal:
    calls: int = 0
    seconds: float = 0.0


@dataclass
class UnitStats:
    """What one unit of work (a filing, a sweep) sent to the database."""

    statements: int = 0
    seconds: float = 0.0
    by_label: dict[str, float] = field(default_factory=dict)
    locked_at: float | None = None  # when the first `lock_label` statement returned
    committed_at: float | None = None

    @property
    def lock_held(self) -> float:
        """Seconds from taking the watched lock to the end of COMMIT (0 if never taken)."""
        if self.locked_at is None or self.committed_at is None:
            return 0.0
        return self.committed_at - self.locked_at


class StatementTimer:
    """Times every cursor execute on an engine, per label and per unit of work (per thread);
    with `lock_label`, also how long each unit held the lock that statement takes."""

    def __init__(self, engine: Engine, lock_label: str | None = None) -> None:
        self.lock_label = lock_label
        self.totals: dict[str, LabelTotal] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        sa_event.listen(engine, "before_cursor_execute", self._before)
        sa_event.listen(engine, "after_cursor_execute", self._after)
        sa_event.listen(engine, "commit", self._commit_starts)

    def watch_commits(self, sessions: sessionmaker[Session]) -> None:
        """Also time COMMIT: from the engine's commit hook to the session's after_commit."""
        sa_event.listen(sessions, "after_commit", self._committed)

    def _commit_starts(self, conn: Connection) -> None:
        self._local.commit_started = time.perf_counter()

    def _committed(self, _session: Session) -> None:
        started: float | None = getattr(self._local, "commit_started", None)
        if started is not None:
            self._local.commit_started = None
            self._record("COMMIT", time.perf_counter() - started)
            unit: UnitStats | None = getattr(self._local, "unit", None)
            if unit is not None:
                unit.committed_at = time.perf_counter()

    def start_unit(self) -> None:
        self._local.unit = UnitStats()

    def unit(self) -> UnitStats:
        found: UnitStats | None = getattr(self._local, "unit", None)
        return found if found is not None else UnitStats()

    def _before(self, conn: Connection, *_: Any) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        elapsed = time.perf_counter() - conn.info["bench_started"].pop()
        self._record(statement_label(statement), elapsed)

    def _record(self, label: str, elapsed: float) -> None:
        with self._lock:
            total = self.totals.setdefault(label, LabelTotal())
            total.calls += 1
            total.seconds += elapsed
        unit: UnitStats | None = getattr(self._local, "unit", None)
        if unit is not None:
            unit.statements += 1
            unit.seconds += elapsed
            unit.by_label[label] = unit.by_label.get(label, 0.0) + elapsed
            if label == self.lock_label and unit.locked_at is None:
                unit.locked_at = time.perf_counter()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    seconds: float
    problem: str | None


def verify_chain(sessions: sessionmaker[Session]) -> ChainCheck:
    started = time.perf_counter()
    with sessions() as session:
        found = chain.verify(session)
    return ChainCheck(found.ok, found.events, time.perf_counter() - started, found.problem)


def run_isolated(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `function` in a fresh (spawned) process, so its peak RSS is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args, **kwargs).result()


@contextmanager
def profiled(path: str | None, top: int = 30) -> Iterator[list[str]]:
    """cProfile the block (in the current thread) when `path` is given; the yielded list
    receives the pstats dump and the top functions by own time and by cumulative time."""
    report: list[str] = []
    if path is None:
        yield report
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield report
    finally:
        profile.disable()
        profile.dump_stats(path)
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
            report.append(out.getvalue())


# -- printing ----------------------------------------------------------------------------------


def command_line() -> str:
    return shlex.join([sys.executable, *sys.argv])


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()
