"""``laborlens trace``: trace a supply chain to its origins (chain format: docs/contracts.md).

Thin: read the chain, call :func:`laborlens.ops.tracing.trace`, render JSON Lines, SVG or HTML.
Exit 0 when the trace ran (whatever it found), 2 for unusable input or arguments with one message
naming the file, row and column. Row-level problems are reported in the output (each node's
``errors``) and summarised on stderr; ``--strict`` turns them into exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.tracing import (
    FORMATS,
    ChainInputError,
    InputError,
    ListError,
    ResourceError,
    RowError,
    load_chain,
    render,
    sweep_leftovers,
    trace,
    write_text,
)


def _fail(message: str) -> typer.Exit:
    return fail("trace", message)


def _report(errors: Sequence[RowError]) -> None:
    typer.echo(f"laborlens trace: {len(errors)} input problem(s):", err=True)
    for err in errors[:20]:
        typer.echo(f"  {err}", err=True)
    if len(errors) > 20:
        typer.echo(f"  … {len(errors) - 20} more (see each node's errors)", err=True)


def trace_command(  # noqa: PLR0917 - one parameter per CLI option
    chain: Annotated[
        Path,
        typer.Argument(
            help='The chain: a JSON file {"nodes", "edges"}, a folder with nodes.csv and '
            "edges.csv, or FollowTheMoney entities (.jsonl/.ftm).",
            show_default=False,
        ),
    ],
    list_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--list-file",
            help="Add a user list CSV (id,name,aliases,address,country,registration_id). "
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Evaluate lists, regimes and shipments as of YYYY-MM-DD (default today).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="Output format: jsonl, html or svg."),
    ] = "jsonl",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write here instead of standard output.", show_default=False
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 2 when any input row has a problem."),
    ] = False,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, help="Screening processes."),
    ] = 1,
) -> None:
    """Trace every input of a supply chain to its origin and decide per regime for each node."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise _fail(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    try:
        day = parse_as_of(as_of)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    try:
        built = load_chain(chain)
        if strict and built.errors:
            _report(built.errors)
            raise typer.Exit(2)
        result = trace(built, as_of=day, list_files=list_file or (), workers=workers)
    except (ChainInputError, InputError, ListError, ResourceError) as exc:
        raise _fail(f"{chain}: {exc}" if str(chain) not in str(exc) else str(exc)) from None
    if result.errors:
        _report(result.errors)
        if strict:
            raise typer.Exit(2)
    text = render(result, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    for note in sweep_leftovers(output):
        typer.echo(f"laborlens trace: note: {note}", err=True)
    try:
        write_text(output, text)
    except OSError as exc:
        raise _fail(f"{output}: cannot write ({exc.strerror or exc})") from None
    tainted = sum(1 for n in result.nodes if n.tainted)
    typer.echo(
        f"traced {len(result.nodes)} nodes, {len(result.edges)} edges; {tainted} tainted; "
        f"written to {output}",
        err=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``trace`` to the app."""
    app.command("trace")(trace_command)
