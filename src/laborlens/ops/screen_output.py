"""Writing what ``laborlens screen`` produced: encoded chunks (JSON Lines, Parquet) or a report.

Every output file is written under a temporary name next to its target and renamed at the end
(``adapters/io/atomic.py``): a failed or killed run never leaves a file under the target's name
that looks complete. A JSON Lines run that is killed or interrupted leaves its temporary file
behind; ``--resume`` takes it over (:func:`resume_point`), cuts it to its last complete line and
appends the rows it does not hold yet.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from laborlens.adapters.io.atomic import adopt_leftover, atomic_output, sweep_leftovers
from laborlens.adapters.io.encode import Chunk, Shape
from laborlens.adapters.io.resume import Progress, ResumeError, inspect_partial, truncate
from laborlens.adapters.io.sinks import open_sink, run_header, write_chunks
from laborlens.adapters.io.writers import OutputError, Pair, ReportMeta, Summary, write_results
from laborlens.core.model import Record, ScreenResult

__all__ = ["Progress", "resume_point", "sweep_leftovers", "write_encoded", "write_report"]

#: A JSON Lines output interrupted by these (Ctrl-C) or refused for resuming is kept to resume.
_KEEP_JSONL: tuple[type[BaseException], ...] = (KeyboardInterrupt, ResumeError)


def resume_point(output: Path, shape: Shape, meta: ReportMeta) -> Progress | None:
    """What the partial output a killed run left for ``output`` already holds (``None``: there
    is none). It is taken over by this process and cut to its last complete line, ready for
    :func:`write_encoded` to continue; call this before ``sweep_leftovers(output)``.

    Raises:
        ResumeError: it cannot be continued (another shape, other inputs, lists or date).
    """
    if shape.fmt != "jsonl":
        raise ResumeError(f"--resume continues JSON Lines outputs, not {shape.fmt}")
    partial = adopt_leftover(output)
    if partial is None:
        return None
    progress = inspect_partial(partial, shape)
    if progress.header is not None:
        was = {k: progress.header.get(k) for k in ("as_of", "inputs", "lists")}
        now = run_header(meta, shape)
        if was != {k: now[k] for k in was}:
            raise ResumeError(
                f"the partial output of {output} was written for other inputs, lists or "
                "--as-of; run without --resume to start again"
            )
    truncate(partial, progress.valid_bytes)
    return progress


def write_encoded(
    chunks: Iterable[Chunk],
    shape: Shape,
    output: Path | None,
    meta: ReportMeta,
    resumed: Progress | None = None,
) -> Summary:
    """Write encoded chunks (see ``ScreenJob.chunks``) to ``output`` or standard output.

    ``resumed`` (from :func:`resume_point`) continues the partial output of a killed run; a
    JSON Lines run killed or interrupted again leaves it for the next ``--resume``.
    """
    if output is None:
        if shape.fmt == "parquet":
            raise OutputError("--format parquet needs --output FILE.parquet")
        sys.stdout.flush()
        return write_chunks(chunks, open_sink(sys.stdout.buffer, shape, meta))
    if shape.fmt == "parquet":
        with atomic_output(output) as partial:
            return write_chunks(chunks, open_sink(str(partial), shape, meta))
    with (
        atomic_output(output, resume=resumed is not None, keep_on=_KEEP_JSONL) as partial,
        partial.open("ab" if resumed else "wb") as handle,
    ):
        return write_chunks(chunks, open_sink(handle, shape, meta, resumed))


def write_report(
    pairs: Iterable[tuple[Record, ScreenResult]],
    fmt: str,
    output: Path | None,
    meta: ReportMeta,
    options: Mapping[str, object],
) -> Summary:
    """Write the results to ``output`` (standard output when ``None``) in ``fmt``.

    A file is written next to its target and renamed at the end: a failed or killed run leaves
    no half report under the target name.
    """
    results: Iterator[Pair] = ((result, record) for record, result in pairs)
    if output is None:
        return write_results(results, fmt, sys.stdout, meta, **options)
    with atomic_output(output) as partial:
        return write_results(results, fmt, partial, meta, **options)
