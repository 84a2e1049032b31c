"""`jalsamvad serve` and `jalsamvad worker`."""

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve() -> None:
        """Placeholder."""
