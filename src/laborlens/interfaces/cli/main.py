"""The ``laborlens`` command: a thin typer app; each command group lives in its own module."""

from __future__ import annotations

import sys

import typer

from laborlens.interfaces.cli import (
    case_cmd,
    evidence_cmd,
    lists_cmd,
    regimes_cmd,
    screen_cmd,
    serve_cmd,
    trace_cmd,
)
from laborlens.version import __version__

app = typer.Typer(
    name="laborlens",
    help="Find forced labour in supply chains and prove its absence at the border.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (screen_cmd, lists_cmd, regimes_cmd, trace_cmd, case_cmd, evidence_cmd, serve_cmd):
    _module.register(app)


@app.command("version")
def version() -> None:
    """Print the laborlens version."""
    typer.echo(__version__)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
