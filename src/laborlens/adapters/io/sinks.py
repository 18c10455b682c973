"""Where encoded chunks go: JSON Lines or Parquet files (or standard output), in input order.

A sink receives the :class:`~laborlens.adapters.io.encode.Chunk` of each chunk of input in order
and only copies bytes, so the process writing the output does almost nothing per row. A compact
JSON Lines output starts with a run header line and writes each explanation block (the regimes'
reasons, citations and evidence) once, on a line of its own just before the first row that
refers to it; a compact Parquet output keeps the same table in its file metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO, Protocol

import orjson

from laborlens.adapters.io.encode import COMPACT_VERSION, Chunk, Shape
from laborlens.adapters.io.resume import Progress
from laborlens.adapters.io.writers import ReportMeta, Summary

__all__ = ["JsonlSink", "Sink", "open_sink", "run_header"]

_RISKS = ("high", "medium", "low", "none")


class Sink(Protocol):
    """Writes chunks in order; ``close`` finishes the output and returns the counts."""

    def write(self, chunk: Chunk) -> None: ...

    def close(self) -> Summary: ...


def run_header(meta: ReportMeta, shape: Shape) -> dict[str, Any]:
    """What a compact output states once about its run."""
    return {
        "format": COMPACT_VERSION,
        "laborlens": meta.version,
        "as_of": meta.as_of.isoformat(),
        "generated": meta.generated.isoformat(timespec="seconds"),
        "explain": shape.explain,
        "inputs": list(meta.inputs),
        "algorithms": list(meta.algorithms),
        "lists": [
            {
                "list": info.list_id,
                "version": info.version,
                "complete": info.complete,
                **({"note": info.completeness_note} if info.completeness_note else {}),
            }
            for info in meta.lists
        ],
    }


def add_counts(summary: Summary, counts: tuple[int, ...]) -> None:
    """Add a chunk's counts (see :attr:`Chunk.counts`) to ``summary``."""
    summary.rows += counts[0]
    for risk, n in zip(_RISKS, counts[1:5], strict=True):
        if n:
            summary.by_risk[risk] += n
    summary.with_findings += counts[5]
    summary.with_errors += counts[6]


class JsonlSink:
    """JSON Lines: full rows as they come; compact rows with the header and explanations."""

    def __init__(
        self, out: BinaryIO, shape: Shape, meta: ReportMeta, resumed: Progress | None = None
    ) -> None:
        self.out = out
        self.shape = shape
        self.summary = resumed.summary if resumed else Summary()
        self.definitions: dict[str, bytes] = {}  # every block received, by reference
        self.written: set[str] = set(resumed.refs) if resumed else set()
        if not shape.full and resumed is None:
            out.write(orjson.dumps({"run": run_header(meta, shape)}) + b"\n")

    def write(self, chunk: Chunk) -> None:
        self.definitions.update(chunk.definitions)
        lines = []
        for ref in chunk.refs:
            if ref not in self.written:
                self.written.add(ref)
                # the block's JSON is embedded as it came: no re-encoding
                lines.append(
                    b'{"explanation":"' + ref.encode() + b'","regimes":'
                    + self.definitions[ref] + b"}\n"
                )  # fmt: skip
        if lines:
            self.out.write(b"".join(lines))
        self.out.write(chunk.data)
        add_counts(self.summary, chunk.counts)

    def close(self) -> Summary:
        self.out.flush()
        return self.summary


def open_sink(
    out: BinaryIO | str, shape: Shape, meta: ReportMeta, resumed: Progress | None = None
) -> Sink:
    """The sink for ``shape`` writing to ``out`` (Parquet needs a file path); ``resumed``: what a
    partial output being continued already holds (JSON Lines)."""
    if shape.fmt == "parquet":
        from laborlens.adapters.io.parquet_out import ParquetSink

        if not isinstance(out, str):
            raise ValueError("parquet output needs a file path")
        return ParquetSink(out, shape, meta)
    if isinstance(out, str):
        raise ValueError("JSON Lines output is written to an open binary stream")
    return JsonlSink(out, shape, meta, resumed)


def write_chunks(chunks: Iterable[Chunk], sink: Sink) -> Summary:
    """Write every chunk, in order, then close the sink."""
    for chunk in chunks:
        sink.write(chunk)
    return sink.close()
