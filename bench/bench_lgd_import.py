"""Benchmark the LGD import: both shared state files into a fresh database, then again.

    python bench/bench_lgd_import.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/jalsamvad_bench

The database is created (and migrated) if missing; an existing one that already has tables is
refused unless --drop-existing is given, so a real database is never overwritten by accident.
Prints one markdown table line per run: villages/s counts distinct villages (the files repeat
a village per constituency) over the wall time of read + validate + write + commit.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from grievance.db import make_engine, make_sessionmaker, unit_of_work
from grievance.lgd.importer import import_lgd_file
from grievance.migrate import upgrade

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lgd"
STATE_FILES = ("29-karnataka-constituency.csv", "33-tamil-nadu-constituency.csv")


@dataclass(frozen=True)
class Run:
    label: str
    villages: int
    seconds: float


def main() -> int:
    args = _arguments()
    files = [args.data / name for name in STATE_FILES]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        print(f"missing LGD files: {', '.join(missing)}", file=sys.stderr)
        return 2
    _fresh_database(args.database_url, args.drop_existing)
    engine = make_engine(args.database_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    runs = [_import(sessions, files, "first import"), _import(sessions, files, "re-import")]
    engine.dispose()
    _print_table(engine.dialect.name, runs)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the LGD CSVs")
    parser.add_argument("--drop-existing", action="store_true")
    return parser.parse_args()


def _fresh_database(url: str, drop_existing: bool) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _fresh_sqlite(Path(parsed.database or ""), drop_existing)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = parsed.database
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if exists and _has_tables(url):
            if not drop_existing:
                raise SystemExit(f"database {name} has tables; pass --drop-existing to replace it")
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = None
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _fresh_sqlite(path: Path, drop_existing: bool) -> None:
    if path.exists():
        if not drop_existing:
            raise SystemExit(f"{path} exists; pass --drop-existing to replace it")
        path.unlink()


def _has_tables(url: str) -> bool:
    engine = create_engine(url)
    try:
        return bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _import(sessions: sessionmaker[Session], files: list[Path], label: str) -> Run:
    """Each file in its own transaction, timed from reading the file to the commit."""
    started = time.perf_counter()
    villages = 0
    for path in files:
        with unit_of_work(sessions) as session:
            villages += import_lgd_file(session, path).counts.get("villages", 0)
    return Run(label, villages, time.perf_counter() - started)


def _print_table(dialect: str, runs: list[Run]) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print("| backend | run | villages | seconds | villages/s | peak RSS (MiB) |")
    print("|---|---|---:|---:|---:|---:|")
    for run in runs:
        rate = run.villages / run.seconds
        print(
            f"| {dialect} | {run.label} | {run.villages:,} | {run.seconds:.2f} "
            f"| {rate:,.0f} | {peak_mb:.0f} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
