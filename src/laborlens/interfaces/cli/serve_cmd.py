"""``laborlens serve``: the shared server (REST API, web UI, API docs)."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer

from laborlens.interfaces.cli.common import fail
from laborlens.settings import Settings


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, tls: bool, proxy: bool) -> str | None:
    """The warning to print when tokens and passwords would cross a network in clear."""
    if is_loopback(host) or tls or proxy:
        return None
    return (
        f"warning: serving on {host} without TLS: API tokens, passwords and supplier data "
        "cross the network unencrypted. Give --tls-cert/--tls-key, or put a TLS-terminating "
        "proxy in front and pass --proxy."
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the app."""

    @app.command("serve")
    def serve(  # noqa: PLR0917 - one parameter per CLI option
        host: Annotated[
            str, typer.Option(help="interface to bind (default: this machine only)")
        ] = ("127.0.0.1"),
        port: Annotated[int, typer.Option(help="TCP port")] = 8000,
        database: Annotated[
            str | None,
            typer.Option(
                help="postgresql://user@host:port/db for a shared server (default "
                "$LABORLENS_DATABASE, else the DuckDB file in the data folder)"
            ),
        ] = None,
        tls_cert: Annotated[str | None, typer.Option(help="TLS certificate (PEM)")] = None,
        tls_key: Annotated[str | None, typer.Option(help="TLS private key (PEM)")] = None,
        proxy: Annotated[
            bool,
            typer.Option(
                "--proxy", help="behind a TLS-terminating reverse proxy (cookies marked Secure)"
            ),
        ] = False,
        max_upload_mb: Annotated[int, typer.Option(help="largest upload")] = 2048,
        max_rows: Annotated[int, typer.Option(help="largest file to screen, in rows")] = 5_000_000,
    ) -> None:
        """Serve the REST API (/api/…), the web UI (/) and the API docs (/docs)."""
        try:
            import uvicorn

            from laborlens.interfaces.api import create_app
        except ImportError as exc:
            raise fail(
                "serve", f"needs the 'api' extra ({exc.name} is missing): "
                "pip install 'laborlens[api]'"
            ) from exc  # fmt: skip
        if bool(tls_cert) != bool(tls_key):
            raise fail("serve", "give both --tls-cert and --tls-key")
        warning = exposure_warning(host, bool(tls_cert), proxy)
        if warning:
            typer.echo(warning, err=True)
        try:
            app = create_app(
                Settings.from_env(), database=database or os.environ.get("LABORLENS_DATABASE"),
                max_upload_bytes=max_upload_mb * 1024 * 1024, max_rows=max_rows,
                secure_cookies=bool(tls_cert) or proxy,
            )  # fmt: skip
        except ValueError as exc:
            raise fail("serve", str(exc)) from exc
        if not app.state.laborlens.accounts.users():
            typer.echo("no users yet: create one with `laborlens users add NAME --role admin`",
                       err=True)  # fmt: skip
        uvicorn.run(app, host=host, port=port, log_level="info", ssl_certfile=tls_cert,
                    ssl_keyfile=tls_key, proxy_headers=proxy)  # fmt: skip
