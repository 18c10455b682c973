"""``laborlens screen``: screen supplier / party files against the forced-labour lists.

Thin: parse arguments, call :mod:`laborlens.ops.screening`, render with
:mod:`laborlens.adapters.io.writers`. Unusable input or arguments exit with code 2 and one
message naming the file, row and column; screening that ran exits 0 whatever it found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from laborlens.adapters.io.atomic import atomic_output, sweep_leftovers
from laborlens.adapters.io.readers import InputError, RecordStream
from laborlens.adapters.io.writers import (
    FORMATS,
    OutputError,
    Pair,
    ReportMeta,
    Summary,
    choose_format,
    write_results,
)
from laborlens.core.lists import ListError, ListSet
from laborlens.core.model import Record, ScreenResult
from laborlens.core.resources import ResourceError
from laborlens.core.screen import ScreeningIndex
from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.screening import index_for, load_lists_checked, open_inputs, screen_pairs
from laborlens.settings import Settings

#: Inputs smaller than this are screened in-process (starting workers would cost more).
_SMALL_INPUT_BYTES = 2 * 1024 * 1024


def _fail(message: str) -> typer.Exit:
    return fail("screen", " ".join(message.split()))  # one line, whatever a library said


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


def _build_index(lists: ListSet, spinner: bool) -> ScreeningIndex:
    if not spinner:
        return index_for(lists)
    from rich.console import Console

    with Console(stderr=True).status("compiling the reference lists…"):
        return index_for(lists)


def _workers(requested: int | None, streams: list[RecordStream], settings: Settings) -> int:
    if requested is not None:
        return requested
    size = 0
    for stream in streams:
        try:
            size += stream.path.stat().st_size
        except OSError:
            size += _SMALL_INPUT_BYTES
    return 1 if size < _SMALL_INPUT_BYTES else settings.workers


def _delimiter(stream: RecordStream) -> str:
    """The delimiter that splits the header line into the columns the reader found."""
    if stream.format == "tsv":
        return "\t"
    with stream.path.open(encoding=stream.encoding or "utf-8", errors="replace") as fh:
        first = fh.readline()
    width = len(stream.columns.headers)
    for sep in (",", ";", "\t", "|"):
        if len(first.split(sep)) == width:
            return sep
    return ","


def _spark_pairs(
    streams: list[RecordStream], index: ScreeningIndex, day: date, workers: int
) -> Iterator[tuple[Record, ScreenResult]]:
    from laborlens.adapters.engine import spark

    session = spark.local_session(cores=max(1, workers))  # fails here, before any output

    def pairs() -> Iterator[tuple[Record, ScreenResult]]:
        for stream in streams:
            try:
                df = spark.read_input(
                    session,
                    str(stream.path),
                    stream.format,
                    encoding=stream.encoding,
                    delimiter=_delimiter(stream),
                )
                yield from spark.screen_pairs_spark(df, index, day, source=stream.name)
            except (ValueError, InputError):
                raise
            except Exception as exc:  # a Spark/Java failure: report it, never a traceback
                raise InputError(f"{stream.name}: the Spark engine failed: {exc}") from exc

    return pairs()


def _results(pairs: Iterator[tuple[Record, ScreenResult]]) -> Iterator[Pair]:
    for record, result in pairs:
        yield result, record


def screen_command(  # noqa: PLR0917 - one parameter per CLI option
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Files to screen: CSV/TSV (UTF-8, GB18030/GBK, UTF-16; .gz ok), XLSX, "
            "Parquet, JSON Lines.",
            show_default=False,
        ),
    ],
    list_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--list-file",
            help="Add a user list (CSV/XLSX with id,name,aliases,address,country,"
            "registration_id; list id = file stem unless a 'list' column says otherwise). "
            "Repeatable.",
            show_default=False,
        ),
    ] = None,
    lists: Annotated[
        list[str] | None,
        typer.Option(
            "--lists",
            help="Screen only against these list ids (comma-separated or repeated; bundled or "
            "user list ids). See 'laborlens lists'.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Evaluate lists and regimes as they stood on this date (YYYY-MM-DD). "
            "Default: today.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table|jsonl|csv|xlsx|html. Default: from the --output suffix; "
            "else table on a terminal, jsonl when piped.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (omitted or '-': standard output).",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of CSV/JSONL inputs and list files "
            "(default: detected), e.g. gb18030, utf-16, cp1252.",
            show_default=False,
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help="XLSX inputs: the worksheet to read, by name or 1-based number (default: the "
            "first sheet with a column to screen; the one read is named on stderr).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Worker processes (default: CPU count, max 8; small inputs run in-process).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            help="table/html: show at most this many rows with findings "
            "(the worst); counts always cover every row.",
        ),
    ] = 500,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local (processes on this machine) or spark (needs the 'spark' extra and "
            "Java; CSV with the header on its first line, Parquet or JSON Lines). Results "
            "are identical.",
        ),
    ] = "local",
) -> None:
    """Screen supplier / party records against the forced-labour lists and regimes.

    One output record per input row, in input order; rows that cannot be screened get an
    output record with `errors`. Exit code 0 when screening ran, 2 for unusable input or
    arguments.
    """
    settings = Settings.from_env()
    if output is not None and str(output) == "-":
        output = None  # '-' means standard output, as in most Unix tools
    try:
        day = parse_as_of(as_of)
        if workers is not None and workers < 1:
            raise ValueError(f"--workers: must be 1 or more, got {workers}")
        if limit < 1:
            raise ValueError(f"--limit: must be 1 or more, got {limit}")
        if engine not in ("local", "spark"):
            raise ValueError(f"--engine: unknown engine '{engine}'; use local or spark")
        to_terminal = output is None and sys.stdout.isatty()
        out_fmt = choose_format(fmt, output, to_terminal)
        if output is not None and not output.absolute().parent.is_dir():
            raise ValueError(f"--output {output}: the folder {output.parent} does not exist")
        loaded = load_lists_checked(list_file or (), lists, encoding, data_dir=settings.data_dir)
        streams = open_inputs(
            inputs, encoding=encoding, batch_size=settings.batch_size, sheet=sheet
        )
        index = _build_index(loaded.lists, not quiet and sys.stderr.isatty())
    except (ValueError, OSError) as exc:  # InputError, ListError, OutputError, ResourceError
        raise _fail(str(exc)) from None
    for problem in loaded.errors:
        typer.echo(f"laborlens screen: warning: list row skipped: {problem}", err=True)
    for stream in streams:
        for note in stream.warnings:
            typer.echo(f"laborlens screen: warning: {note}", err=True)
    if output is not None:
        for note in sweep_leftovers(output):
            typer.echo(f"laborlens screen: note: {note}", err=True)

    extras: dict[str, None] = {}
    for stream in streams:
        extras.update(dict.fromkeys(stream.columns.extra_headers()))
    meta = ReportMeta(
        as_of=day,
        lists=tuple(rl.info for rl in loaded.lists.lists),
        inputs=tuple(s.name for s in streams),
        algorithms=index.algorithms(),
        extra_columns=tuple(extras),
    )
    n_workers = _workers(workers, streams, settings)
    show_progress = not quiet and sys.stderr.isatty()
    estimates = [s.estimated_rows for s in streams]
    total = sum(e for e in estimates if e is not None) if None not in estimates else None
    if engine == "spark":
        packed = [s.name for s in streams if s.path.suffix.lower() in (".zip", ".xz")]
        if packed:
            raise _fail(f"{packed[0]}: the Spark engine cannot read .zip or .xz; unpack it first")
        try:
            source_pairs = _spark_pairs(streams, index, day, n_workers)
        except (ValueError, RuntimeError) as exc:
            raise _fail(str(exc)) from None
    else:
        source_pairs = screen_pairs(streams, index, day, n_workers)
    pairs = _results(_progress(source_pairs, show_progress, total))
    options: dict[str, object] = {}
    if out_fmt in ("table", "html"):
        options["limit"] = limit
    if out_fmt == "table" and not to_terminal:
        options.update(color=False, width=160)
    try:
        summary = _write(pairs, out_fmt, output, meta, options)
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except (InputError, ListError, OutputError, ResourceError, OSError) as exc:
        raise _fail(str(exc)) from None
    if output is not None and not quiet:
        rows = f"{summary.rows} row{'s' if summary.rows != 1 else ''}"
        typer.echo(
            f"laborlens screen: wrote {rows} to {output} ({out_fmt}): {summary.counts()}",
            err=True,
        )


def _write(
    pairs: Iterator[Pair],
    fmt: str,
    output: Path | None,
    meta: ReportMeta,
    options: dict[str, object],
) -> Summary:
    if output is None:
        return write_results(pairs, fmt, sys.stdout, meta, **options)
    # written next to the target and renamed at the end: a failed or killed run leaves no
    # half report under the target name
    with atomic_output(output) as partial:
        return write_results(pairs, fmt, partial, meta, **options)


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
