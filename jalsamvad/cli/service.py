"""`jalsamvad serve` (the API, web pages and chat channels) and `jalsamvad worker` (the SLA
sweep, notifications and clearing ended staff sessions)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer
import uvicorn

from jalsamvad.cli.common import assembled, console
from jalsamvad.demo_data import load_demo


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(
        1, min=1, help="Server processes (up to one per core: the dialogue is CPU-bound)."
    ),
    demo: bool = typer.Option(False, "--demo", help="Load the demo directory and complaints."),
) -> None:
    """Apply pending migrations, then serve the API, the web pages and the chat channels."""
    assembly = assembled(migrate=True, service=True)
    if demo:
        console.print(load_demo(assembly))
    # log_config=None: uvicorn keeps the one logging set-up (jalsamvad/logs.py).
    if workers == 1:
        uvicorn.run(assembly.app(), host=host, port=port, log_config=None)
        return
    assembly.close()  # each worker process opens its own connections
    uvicorn.run(
        "jalsamvad.asgi:app", factory=True, host=host, port=port, workers=workers, log_config=None
    )


def worker(
    once: bool = typer.Option(False, "--once", help="Sweep once and exit."),
    interval: float | None = typer.Option(None, help="Seconds between sweeps."),
) -> None:
    """Escalate overdue complaints, send waiting notifications and delete ended staff sessions,
    now and then every INTERVAL seconds until stopped."""
    assembly = assembled(migrate=True, service=True)
    work = assembly.worker()
    if once:
        work.run_once()
        return
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    work.run(stop, interval)
