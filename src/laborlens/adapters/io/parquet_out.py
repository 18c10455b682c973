"""Parquet output: one row per input row, flat columns, the explanation table in the metadata.

Columns: ``source``, ``row``, ``id``, ``name`` (the input's name), ``country``, ``risk``, one
``outcome_<regime>`` column per regime, ``explanation`` (the reference of the row's regimes
block), ``findings`` (the compact findings as a JSON array; with ``--explain`` each has its
``why``), ``errors`` (a list of texts), then the input's extra columns (as text; prefixed
``input_`` when the name is taken) and, with ``--full``, ``record``: the full JSON record. The
file's key-value metadata holds ``laborlens.run`` (the run header) and
``laborlens.explanations`` (reference -> regimes block, every block the rows refer to).

Workers build Arrow record batches and send them as IPC streams; the writing process buffers
them into row groups of about 64k rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from laborlens.adapters.io.encode import Chunk, Shape
from laborlens.adapters.io.sinks import add_counts, run_header
from laborlens.adapters.io.writers import ReportMeta, Summary
from laborlens.core.model import Record, ScreenResult

if TYPE_CHECKING:
    from laborlens.adapters.io.encode import Encoder

__all__ = ["ParquetSink", "encode_batch", "schema", "write_parquet"]

_FIXED = ("source", "row", "id", "name", "country", "risk")
ROW_GROUP_ROWS = 65_536


def _extra_names(shape: Shape) -> list[str]:
    taken = {*_FIXED, *(f"outcome_{r}" for r in shape.regimes), "explanation", "findings"}
    taken |= {"errors", "record"}
    return [f"input_{h}" if h in taken else h for h in shape.extras]


def schema(shape: Shape) -> pa.Schema:
    """The Arrow schema of a Parquet output of ``shape``."""
    fields = [
        pa.field("source", pa.string()),
        pa.field("row", pa.int64()),
        pa.field("id", pa.string()),
        pa.field("name", pa.string()),
        pa.field("country", pa.string()),
        pa.field("risk", pa.string()),
        *(pa.field(f"outcome_{r}", pa.string()) for r in shape.regimes),
        pa.field("explanation", pa.string()),
        pa.field("findings", pa.string()),
        pa.field("errors", pa.list_(pa.string())),
        *(pa.field(name, pa.string()) for name in _extra_names(shape)),
    ]
    if shape.full:
        fields.append(pa.field("record", pa.string()))
    return pa.schema(fields)


def encode_batch(
    encoder: Encoder, pairs: Sequence[tuple[Record, ScreenResult]], refs: dict[str, None]
) -> bytes:
    """An Arrow IPC stream holding the rows of ``pairs`` (``refs`` gets the references used)."""
    shape = encoder.shape
    cols: dict[str, list[Any]] = {f.name: [] for f in schema(shape)}
    outcome_cols = [(r, cols[f"outcome_{r}"]) for r in shape.regimes]
    extra_cols = list(zip(shape.extras, (cols[n] for n in _extra_names(shape)), strict=True))
    dumps = orjson.dumps
    for record, result in pairs:
        row, ref = encoder.compact(result)
        refs[ref] = None
        cols["source"].append(result.source)
        cols["row"].append(result.row)
        cols["id"].append(result.id)
        cols["name"].append(record.name)
        cols["country"].append(result.country)
        cols["risk"].append(result.risk)
        outcomes = row["outcomes"]
        for regime, column in outcome_cols:
            column.append(outcomes.get(regime))
        cols["explanation"].append(ref)
        cols["findings"].append(dumps(row.get("findings", ())).decode())
        cols["errors"].append(row.get("errors", []))
        extra = dict(result.extra)
        for header, column in extra_cols:
            column.append(extra.get(header))
        if shape.full:
            cols["record"].append(dumps(result.to_dict(encoder.parts)).decode())
    batch = pa.RecordBatch.from_pydict(cols, schema=schema(shape))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return bytes(sink.getvalue())


class ParquetSink:
    """Buffers the workers' batches into row groups; writes the explanation table at close."""

    def __init__(self, path: str, shape: Shape, meta: ReportMeta) -> None:
        self.shape = shape
        self.meta = meta
        self.schema = schema(shape)
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.summary = Summary()
        self.definitions: dict[str, bytes] = {}
        self.used: dict[str, None] = {}

    def write(self, chunk: Chunk) -> None:
        self.definitions.update(chunk.definitions)
        self.used.update(dict.fromkeys(chunk.refs))
        add_counts(self.summary, chunk.counts)
        if not chunk.data:
            return
        batch = pa.ipc.open_stream(chunk.data).read_next_batch()
        self.pending.append(batch)
        self.pending_rows += batch.num_rows
        if self.pending_rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending, self.schema))
        self.pending, self.pending_rows = [], 0

    def close(self) -> Summary:
        self._flush()
        table = b"{" + b",".join(
            orjson.dumps(ref) + b":" + self.definitions[ref] for ref in self.used
        ) + b"}"  # fmt: skip
        self.writer.add_key_value_metadata(
            {
                "laborlens.run": orjson.dumps(run_header(self.meta, self.shape)),
                "laborlens.explanations": table,
            }
        )
        self.writer.close()
        return self.summary


def write_parquet(
    pairs: Iterable[tuple[ScreenResult, Record | None]],
    path: str | Path,
    meta: ReportMeta,
    *,
    full: bool = False,
    explain: bool = False,
    chunk_rows: int = 2000,
) -> Summary:
    """Write results (in this process) as a Parquet file; see the module docstring."""
    from laborlens.adapters.io.encode import Encoder

    items = iter(pairs)
    first = next(items, None)
    regimes = tuple(o.regime for o in first[0].regimes) if first else ()
    shape = Shape("parquet", full, explain, regimes, meta.extra_columns)
    encoder = Encoder(shape)
    sink = ParquetSink(str(path), shape, meta)
    chunk: list[tuple[Record, ScreenResult]] = []
    for result, record in chain([first] if first else [], items):
        chunk.append((record or _NO_RECORD, result))
        if len(chunk) >= chunk_rows:
            sink.write(encoder.encode(chunk))
            chunk = []
    if chunk:
        sink.write(encoder.encode(chunk))
    return sink.close()


_NO_RECORD = Record(0, "")
