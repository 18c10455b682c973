"""``laborlens screen``: screen supplier / party files against the forced-labour lists.

Thin: parse arguments, then :mod:`laborlens.ops.screening` opens the inputs, runs the chosen
engine and writes the report. Unusable input or arguments exit with code 2 and one
message naming the file, row and column; screening that ran exits 0 whatever it found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.errors import USER_ERRORS
from laborlens.ops.screening import (
    FORMATS,
    ListSet,
    Record,
    ScreeningIndex,
    ScreenResult,
    choose_format,
    index_for,
    open_job,
    write_report,
)
from laborlens.settings import Settings


def _fail(message: str) -> typer.Exit:
    return fail("screen", message)


def _progress(
    pairs: Iterator[tuple[Record, ScreenResult]], enabled: bool, total: int | None
) -> Iterator[tuple[Record, ScreenResult]]:
    """A progress bar on stderr (rows done; bar and time left when the row count is known)."""
    if not enabled:
        yield from pairs
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows ·"),
        TimeElapsedColumn(),
        TextColumn("· left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("screen", total=total)
        n = 0
        for n, pair in enumerate(pairs, start=1):
            if n % 100 == 0:
                # the total of a CSV is an estimate: never let the bar claim more than it knows
                if total is not None and n >= total:
                    bar.update(task, total=n + 100)
                bar.update(task, completed=n)
            yield pair
        bar.update(task, total=n, completed=n)


def _with_spinner(lists: ListSet) -> ScreeningIndex:
    from rich.console import Console

    with Console(stderr=True).status("compiling the reference lists…"):
        return index_for(lists)


# --- the options of `laborlens screen` --------------------------------------------------------

_Inputs = Annotated[
    list[Path],
    typer.Argument(
        help="Files to screen: CSV/TSV (UTF-8, GB18030/GBK, UTF-16; .gz ok), XLSX, "
        "Parquet, JSON Lines.",
        show_default=False,
    ),
]
_ListFile = Annotated[
    list[Path] | None,
    typer.Option(
        "--list-file",
        help="Add a user list (CSV/XLSX with id,name,aliases,address,country,"
        "registration_id; list id = file stem unless a 'list' column says otherwise). "
        "Repeatable.",
        show_default=False,
    ),
]
_Lists = Annotated[
    list[str] | None,
    typer.Option(
        "--lists",
        help="Screen only against these list ids (comma-separated or repeated; bundled or "
        "user list ids). See 'laborlens lists'.",
        show_default=False,
    ),
]
_AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate lists and regimes as they stood on this date (YYYY-MM-DD). Default: today.",
        show_default=False,
    ),
]
_Fmt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table|jsonl|csv|xlsx|html. Default: from the --output suffix; "
        "else table on a terminal, jsonl when piped.",
        show_default=False,
    ),
]
_Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (omitted or '-': standard output).",
        show_default=False,
    ),
]
_Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text encoding of CSV/JSONL inputs and list files "
        "(default: detected), e.g. gb18030, utf-16, cp1252.",
        show_default=False,
    ),
]
_Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Worker processes (default: CPU count, max 8; small inputs run in-process).",
        show_default=False,
    ),
]
_Limit = Annotated[
    int,
    typer.Option(
        "--limit",
        help="table/html: show at most this many rows with findings "
        "(the worst); counts always cover every row.",
    ),
]
_Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")
]
_Engine = Annotated[
    str,
    typer.Option(
        "--engine",
        help="local (processes on this machine) or spark (needs the 'spark' extra and "
        "Java; CSV with the header on its first line, Parquet or JSON Lines). Results "
        "are identical.",
    ),
]


def screen_command(  # noqa: PLR0917 - one parameter per CLI option
    inputs: _Inputs,
    list_file: _ListFile = None,
    lists: _Lists = None,
    as_of: _AsOf = None,
    fmt: _Fmt = None,
    output: _Output = None,
    encoding: _Encoding = None,
    workers: _Workers = None,
    limit: _Limit = 500,
    quiet: _Quiet = False,
    engine: _Engine = "local",
) -> None:
    """Screen supplier / party records against the forced-labour lists and regimes.

    One output record per input row, in input order; rows that cannot be screened get an
    output record with `errors`. Exit code 0 when screening ran, 2 for unusable input or
    arguments.
    """
    settings = Settings.from_env()
    if output is not None and str(output) == "-":
        output = None  # '-' means standard output, as in most Unix tools
    spinner = not quiet and sys.stderr.isatty()
    try:
        day = parse_as_of(as_of)
        if limit < 1:
            raise ValueError(f"--limit: must be 1 or more, got {limit}")
        to_terminal = output is None and sys.stdout.isatty()
        out_fmt = choose_format(fmt, output, to_terminal)
        job = open_job(
            inputs,
            as_of=day,
            settings=settings,
            list_files=list_file or (),
            lists=lists,
            encoding=encoding,
            engine=engine,
            workers=workers,
            build_index=_with_spinner if spinner else index_for,
        )
        source_pairs = job.pairs()
    except (ValueError, OSError, RuntimeError) as exc:  # user errors; RuntimeError: no Spark
        raise _fail(str(exc)) from None
    for problem in job.loaded.errors:
        typer.echo(f"laborlens screen: warning: list row skipped: {problem}", err=True)
    pairs = _progress(source_pairs, spinner, job.total_rows())
    options: dict[str, object] = {}
    if out_fmt in ("table", "html"):
        options["limit"] = limit
    if out_fmt == "table" and not to_terminal:
        options.update(color=False, width=160)
    try:
        summary = write_report(pairs, out_fmt, output, job.meta(), options)
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except USER_ERRORS as exc:
        raise _fail(str(exc)) from None
    if output is not None and not quiet:
        typer.echo(f"laborlens screen: wrote {output} ({out_fmt}): {summary.line()}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``laborlens screen`` to the app."""
    app.command("screen", no_args_is_help=True, help=_HELP)(screen_command)


_HELP = (
    "Screen supplier / party records against the forced-labour lists and regimes.\n\n"
    "One output record per input row, in input order; rows that cannot be screened get an "
    "output record with `errors`. Exit code 0 when screening ran, 2 for unusable input or "
    "arguments. See docs/screen.md."
)


__all__ = ["FORMATS", "parse_as_of", "register", "screen_command"]
