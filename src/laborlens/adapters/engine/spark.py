"""The Spark engine: the same pure ``screen_batch`` mapped over partitions with ``mapInArrow``.

The input is numbered in input order and split by size into row ranges (``spark_encode.py``);
the compiled :class:`~laborlens.core.screen.ScreeningIndex` is broadcast once to the executors;
each Arrow batch of input rows becomes :class:`~laborlens.core.model.Record` objects through the
same column mapping as the file readers, so results equal the local engine's row for row. File
outputs are encoded on the executors (:meth:`SparkEngine.encode_inputs`).
Needs the ``spark`` extra (``pip install 'laborlens[spark]'``) and a Java runtime.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.engine.spark_encode import (
    BATCH_ROWS,
    ROW_COLUMN,
    PartitionCost,
    broadcast_index,
    encode_dataframe,
    numbered,
    partitioned,
    with_row_numbers,
)
from laborlens.adapters.io.encode import Chunk, Shape
from laborlens.adapters.io.readers import InputError, RecordStream
from laborlens.adapters.io.resume import Progress
from laborlens.core.model import Record, ScreenResult
from laborlens.core.records import ColumnMap, build_record
from laborlens.core.screen import ScreeningIndex, screen_batch

__all__ = [
    "ROW_COLUMN",
    "SparkEngine",
    "local_session",
    "read_input",
    "screen_dataframe",
    "with_row_numbers",
]

RESULT_SCHEMA = "row long, id string, risk string, result string"


class SparkUnavailableError(RuntimeError):
    """pyspark (or Java) is not installed."""


def _pyspark() -> Any:
    try:
        import pyspark
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailableError(
            "the Spark engine needs the 'spark' extra: pip install 'laborlens[spark]'"
        ) from exc
    return pyspark, SparkSession


def local_session(cores: int = 2) -> Any:
    """A local SparkSession (for a single machine; clusters pass their own session)."""
    _, session = _pyspark()
    # local workers must run this interpreter, where laborlens is installed
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        session.builder.master(f"local[{cores}]")
        .appName("laborlens")
        .config("spark.ui.enabled", "false")
        # executors must run this interpreter, where laborlens is installed
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_ROWS))
        .getOrCreate()
    )


def _screen_batches(
    batches: Iterator[Any],
    index: ScreeningIndex,
    headers: list[str],
    columns: ColumnMap,
    *,
    as_of: date,
    source: str | None,
) -> Iterator[tuple[list[Record], list[ScreenResult]]]:
    """Arrow batches of input rows -> (records, results), through the same column mapping as
    the file readers and the same pure ``screen_batch`` as the local engine."""
    for batch in batches:
        data = batch.to_pydict()
        rows = data[ROW_COLUMN]
        records = [
            build_record([data[h][i] for h in headers], columns, int(rows[i]), source)
            for i in range(batch.num_rows)
        ]
        yield records, screen_batch(records, index, as_of)


def _map_screened(
    df: Any,
    index: ScreeningIndex,
    as_of: date,
    source: str | None,
    *,
    schema: str,
    columns_of: Callable[[list[Record], list[ScreenResult]], dict[str, list[Any]]],
) -> Any:
    """``df`` screened partition by partition (the index broadcast once), each Arrow batch of
    results turned into the output columns by ``columns_of``."""
    import pyarrow as pa

    df, headers, cmap = numbered(df)
    df = partitioned(df, None, df.sparkSession.sparkContext.defaultParallelism)
    broadcast = df.sparkSession.sparkContext.broadcast(index)

    def screen_partition(batches: Iterator[Any]) -> Iterator[Any]:
        for records, results in _screen_batches(
            batches, broadcast.value, headers, cmap, as_of=as_of, source=source
        ):
            yield pa.RecordBatch.from_pydict(columns_of(records, results))

    return df.mapInArrow(screen_partition, schema)


def _result_columns(_: list[Record], results: list[ScreenResult]) -> dict[str, list[Any]]:
    return {
        "row": [r.row for r in results],
        "id": [r.id for r in results],
        "risk": [r.risk for r in results],
        "result": [json.dumps(r.to_dict(), ensure_ascii=False) for r in results],
    }


def _pair_columns(records: list[Record], results: list[ScreenResult]) -> dict[str, list[Any]]:
    return {
        "row": [r.row for r in results],
        "payload": [pickle.dumps(pair) for pair in zip(records, results, strict=True)],
    }


def screen_dataframe(
    df: Any, index: ScreeningIndex, as_of: date, *, source: str | None = None
) -> Any:
    """Screen a Spark DataFrame of records; returns ``row, id, risk, result`` (result = JSON).

    Args:
        df: rows with the record columns (synonyms accepted, other columns carried through);
            numbered here unless it already has ``__laborlens_row``.
        index: the compiled screening index (broadcast to executors).
        as_of: the evaluation date.
        source: the input's name, recorded on row errors.
    """
    return _map_screened(df, index, as_of, source, schema=RESULT_SCHEMA, columns_of=_result_columns)


PAIR_SCHEMA = "row long, payload binary"


def read_input(
    session: Any, path: str, fmt: str, *, encoding: str | None, delimiter: str = ","
) -> Any:
    """A Spark DataFrame of an input file, every column read as text (CSV) or as typed."""
    if fmt in ("csv", "tsv"):
        return (
            session.read.option("header", True)
            .option("sep", delimiter)
            .option("encoding", encoding or "UTF-8")
            .option("multiLine", True)
            .option("escape", '"')
            .csv(path)
        )
    if fmt == "parquet":
        return session.read.parquet(path)
    if fmt == "jsonl":
        return session.read.json(path)
    raise ValueError(f"{path}: the Spark engine reads CSV, Parquet and JSON Lines, not {fmt}")


def screen_pairs_spark(
    df: Any, index: ScreeningIndex, as_of: date, *, source: str | None = None
) -> Iterator[tuple[Record, ScreenResult]]:
    """Screen on Spark and bring (record, result) pairs back in input order.

    For the CLI, whose writers need the typed objects: each pair travels pickled.
    """
    out = _map_screened(
        df, index, as_of, source, schema=PAIR_SCHEMA, columns_of=_pair_columns
    ).orderBy("row")
    for row in out.toLocalIterator():
        yield pickle.loads(row["payload"])


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


@dataclass(slots=True)
class SparkEngine:
    """The :class:`~laborlens.adapters.engine.base.Engine` on Spark (a local session unless one
    is given): inputs are read by Spark itself, in-memory records are parallelised."""

    cores: int = 2
    session: Any = field(default=None, repr=False)
    #: where executors leave encoded chunks for the driver (shared storage on a cluster)
    staging: Path | None = None
    #: what each partition of the last encoded run cost (for capacity planning)
    costs: list[PartitionCost] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        return "spark"

    def _session(self) -> Any:
        if self.session is None:
            self.session = local_session(cores=max(1, self.cores))
        return self.session

    def screen(
        self, batches: Iterable[list[Record]], index: ScreeningIndex, as_of: date
    ) -> Iterator[ScreenResult]:
        context = self._session().sparkContext
        records = [r for batch in batches for r in batch]
        if not records:
            return iter(())
        broadcast = context.broadcast(index)

        def screen_partition(part: Iterator[Record]) -> Iterator[ScreenResult]:
            return iter(screen_batch(list(part), broadcast.value, as_of))

        slices = max(1, min(len(records) // 500 + 1, self.cores * 4))
        # an RDD made from a list keeps its order through mapPartitions and collect
        rdd = context.parallelize(records, slices).mapPartitions(screen_partition)
        return iter(rdd.collect())

    def screen_inputs(
        self, streams: Sequence[RecordStream], index: ScreeningIndex, as_of: date
    ) -> Iterator[tuple[Record, ScreenResult]]:
        packed = [s.name for s in streams if s.path.suffix.lower() in (".zip", ".xz")]
        if packed:
            raise InputError(
                f"{packed[0]}: the Spark engine cannot read .zip or .xz; unpack it first"
            )
        session = self._session()  # fails here, before any output

        def pairs() -> Iterator[tuple[Record, ScreenResult]]:
            for stream in streams:
                try:
                    df = read_input(
                        session,
                        str(stream.path),
                        stream.format,
                        encoding=stream.encoding,
                        delimiter=_delimiter(stream),
                    )
                    stream.close()  # Spark reads the file itself
                    yield from screen_pairs_spark(df, index, as_of, source=stream.name)
                except (ValueError, InputError):
                    raise
                except Exception as exc:  # a Spark/Java failure: report it, never a traceback
                    raise InputError(f"{stream.name}: the Spark engine failed: {exc}") from exc

        return pairs()

    def encode_inputs(
        self,
        streams: Sequence[RecordStream],
        index: ScreeningIndex,
        as_of: date,
        shape: Shape,
        resume: Progress | None = None,
    ) -> Iterator[Chunk]:
        if resume is not None:
            raise ValueError("--resume continues runs of the local engine, not of Spark")
        session = self._session()  # fails here, before any output
        session.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_ROWS))
        self.costs = []

        def chunks() -> Iterator[Chunk]:
            staging = Path(tempfile.mkdtemp(prefix="laborlens-spark-", dir=self.staging))
            shared = broadcast_index(session, index)
            try:
                for stream in streams:
                    df = _read(session, stream)
                    try:
                        done, costs = encode_dataframe(
                            df,
                            shared,
                            as_of,
                            shape,
                            source=stream.name,
                            staging=staging,
                            cores=session.sparkContext.defaultParallelism,
                            rows=stream.estimated_rows,
                        )
                    except Exception as exc:  # a Spark/Java failure: one line, no traceback
                        raise InputError(f"{stream.name}: the Spark engine failed: {exc}") from exc
                    self.costs.extend(costs)
                    yield from done
            finally:
                shared.unpersist()
                shutil.rmtree(staging, ignore_errors=True)

        return chunks()


def _read(session: Any, stream: RecordStream) -> Any:
    """The input as a Spark DataFrame, read by Spark itself (the stream is closed)."""
    try:
        return read_input(
            session,
            str(stream.path),
            stream.format,
            encoding=stream.encoding,
            delimiter=_delimiter(stream),
        )
    except (ValueError, InputError):
        raise
    except Exception as exc:  # a Spark/Java failure: report it, never a traceback
        raise InputError(f"{stream.name}: the Spark engine failed: {exc}") from exc
    finally:
        stream.close()
