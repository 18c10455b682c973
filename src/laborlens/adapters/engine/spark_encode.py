"""Spark at scale: partition the input by size, screen and encode each partition on an executor,
and hand the encoded chunks back in input order.

* The rows are numbered in input order, then range-partitioned by that number into partitions
  of about :data:`ROWS_PER_PARTITION` rows (at least two per core), each sorted by row number.
* The compiled index travels once per executor: it is broadcast as the bytes of the on-disk
  index cache (dataclasses by field values: quick to load) and loaded once per Python worker
  process, which Spark reuses from task to task.
* Each Arrow batch of a partition (``mapInArrow``) is screened with the pure ``screen_batch``
  and encoded with the same :class:`~laborlens.adapters.io.encode.Encoder` as the local engine.
  The bytes go to a file per task in a staging folder; the task returns one small metadata row
  per chunk (rows, counts, explanation references, where the bytes are, CPU seconds).
* The driver collects the metadata in one job (every partition runs in parallel), orders it by
  row number and reads the chunks back from the staging folder in order.

On a cluster the staging folder must be on storage that the driver and the executors share.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.io.encode import Chunk, Encoder, Shape
from laborlens.core.records import ColumnMap, build_record
from laborlens.core.screen import Distinct, ScreeningIndex, screen_batch

__all__ = [
    "BATCH_ROWS",
    "ROWS_PER_PARTITION",
    "PartitionCost",
    "encode_dataframe",
    "partitions_for",
]

ROW_COLUMN = "__laborlens_row"
#: rows per partition (a partition is screened by one core: a few seconds to a minute)
ROWS_PER_PARTITION = 10_000
#: rows per Arrow batch, hence per encoded chunk (as the local engine's batches)
BATCH_ROWS = 2000
_META = (
    "first_row long, last_row long, partition long, path string, offset long, length long, "
    "counts array<long>, refs array<string>, definitions binary, cpu double, wall double"
)


@dataclass(frozen=True, slots=True)
class PartitionCost:
    """What one partition cost on its executor core."""

    partition: int
    rows: int
    cpu_seconds: float
    wall_seconds: float


def partitions_for(rows: int | None, cores: int) -> int:
    """Partitions for about ``rows`` rows: :data:`ROWS_PER_PARTITION` each, two a core at least."""
    least = 2 * max(1, cores)
    if rows is None:
        return least
    return max(least, math.ceil(rows / ROWS_PER_PARTITION))


def with_row_numbers(df: Any) -> Any:
    """``df`` with a 1-based, gap-free row number in input order (``__laborlens_row``)."""
    from pyspark.sql.types import LongType, StructField, StructType

    schema = StructType([*df.schema.fields, StructField(ROW_COLUMN, LongType(), False)])
    rdd = df.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + 1))
    return df.sparkSession.createDataFrame(rdd, schema)


def numbered(df: Any) -> tuple[Any, list[str], ColumnMap]:
    """``df`` numbered (unless it already is), its input headers and their column map."""
    if ROW_COLUMN not in df.columns:
        df = with_row_numbers(df)
    headers = [c for c in df.columns if c != ROW_COLUMN]
    return df, headers, ColumnMap.from_headers(headers)


def partitioned(df: Any, rows: int | None, cores: int) -> Any:
    """A numbered ``df`` in contiguous row ranges, each sorted by row number."""
    n = partitions_for(rows, cores)
    return df.repartitionByRange(n, ROW_COLUMN).sortWithinPartitions(ROW_COLUMN)


_LOADED: list[tuple[bytes, ScreeningIndex, Distinct]] = []


def _index_of(payload: bytes) -> tuple[ScreeningIndex, Distinct]:
    """The index broadcast as ``payload``, loaded once per Python worker process."""
    for known, index, memo in _LOADED:
        if known is payload:
            return index, memo
    gc.disable()
    try:
        index = pickle.loads(payload)
    finally:
        gc.enable()
    gc.freeze()
    _LOADED[:] = [(payload, index, Distinct())]
    return index, _LOADED[0][2]


def _records(batch: Any, headers: list[str], columns: ColumnMap, source: str | None) -> list[Any]:
    data = batch.to_pydict()
    rows = data[ROW_COLUMN]
    cells = [data[h] for h in headers]
    return [
        build_record([col[i] for col in cells], columns, int(rows[i]), source)
        for i in range(batch.num_rows)
    ]


def encode_dataframe(
    df: Any,
    index_bytes: Any,
    as_of: date,
    shape: Shape,
    *,
    source: str | None,
    staging: Path,
    cores: int,
    rows: int | None,
) -> tuple[list[Chunk], list[PartitionCost]]:
    """Screen and encode ``df`` on the cluster; its chunks in input order (bytes in files).

    Args:
        df: the input rows (record columns, synonyms accepted), numbered or not.
        index_bytes: a broadcast of the pickled index (see :func:`broadcast_index`).
        as_of: the evaluation date.
        shape: the output shape.
        source: the input's name, recorded on rows and row errors.
        staging: a folder the executors can write and the driver can read.
        cores: cores of the cluster (for the number of partitions).
        rows: about how many rows ``df`` has (for the number of partitions), if known.
    """
    import pyarrow as pa

    df, headers, columns = numbered(df)
    df = partitioned(df, rows, cores)
    folder = str(staging)

    def encode_partition(batches: Iterator[Any]) -> Iterator[Any]:
        from pyspark import TaskContext

        ctx = TaskContext.get()
        part = ctx.partitionId() if ctx else 0
        attempt = ctx.attemptNumber() if ctx else 0
        index, memo = _index_of(index_bytes.value)
        encoder = Encoder(shape)
        path = os.path.join(folder, f"part-{part:06d}-{attempt}")
        with open(path, "wb") as out:
            for batch in batches:
                wall, cpu = time.perf_counter(), time.process_time()
                records = _records(batch, headers, columns, source)
                results = screen_batch(records, index, as_of, memo)
                chunk = encoder.encode(list(zip(records, results, strict=True)))
                offset = out.tell()
                out.write(chunk.data)
                yield pa.RecordBatch.from_pydict(
                    {
                        "first_row": [records[0].row if records else 0],
                        "last_row": [chunk.last_row],
                        "partition": [part],
                        "path": [path],
                        "offset": [offset],
                        "length": [len(chunk.data)],
                        "counts": [list(chunk.counts)],
                        "refs": [list(chunk.refs)],
                        "definitions": [pickle.dumps(chunk.definitions)],
                        "cpu": [time.process_time() - cpu],
                        "wall": [time.perf_counter() - wall],
                    }
                )

    metas = sorted(df.mapInArrow(encode_partition, _META).collect(), key=lambda m: m["first_row"])
    return [_chunk(m) for m in metas if m["counts"][0]], _costs(metas)


def _chunk(meta: Any) -> Chunk:
    with open(meta["path"], "rb") as handle:
        handle.seek(meta["offset"])
        data = handle.read(meta["length"])
    return Chunk(
        data,
        tuple(meta["counts"]),
        tuple(meta["refs"]),
        pickle.loads(meta["definitions"]),
        meta["last_row"],
    )


def _costs(metas: list[Any]) -> list[PartitionCost]:
    per: dict[int, list[float]] = {}
    for m in metas:
        acc = per.setdefault(m["partition"], [0, 0.0, 0.0])
        acc[0] += m["counts"][0]
        acc[1] += m["cpu"]
        acc[2] += m["wall"]
    return [PartitionCost(p, int(a[0]), a[1], a[2]) for p, a in sorted(per.items())]


def broadcast_index(session: Any, index: ScreeningIndex) -> Any:
    """The index broadcast to the executors as bytes that load quickly (see ``_index_of``)."""
    from laborlens.adapters.engine.index_cache import dumps

    return session.sparkContext.broadcast(dumps(index))
