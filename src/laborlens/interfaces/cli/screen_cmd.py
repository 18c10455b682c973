"""``laborlens screen``: screen supplier / party files against the forced-labour lists.

Thin: parse arguments, then :mod:`laborlens.ops.screening` opens the inputs, runs the chosen
engine and writes the report. Unusable input or arguments exit with code 2 and one
message naming the file, row and column; screening that ran exits 0 whatever it found.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.screen_output import (
    Progress,
    resume_point,
    sweep_leftovers,
    write_encoded,
    write_report,
)
from laborlens.ops.screening import (
    ENCODED_FORMATS,
    FORMATS,
    USER_ERRORS,
    ListSet,
    ScreeningIndex,
    ScreenJob,
    Summary,
    choose_format,
    index_for,
    open_job,
)
from laborlens.settings import Settings

#: what a refused ``--resume`` raises: a user error, or arguments that do not go with it
_RESUME_ERRORS: tuple[type[Exception], ...] = (*USER_ERRORS, ValueError)


def _fail(message: str) -> typer.Exit:
    return fail("screen", " ".join(message.split()))  # one line, whatever a library said


_T = TypeVar("_T")


def _progress(items: Iterator[_T], rows_of: Callable[[_T], int], total: int | None) -> Iterator[_T]:
    """A progress bar on stderr: rows done, rows per second, and time left when the row count
    is known (``rows_of`` says how many rows an item carries)."""
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
        TextColumn("rows · {task.fields[rate]} rows/s ·"),
        TimeElapsedColumn(),
        TextColumn("· left"),
        TimeRemainingColumn(),
    )
    start = time.monotonic()
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("screen", total=total, rate="–")
        n = shown = 0
        for item in items:
            n += rows_of(item)
            if n - shown >= 100:
                shown = n
                # the total of a CSV is an estimate: never let the bar claim more than it knows
                if total is not None and n >= total:
                    bar.update(task, total=n + 100)
                rate = n / max(time.monotonic() - start, 1e-6)
                bar.update(task, completed=n, rate=f"{rate:,.0f}")
            yield item
        bar.update(task, total=n, completed=n)


def _with_spinner(lists: ListSet, cache_dir: Path | None) -> ScreeningIndex:
    from rich.console import Console

    with Console(stderr=True).status("loading the compiled reference lists…"):
        return index_for(lists, cache_dir)


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
        help="Output format: table|jsonl|csv|xlsx|html|parquet. Default: from the --output "
        "suffix; else table on a terminal, jsonl when piped.",
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
_Sheet = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="XLSX inputs: the worksheet to read, by name or 1-based number (default: the "
        "first sheet with a column to screen; the one read is named on stderr).",
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
_Compact = Annotated[
    bool,
    typer.Option(
        "--compact",
        help="jsonl: one compact row per input row (regime outcomes and a reference to "
        "explanations written once per run) instead of the full record. Parquet is compact "
        "unless --full.",
    ),
]
_Full = Annotated[
    bool, typer.Option("--full", help="parquet: add the full JSON record of every row.")
]
_Explain = Annotated[
    bool,
    typer.Option(
        "--explain",
        help="table: every finding with its explanation; compact jsonl/parquet: each "
        "finding's explanation ('why').",
    ),
]
_ShowProgress = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress bar with rows/s on stderr (default: when stderr is a terminal).",
        show_default=False,
    ),
]
_Resume = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Continue the JSON Lines output of a run that was killed (same inputs and "
        "options): rows already written are kept and not screened again.",
    ),
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
    sheet: _Sheet = None,
    workers: _Workers = None,
    limit: _Limit = 500,
    quiet: _Quiet = False,
    engine: _Engine = "local",
    compact: _Compact = False,
    full: _Full = False,
    explain: _Explain = False,
    progress: _ShowProgress = None,
    resume: _Resume = False,
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
    show_progress = not quiet and (sys.stderr.isatty() if progress is None else progress)
    try:
        day = parse_as_of(as_of)
        if limit < 1:
            raise ValueError(f"--limit: must be 1 or more, got {limit}")
        if compact and full:
            raise ValueError("--compact and --full: choose one")
        if resume and output is None:
            raise ValueError("--resume: continues an output file; give --output")
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
            sheet=sheet,
            output=output,
            build_index=_with_spinner if spinner else index_for,
        )
    except (ValueError, OSError, RuntimeError) as exc:  # user errors; RuntimeError: no Spark
        raise _fail(str(exc)) from None
    _warn(job)
    how = _How(limit, explain, full or (out_fmt == "jsonl" and not compact), show_progress,
               to_terminal)  # fmt: skip
    try:
        # a partial output to continue is taken over before the sweep removes leftovers
        done = _resume(job, out_fmt, output, how, quiet) if resume and output else None
    except _RESUME_ERRORS as exc:
        raise _fail(str(exc)) from None
    for note in sweep_leftovers(output) if output is not None else ():
        typer.echo(f"laborlens screen: note: {note}", err=True)
    try:
        summary = _write(job, out_fmt, output, how, done)
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except USER_ERRORS as exc:
        raise _fail(str(exc)) from None
    if output is not None and not quiet:
        rows = f"{summary.rows} row{'s' if summary.rows != 1 else ''}"
        typer.echo(
            f"laborlens screen: wrote {rows} to {output} ({out_fmt}): {summary.counts()}",
            err=True,
        )


@dataclass(frozen=True, slots=True)
class _How:
    """How to write the output (from the options)."""

    limit: int
    explain: bool
    full: bool
    progress: bool
    to_terminal: bool


def _warn(job: ScreenJob) -> None:
    """Say on stderr what was skipped in the lists or noticed in the inputs."""
    for problem in job.loaded.errors:
        typer.echo(f"laborlens screen: warning: list row skipped: {problem}", err=True)
    for stream in job.streams:
        for note in stream.warnings:
            typer.echo(f"laborlens screen: warning: {note}", err=True)


def _resume(job: ScreenJob, out_fmt: str, output: Path, how: _How, quiet: bool) -> Progress | None:
    """What the partial output of a killed run holds, taken over to be continued."""
    if out_fmt != "jsonl":
        raise ValueError(f"--resume continues JSON Lines outputs, not {out_fmt}")
    shape = job.shape(out_fmt, full=how.full, explain=how.explain)
    done = resume_point(output, shape, job.meta())
    if not quiet:
        where = f"after row {done.rows:,}" if done else "from the first row (no partial output)"
        typer.echo(f"laborlens screen: resuming {where}", err=True)
    return done


def _write(
    job: ScreenJob, out_fmt: str, output: Path | None, how: _How, done: Progress | None
) -> Summary:
    """Screen and write: encoded by the workers (JSON Lines, Parquet) or as a report; ``done``:
    what the partial output being continued holds."""
    if out_fmt in ENCODED_FORMATS:
        shape = job.shape(out_fmt, full=how.full, explain=how.explain)
        chunks = job.chunks(shape, done)
        if how.progress:
            chunks = _progress(chunks, lambda c: c.counts[0], job.total_rows())
        return write_encoded(chunks, shape, output, job.meta(), done)
    options: dict[str, object] = {}
    if out_fmt in ("table", "html"):
        options["limit"] = how.limit
    if out_fmt == "table":
        options["explain"] = how.explain
        if not how.to_terminal:
            options.update(color=False, width=160)
    pairs = job.pairs()
    if how.progress:
        pairs = _progress(pairs, lambda _: 1, job.total_rows())
    return write_report(pairs, out_fmt, output, job.meta(), options)


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
