"""Count the data rows of an input file quickly, before any of it is screened.

A server must know how big an upload is before it commits a worker to it (to refuse a file over
the row limit at once, and to show progress). CSV is counted with the C ``csv`` parser (quoted
line breaks respected) at about a million rows a second; Parquet from its metadata; JSON Lines
by non-blank lines; XLSX by reading its rows. Title rows above a CSV header count as data rows,
so the count may exceed the screened records by those few rows. Whether the file has a usable
header is for the reader to say when the screening opens it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from laborlens.adapters.io.readers import (
    _SAMPLE_BYTES,
    InputError,
    _choose_encoding,
    _open_binary,
    _read_sample,
    _sniff_delimiter,
    _text_stream,
    detect_format,
    open_records,
)


def count_rows(path: Path, encoding: str | None = None) -> tuple[int, str, str | None]:
    """(data rows, format, encoding) of a file the readers can open.

    Raises:
        InputError: the file is missing, of an unknown type, empty or cannot be decoded.
    """
    fmt, gz = detect_format(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.read_metadata(str(path)).num_rows), fmt, None
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: not a readable Parquet file: {exc}") from exc
    if fmt == "xlsx":
        return sum(1 for _ in open_records(path).records()), fmt, None
    raw = _open_binary(path, gz)
    with raw:
        sample = _read_sample(raw, path)
        if not sample.strip():
            raise InputError(f"{path}: the file is empty")
        enc = _choose_encoding(path, sample, len(sample) < _SAMPLE_BYTES, encoding)
        with _text_stream(raw, enc) as text:
            if fmt == "jsonl":
                return sum(1 for line in text if line.strip()), fmt, enc
            head = sample[:65536].decode(enc, errors="replace").lstrip("\ufeff")
            reader = csv.reader(text, delimiter=_sniff_delimiter(head, fmt))
            try:
                rows = sum(1 for cells in reader if cells and any(c.strip() for c in cells))
            except csv.Error as exc:
                raise InputError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from exc
    return max(0, rows - 1), fmt, enc
