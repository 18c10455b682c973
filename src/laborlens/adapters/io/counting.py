"""Count the data rows of an input file quickly, before any of it is screened.

A server must know how big an upload is before it commits a worker to it (to refuse a file over
the row limit at once, and to show progress). CSV is split by the same reader the screening
uses (a stray quote cannot swallow the rest of the file here either); Parquet is counted from
its metadata; JSON Lines by non-blank lines; XLSX and JSON arrays by reading their records.
Title rows above a CSV header count as data rows, so the count may exceed the screened records
by those few rows. Whether the file has a usable header is for the reader to say when the
screening opens it.
"""

from __future__ import annotations

from pathlib import Path

from laborlens.adapters.io.csv_reader import read_csv_rows, sniff_delimiter
from laborlens.adapters.io.encoding import choose_encoding
from laborlens.adapters.io.readers import InputError, _source, open_records
from laborlens.adapters.io.rows import SAMPLE_BYTES, blank, open_binary, read_sample, text_stream


def count_rows(path: Path, encoding: str | None = None) -> tuple[int, str, str | None]:
    """(data rows, format, encoding) of a file the readers can open.

    Raises:
        InputError: the file is missing, of an unknown type, empty or cannot be decoded.
    """
    source = _source(path)
    fmt = source.format
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.read_metadata(str(path)).num_rows), fmt, None
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: not a readable Parquet file: {exc}") from exc
    if fmt in ("xlsx", "json"):
        stream = open_records(path, encoding=encoding)
        return sum(1 for _ in stream.records()), fmt, stream.encoding
    with open_binary(path, source.compression, source.member) as raw:
        sample = read_sample(raw, path)
        if not sample.strip():
            raise InputError(f"{path}: the file is empty")
        enc = choose_encoding(path, sample, len(sample) < SAMPLE_BYTES, encoding).encoding
        with text_stream(raw, enc) as text:
            if fmt == "jsonl":
                return sum(1 for line in text if line.strip()), fmt, enc
            head = sample[:65536].decode(enc, errors="replace").lstrip("\ufeff")
            rows = read_csv_rows(text, sniff_delimiter(head, fmt))
            n = sum(1 for r in rows if r.cells and not blank(r.cells))
    return max(0, n - 1), fmt, enc
