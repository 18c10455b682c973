"""``laborlens serve``: the REST API and web UI on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from laborlens.settings import Settings


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the app."""

    @app.command("serve")
    def serve(
        host: Annotated[
            str, typer.Option(help="interface to bind (default: this machine only)")
        ] = ("127.0.0.1"),
        port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    ) -> None:
        """Serve the REST API (/api/…) and the web UI (/) for screening in a browser."""
        try:
            import uvicorn

            from laborlens.interfaces.api import create_app
        except ImportError as exc:
            typer.echo(
                f"laborlens serve needs the 'api' extra ({exc.name} is missing): "
                "pip install 'laborlens[api]'",
                err=True,
            )
            raise typer.Exit(2) from exc
        uvicorn.run(create_app(Settings.from_env()), host=host, port=port, log_level="info")
