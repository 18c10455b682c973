"""Resuming a killed run: what a partial JSON Lines output already holds.

A run killed while writing leaves its temporary output (``.NAME.partial``) with every chunk it
wrote whole and perhaps part of a last line. :func:`inspect_partial` reads it back: the length of
the complete lines, the rows written (with their counts for the summary), the explanation blocks
already defined (compact shape) and the last row, so that the next run can cut the file to its
last complete line, skip that many input records and append the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from laborlens.adapters.io.encode import COMPACT_VERSION, Shape
from laborlens.adapters.io.writers import Summary
from laborlens.core.model import Record

__all__ = ["Progress", "ResumeError", "inspect_partial", "skip_done", "truncate"]

_RISKS = ("high", "medium", "low", "none")


class ResumeError(ValueError):
    """The partial output cannot be continued (another shape, other inputs, unreadable)."""


@dataclass(slots=True)
class Progress:
    """What a partial output holds.

    Attributes:
        valid_bytes: length of its complete lines (the rest is cut off).
        rows: rows written.
        summary: their counts, as the final summary line gives them.
        refs: explanation references already defined (compact shape).
        header: the run header (compact shape).
        last: ``(source, row, id)`` of the last row written.
    """

    valid_bytes: int = 0
    rows: int = 0
    summary: Summary = field(default_factory=Summary)
    refs: set[str] = field(default_factory=set)
    header: dict[str, Any] | None = None
    last: tuple[str | None, int, str] | None = None


def _count(progress: Progress, row: dict[str, Any], full: bool) -> None:
    progress.rows += 1
    s = progress.summary
    s.rows += 1
    risk = row.get("risk")
    if risk in _RISKS:
        s.by_risk[risk] += 1
    s.with_findings += bool(row.get("findings"))
    s.with_errors += bool(row.get("errors"))
    progress.last = (row.get("source"), int(row["row"]), str(row["id"]))
    if ("outcomes" in row) == full:  # compact rows have outcomes, full records regimes
        raise ResumeError("the partial output has another shape (full or --compact)")


def inspect_partial(path: Path, shape: Shape) -> Progress:
    """Read a partial JSON Lines output of ``shape``.

    Raises:
        ResumeError: not JSON Lines of this shape.
    """
    if shape.fmt != "jsonl":
        raise ResumeError(f"--resume continues JSON Lines outputs, not {shape.fmt}")
    progress = Progress()
    offset = 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break  # the line being written when the run was killed
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError:
                break
            offset += len(line)
            progress.valid_bytes = offset
            if "row" in item:
                _count(progress, item, shape.full)
            elif "explanation" in item:
                progress.refs.add(str(item["explanation"]))
            elif "run" in item and progress.header is None and offset == len(line):
                progress.header = item["run"]
            else:
                raise ResumeError(f"{path}: line {progress.rows + 1} is not a laborlens row")
    if not shape.full and progress.valid_bytes and progress.header is None:
        raise ResumeError(f"{path}: no {COMPACT_VERSION} header; it is not a compact output")
    return progress


def truncate(path: Path, length: int) -> None:
    """Cut ``path`` to its first ``length`` bytes (its complete lines)."""
    with path.open("r+b") as handle:
        handle.truncate(length)


def skip_done(batches: Iterable[list[Record]], progress: Progress) -> Iterator[list[Record]]:
    """``batches`` without the records a partial output already holds.

    Raises:
        ResumeError: the last record skipped is not the last row written (other inputs).
    """
    left = progress.rows
    last: Record | None = None
    for batch in batches:
        if left:
            if len(batch) <= left:
                left -= len(batch)
                last = batch[-1]
                if left:
                    continue
                batch = []
            else:
                last = batch[left - 1]
                batch = batch[left:]
                left = 0
            if last is not None and (last.source, last.row, last.id) != progress.last:
                raise ResumeError(
                    f"the partial output ends with row {progress.last}, but row "
                    f"{progress.rows} of the inputs is {(last.source, last.row, last.id)}: it was "
                    "written for other inputs; remove it or run without --resume"
                )
            if not batch:
                continue
        yield batch
    if left:
        raise ResumeError(
            f"the partial output holds {progress.rows} rows, more than the inputs have"
        )
