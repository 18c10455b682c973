"""``laborlens trace``: trace a supply chain to its origins (chain format: docs/trace.md).

Thin: parse, call :mod:`laborlens.ops.tracing` (trace, explain, write, store), report. Exit 0
when the trace ran (whatever it found), 2 for unusable input or arguments with one message naming
the file, row and column. Row-level problems are summarised on stderr and written in full next to
the output (``--errors``); ``--strict`` turns them into exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.tracing import (
    FORMATS,
    ChainInputError,
    GraphTrace,
    InputError,
    ListError,
    OutputError,
    ResourceError,
    RowError,
    explain,
    load_table,
    store,
    sweep_leftovers,
    trace_graph,
    write,
    write_problems,
)

_SUFFIXES = {".parquet": "parquet", ".html": "html", ".htm": "html", ".svg": "svg"}


def _fail(message: str) -> typer.Exit:
    return fail("trace", message)


def _report(errors: Sequence[RowError], written: Path | None = None) -> None:
    typer.echo(f"laborlens trace: {len(errors)} input problem(s):", err=True)
    for err in errors[:20]:
        typer.echo(f"  {err}", err=True)
    if len(errors) > 20:
        more = f"all in {written}" if written else "see --errors"
        typer.echo(f"  … {len(errors) - 20} more ({more})", err=True)


def _format(fmt: str | None, output: Path | None) -> str:
    if fmt is None:
        return _SUFFIXES.get(output.suffix.lower(), "jsonl") if output else "jsonl"
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise _fail(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    return fmt


def _explain(result: GraphTrace, nodes: Sequence[str]) -> None:
    for node_id in nodes:
        try:
            record = explain(result, node_id)
        except KeyError:
            raise _fail(f"--explain: no node has the id '{node_id}'") from None
        sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False, indent=1) + "\n")


def _sweep(*targets: Path | None) -> None:
    """Report (and remove) what killed earlier runs left next to this run's outputs."""
    for target in targets:
        if target is not None:
            for note in sweep_leftovers(target):
                typer.echo(f"laborlens trace: note: {note}", err=True)


def _outputs(
    result: GraphTrace,
    fmt: str,
    output: Path | None,
    explained: bool,
    errors_to: Path | None,
) -> None:
    problems = errors_to
    if problems is None and output is not None and result.errors:
        problems = output.with_name(output.name + ".errors.csv")
    if problems is not None:
        write_problems(result, problems)
    if result.errors:
        _report(result.errors, problems)
    if explained and output is None:
        return
    size = write(result, fmt, output)
    if output is not None:
        tainted = int(result.tainted.sum())
        typer.echo(
            f"traced {result.n:,} nodes, {result.table.m:,} edges; {tainted:,} tainted; "
            f"written to {output} ({size:,} bytes)",
            err=True,
        )


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
        str | None,
        typer.Option(
            "--format",
            help="jsonl (compact, one line per node), parquet, full (every node spelt out: "
            "small chains), html or svg. Default: from the --output suffix, else jsonl.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write here instead of standard output.", show_default=False
        ),
    ] = None,
    explain_nodes: Annotated[
        list[str] | None,
        typer.Option(
            "--explain",
            help="Print this node's full record (findings, inherited paths, reasons, balance). "
            "Repeatable; the trace itself is then written only with --output.",
            show_default=False,
        ),
    ] = None,
    store_path: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Also keep the trace's tables in this DuckDB file for queries.",
            show_default=False,
        ),
    ] = None,
    errors_to: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="Write every input problem here as CSV (default: next to --output).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 2 when any input row has a problem."),
    ] = False,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, help="Screening processes (or Spark cores)."),
    ] = 1,
    engine: Annotated[
        str,
        typer.Option("--engine", help="Where the nodes are screened: local, or spark."),
    ] = "local",
) -> None:
    """Trace every input of a supply chain to its origin and decide per regime for each node."""
    chosen = _format(fmt, output)
    try:
        day = parse_as_of(as_of)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if engine not in ("local", "spark"):
        raise _fail(f"--engine: unknown engine '{engine}'; use local or spark")
    try:
        table = load_table(chain)
        if strict and table.errors:
            _report(table.errors)
            raise typer.Exit(2)
        result = trace_graph(
            table, as_of=day, list_files=list_file or (), workers=workers, engine=engine
        )
        if explain_nodes:
            _explain(result, explain_nodes)
        _sweep(output, store_path, errors_to)
        if store_path is not None:
            store(result, store_path)
        _outputs(result, chosen, output, bool(explain_nodes), errors_to)
    except (ChainInputError, InputError, ListError, ResourceError) as exc:
        raise _fail(f"{chain}: {exc}" if str(chain) not in str(exc) else str(exc)) from None
    except (OutputError, RuntimeError) as exc:  # RuntimeError: no Spark for --engine spark
        raise _fail(str(exc)) from None
    if strict and result.errors:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add ``trace`` to the app."""
    app.command("trace")(trace_command)
