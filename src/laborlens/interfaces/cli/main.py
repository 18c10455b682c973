"""The ``laborlens`` command: a thin typer app; each command group lives in its own module.

Command modules are imported only when needed: ``laborlens screen …`` imports the screening
command alone (not the evidence store, the dossier builder or the web server), which keeps the
start-up of a run short. ``--help`` and unknown commands get the whole app.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from laborlens.version import __version__

#: command (first argument) -> the module that registers it
COMMANDS: dict[str, str] = {
    "screen": "screen_cmd",
    "lists": "lists_cmd",
    "regimes": "regimes_cmd",
    "explain": "regimes_cmd",
    "trace": "trace_cmd",
    "case": "case_cmd",
    "audit": "case_cmd",
    "evidence": "evidence_cmd",
    "dossier": "evidence_cmd",
    "serve": "serve_cmd",
    "exposure": "exposure_cmd",
    "alternatives": "alternatives_cmd",
    "users": "users_cmd",
}
_ORDER = ("screen_cmd", "lists_cmd", "regimes_cmd", "trace_cmd", "case_cmd", "evidence_cmd",
          "serve_cmd", "users_cmd", "exposure_cmd", "alternatives_cmd")  # fmt: skip


def build_app(command: str | None = None) -> typer.Typer:
    """The app with every command, or only the module that registers ``command``."""
    app = typer.Typer(
        name="laborlens",
        help="Find forced labour in supply chains and prove its absence at the border.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    modules = (COMMANDS[command],) if command in COMMANDS else _ORDER
    for name in modules:
        importlib.import_module(f"laborlens.interfaces.cli.{name}").register(app)

    @app.command("version")
    def version() -> None:
        """Print the laborlens version."""
        typer.echo(__version__)

    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, built on first use (tests, documentation)
        full = build_app()
        globals()["app"] = full
        return full
    raise AttributeError(name)


def _command(argv: list[str]) -> str | None:
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS and "--help" not in argv[:1] else None


def run() -> None:
    """Console-script entry point."""
    try:
        build_app(_command(sys.argv[1:]))()
    except KeyboardInterrupt:
        sys.exit(130)
