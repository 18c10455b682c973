"""What the case, evidence, dossier and audit commands share: the service, options and output.

Exit codes: 0 done, 1 a verification found a problem, 2 bad input or arguments (the message
names the file, field or id; never a traceback).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from laborlens.interfaces.cli.common import fail as exit_with
from laborlens.ops.evidence import (
    RESPONSE_PATHS,
    DossierError,
    EvidenceError,
    EvidenceService,
    ResourceError,
    StoreError,
)
from laborlens.settings import Settings

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Store folder (default: $LABORLENS_DATA_DIR or .laborlens).",
        show_default=False,
    ),
]
Fmt = Annotated[str, typer.Option("--format", "-f", help="Output format: table or json.")]
PathOpt = Annotated[
    str,
    typer.Option("--path", "-p", help="Response path: applicability_review or exception_request."),
]


def fail(cmd: str, message: str) -> NoReturn:
    """Report a user error (exit code 2)."""
    raise exit_with(cmd, message)


@contextmanager
def service(cmd: str, data_dir: Path | None) -> Iterator[EvidenceService]:
    settings = Settings.from_env()
    if data_dir is not None:
        settings = replace(settings, data_dir=data_dir)
    try:
        svc = EvidenceService(settings)
    except (StoreError, OSError) as exc:
        fail(cmd, str(exc))
    try:
        yield svc
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as Unix tools do.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except (EvidenceError, StoreError, DossierError, ResourceError, OSError) as exc:
        fail(cmd, str(exc))
    finally:
        svc.close()


def date_option(cmd: str, option: str, value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(cmd, f"{option}: '{value}' is not a date (use YYYY-MM-DD)")


def check_format(cmd: str, fmt: str, allowed: Sequence[str] = ("table", "json")) -> str:
    if fmt not in allowed:
        fail(cmd, f"--format: unknown format '{fmt}'; use {' or '.join(allowed)}")
    return fmt


def path_option(cmd: str, path: str) -> str:
    if path not in RESPONSE_PATHS:
        fail(cmd, f"--path: unknown response path '{path}'; use {' or '.join(RESPONSE_PATHS)}")
    return path


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False))


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [len(h) for h in header]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = min(max(widths[i], len(c)), 60)
    line = "  ".join(h.ljust(widths[i]) for i, h in enumerate(header))
    typer.echo(line.rstrip())
    typer.echo("  ".join("-" * w for w in widths))
    for r in cells:
        typer.echo("  ".join(c[:60].ljust(widths[i]) for i, c in enumerate(r)).rstrip())
