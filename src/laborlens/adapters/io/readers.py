"""Readers: stream records to screen from CSV, XLSX, Parquet, JSON and JSON Lines files.

:func:`open_records` checks the file eagerly (it exists, its format is known, its text encoding
decodes, it has a header and at least one data row) and raises one :class:`InputError` naming the
file (and row/column where it helps) when it cannot be used. It then returns a
:class:`RecordStream` that yields batches of :class:`~laborlens.core.model.Record` lazily: a CSV is
read record by record (:mod:`laborlens.adapters.io.csv_reader`), an XLSX through openpyxl's
read-only mode (:mod:`~laborlens.adapters.io.xlsx_reader`), a Parquet file by record batches, JSON
element by element (:mod:`~laborlens.adapters.io.json_reader`), so a file of millions of rows is
never held in memory at once.

No row is lost silently: every data row gives a record, and anything odd about a row (a stray
quote, bytes that do not decode, a formula without a value, a line that is not JSON) is an error
on that row naming the line or column. What the user should know about the whole file (the text
encoding was a guess, which sheet was read) is in :attr:`RecordStream.warnings`.

Text encodings: see :mod:`laborlens.adapters.io.encoding`. Files ending in ``.gz``, ``.bz2`` or
``.xz`` are decompressed on the fly; a ``.zip`` holding exactly one file of a supported text type
is read from the archive.
"""

from __future__ import annotations

import lzma
import weakref
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from laborlens.adapters.io.csv_reader import CsvRow, read_csv_rows, sniff_delimiter
from laborlens.adapters.io.encoding import InputError, choose_encoding, detect_encoding
from laborlens.adapters.io.json_reader import JsonItem, check_json, json_items, jsonl_items
from laborlens.adapters.io.rows import (
    SAMPLE_BYTES,
    TEXT_FIELDS,
    add_errors,
    find_header,
    flag_replaced,
    no_columns,
    open_binary,
    read_sample,
    text_stream,
)
from laborlens.adapters.io.xlsx_reader import xlsx_rows
from laborlens.core.model import Record, RowError
from laborlens.core.records import ColumnMap, build_record, records_from_mappings

DEFAULT_BATCH_SIZE = 2000
#: ``.json`` files up to this size are checked whole before the first record, so that a syntax
#: error refuses the file before any output is written; larger ones fail where the error is.
JSON_CHECK_BYTES = 64 * 1024 * 1024

#: File suffix -> reader format.
FORMATS: Mapping[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
#: Compression suffix -> name.
COMPRESSIONS: Mapping[str, str] = {".gz": "gz", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}
_TEXT_FORMATS = ("csv", "tsv", "jsonl", "json")


@dataclass
class RecordStream:
    """An opened input: its facts plus a lazy iterator of record batches.

    Attributes:
        path: the file.
        format: ``csv``, ``tsv``, ``xlsx``, ``parquet``, ``jsonl`` or ``json``.
        encoding: the text encoding used (``None`` for binary formats).
        columns: the column map (for JSON, the map of the first object).
        batch_size: records per batch.
        estimated_rows: the number of data rows, exact for Parquet, estimated from the size of
            the first lines for plain CSV/JSON Lines, ``None`` when unknown (for progress bars).
        warnings: what the user should know about the whole file (an encoding guess, the sheet
            read, how JSON rows were found), one sentence each, naming the file.
        sheet: the worksheet read (XLSX).
    """

    path: Path
    format: str
    encoding: str | None
    columns: ColumnMap
    batch_size: int
    _rows: Iterator[Record] = field(repr=False)
    estimated_rows: int | None = None
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None

    @property
    def name(self) -> str:
        """The file name as recorded on records and errors."""
        return str(self.path)

    def __post_init__(self) -> None:
        self._rows = _guarded(self._rows, self.path)

    def close(self) -> None:
        """Stop reading; the file is closed (a stream dropped unread closes it too)."""
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> RecordStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def records(self) -> Iterator[Record]:
        """The records one by one."""
        return self._rows

    def __iter__(self) -> Iterator[list[Record]]:
        while True:
            batch = list(islice(self._rows, self.batch_size))
            if not batch:
                return
            yield batch

    def describe(self) -> str:
        """One line for logs: format, encoding, which headers feed which field."""
        cols = ", ".join(f"{'+'.join(h)}→{f}" for f, h in self.columns.mapped().items())
        enc = f", {self.encoding}" if self.encoding else ""
        sheet = f", sheet '{self.sheet}'" if self.sheet else ""
        return f"{self.name} ({self.format}{enc}{sheet}): {cols or 'no recognised column'}"


#: What a truncated or corrupt file raises in the middle of reading (xml.etree's ParseError is a
#: SyntaxError; zlib and lzma raise their own errors).
_BROKEN_FILE = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    SyntaxError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
)


def _guarded(rows: Iterator[Record], path: Path) -> Iterator[Record]:
    """Re-raise a failure in the middle of a file (truncated .gz, corrupt sheet or row group)
    as an :class:`InputError` naming the file and the last row read."""
    last = 0
    try:
        for record in rows:
            last = record.row
            yield record
    except InputError:
        raise
    except _BROKEN_FILE as exc:
        raise InputError(f"{path}: unreadable after row {last}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class _Source:
    """Where the bytes of an input are: the file, its format, compression, archive member."""

    path: Path
    format: str
    compression: str | None = None
    member: str | None = None


def detect_format(path: Path) -> tuple[str, bool]:
    """The reader format for a path and whether it is gzip-compressed."""
    source = _source(path, look_inside=False)
    return source.format, source.compression == "gz"


def _source(path: Path, look_inside: bool = True) -> _Source:
    suffixes = [s.lower() for s in path.suffixes]
    compression = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    if compression == "zip":
        return _zip_source(path) if look_inside else _Source(path, "zip", "zip")
    suffix = suffixes[-1] if suffixes else ""
    fmt = FORMATS.get(suffix)
    if fmt is None:
        hint = " (legacy .xls: save it as .xlsx or CSV)" if suffix == ".xls" else ""
        known = ", ".join(sorted(FORMATS))
        raise InputError(
            f"{path}: unsupported file type '{suffix or path.name}'{hint}; use one of {known} "
            "(text types may end in .gz, .bz2 or .xz, or sit alone in a .zip)"
        )
    if compression and fmt not in _TEXT_FORMATS:
        raise InputError(f"{path}: {fmt} files cannot be compressed; decompress it first")
    return _Source(path, fmt, compression)


def _zip_source(path: Path) -> _Source:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a readable .zip archive ({exc})") from exc
    members = [m for m in members if not m.filename.startswith(("__MACOSX/", "."))]
    if len(members) != 1:
        names = ", ".join(m.filename for m in members[:8]) or "nothing"
        raise InputError(
            f"{path}: a .zip must hold exactly one file to screen; it holds {names}; "
            "unzip it and name the files"
        )
    inner = _source(Path(members[0].filename), look_inside=False)
    if inner.compression or inner.format not in _TEXT_FORMATS:
        raise InputError(
            f"{path}: {members[0].filename} inside a .zip cannot be read from the archive; "
            "unzip it first"
        )
    return _Source(path, inner.format, "zip", members[0].filename)


def _open_text(src: _Source, requested: str | None) -> tuple[Any, str, list[str]]:
    """The text stream, encoding and encoding warnings of a text input (refuses empty files)."""
    raw = open_binary(src.path, src.compression, src.member)
    sample = read_sample(raw, src.path)
    if not sample.strip():
        raw.close()
        raise InputError(f"{src.path}: the file is empty")
    try:
        choice = choose_encoding(src.path, sample, len(sample) < SAMPLE_BYTES, requested)
    except InputError:
        raw.close()
        raise
    return text_stream(raw, choice.encoding), choice.encoding, list(choice.warnings)


def _csv_rows(
    src: _Source, encoding: str | None
) -> tuple[str, ColumnMap, Iterator[Record], list[str]]:
    text, enc, warnings = _open_text(src, encoding)
    head = text.read(65536)
    text.seek(0)
    delimiter = sniff_delimiter(head.lstrip("\ufeff"), src.format)
    parsed = read_csv_rows(_strip_bom(text), delimiter)
    source = str(src.path)
    header, pending = find_header(lambda: next(parsed, None), lambda row: row.cells)
    if header is None:
        text.close()
        raise InputError(f"{src.path}: the file has no rows")
    columns = ColumnMap.from_headers(header.cells)
    first = pending.pop(0) if pending else next(parsed, None)
    if first is None:
        text.close()
        raise InputError(f"{src.path}: the file has a header row but no data rows")
    if not columns.has_screenable_column():
        text.close()
        raise no_columns(src.path, columns, f"line {header.line} (header)")

    def rows() -> Iterator[Record]:
        try:
            n = 1
            row: CsvRow | None = first
            while row is not None:
                record = add_errors(build_record(row.cells, columns, n, source), row.problems)
                if any("\ufffd" in c for c in row.cells):
                    record = flag_replaced(record, enc)
                yield record
                n += 1
                row = pending.pop(0) if pending else next(parsed, None)
        finally:
            text.close()

    return enc, columns, _closing(rows(), text.close), warnings


def _closing(records: Iterator[Record], close: Callable[[], None]) -> Iterator[Record]:
    """``records``, with ``close`` run when they are dropped even unread (a generator that never
    started runs no ``finally``)."""
    weakref.finalize(records, close)
    return records


def _strip_bom(text: Any) -> Iterator[str]:
    first = True
    for line in text:
        if first:
            line = line.lstrip("\ufeff")
            first = False
        yield line


def _parquet_rows(path: Path, batch_size: int) -> tuple[ColumnMap, Iterator[Record]]:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    import pyarrow.parquet as pq

    try:
        pfile = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for a broken file
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    names = list(pfile.schema_arrow.names)
    columns = ColumnMap.from_headers(names)
    if pfile.metadata.num_rows == 0:
        raise InputError(f"{path}: the file has columns but no data rows")
    if not columns.has_screenable_column():
        raise no_columns(path, columns)
    source = str(path)

    def rows() -> Iterator[Record]:
        n = 1
        for batch in pfile.iter_batches(batch_size=batch_size):
            data = batch.to_pydict()
            cols = [data[name] for name in batch.schema.names]
            for cells in zip(*cols, strict=True):
                yield build_record(cells, columns, n, source)
                n += 1

    return columns, rows()


def _json_rows(
    src: _Source, encoding: str | None
) -> tuple[str, ColumnMap, Iterator[Record], list[str]]:
    """JSON Lines or JSON: one record per object; a bad line or element is an error row."""
    text, enc, warnings = _open_text(src, encoding)
    notes: list[str] = []
    if src.format == "json" and _size(src) <= JSON_CHECK_BYTES:
        try:
            check_json(text, str(src.path))
        except InputError:
            text.close()
            raise
        text.seek(0)
    items: Iterator[JsonItem] = (
        jsonl_items(text) if src.format == "jsonl" else json_items(text, str(src.path), notes)
    )
    try:
        peeked = next(items, None)
    except InputError:
        text.close()
        raise
    if peeked is None:
        text.close()
        raise InputError(f"{src.path}: the file has no rows")
    columns = ColumnMap.from_headers(list(peeked[2] or {}))
    warnings += [f"{src.path}: {note}" for note in notes]
    source = str(src.path)

    def rows() -> Iterator[Record]:
        try:
            cache: dict[tuple[str, ...], ColumnMap] = {}
            item: JsonItem | None = peeked
            while item is not None:
                number, _, obj, problem = item
                if obj is None:
                    error = RowError(problem or "not a JSON object", None, number, source)
                    yield Record(row=number, id=str(number), errors=(error,), source=source)
                else:
                    key = tuple(obj)
                    cmap = cache.get(key) or cache.setdefault(key, ColumnMap.from_headers(key))
                    record = build_record([obj[k] for k in key], cmap, number, source)
                    if any("\ufffd" in v for v in _strings(obj)):
                        record = flag_replaced(record, enc)
                    yield record
                item = next(items, None)
        finally:
            text.close()

    return enc, columns, _closing(rows(), text.close), warnings


def _strings(obj: Mapping[str, Any]) -> Iterator[str]:
    for value in obj.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))


def _size(src: _Source) -> int:
    try:
        if src.compression is None:
            return src.path.stat().st_size
        # compressed: the packed size times a typical text ratio is a fair upper estimate
        return src.path.stat().st_size * 10
    except OSError:
        return 0


def open_records(
    path: str | Path,
    encoding: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    sheet: str | None = None,
) -> RecordStream:
    """Open a file of records to screen (docs/contracts.md) and stream it in batches.

    Args:
        path: a ``.csv``/``.tsv``/``.txt``, ``.jsonl``/``.ndjson`` or ``.json`` file (each
            optionally ``.gz``/``.bz2``/``.xz``, or alone in a ``.zip``), an ``.xlsx`` or a
            ``.parquet`` file.
        encoding: the text encoding of a text file (default: detected).
        batch_size: records per batch.
        sheet: the XLSX worksheet, by name or 1-based number (default: the first sheet with a
            header naming a column to screen).

    Returns:
        A :class:`RecordStream`; iterate it for ``list[Record]`` batches.

    Raises:
        InputError: the file is missing, of an unknown type, empty, header-only, has no column
            to screen, cannot be decoded, or (JSON) is not valid JSON.
    """
    p = Path(path)
    src = _source(p)
    size = max(1, int(batch_size))
    if sheet is not None and src.format != "xlsx":
        raise InputError(f"{p}: --sheet applies to .xlsx workbooks only")
    try:
        stream = _open_stream(p, src, encoding, size, sheet)
    except InputError:
        raise
    except _BROKEN_FILE as exc:  # a truncated or corrupt file found while checking its start
        raise InputError(f"{p}: cannot read: {' '.join(str(exc).split())}") from exc
    stream.estimated_rows = _estimate_rows(p, src.format, src.compression is not None)
    return stream


def _open_stream(
    p: Path, src: _Source, encoding: str | None, size: int, sheet: str | None
) -> RecordStream:
    if src.format in ("csv", "tsv"):
        enc, columns, rows, warnings = _csv_rows(src, encoding)
        stream = RecordStream(p, src.format, enc, columns, size, rows, warnings=warnings)
    elif src.format in ("jsonl", "json"):
        enc, columns, rows, warnings = _json_rows(src, encoding)
        stream = RecordStream(p, src.format, enc, columns, size, rows, warnings=warnings)
    elif src.format == "xlsx":
        columns, rows, notes, title = xlsx_rows(p, sheet)
        stream = RecordStream(p, src.format, None, columns, size, rows, warnings=notes, sheet=title)
    else:
        columns, rows = _parquet_rows(p, size)
        stream = RecordStream(p, src.format, None, columns, size, rows)
    return stream


def _estimate_rows(path: Path, fmt: str, compressed: bool) -> int | None:
    """Rows in a file: exact for Parquet, from the line length of the first 64 KiB for text."""
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return int(pq.read_metadata(path).num_rows)
        if fmt in ("csv", "tsv", "jsonl") and not compressed:
            with path.open("rb") as handle:
                head = handle.read(65536)
            lines = head.count(b"\n")
            if lines < 2:
                return None
            total = path.stat().st_size * lines / len(head)
            return max(1, round(total) - (0 if fmt == "jsonl" else 1))
    except (OSError, ValueError):
        return None
    return None


def read_rows(
    path: str | Path, encoding: str | None = None, *, sheet: str | None = None
) -> Iterator[dict[str, str | None]]:
    """Rows of any supported file as ``{header: text}`` (for ``--list-file`` lists).

    File-level problems are raised as :class:`InputError` before the first row is returned.
    """
    stream = open_records(path, encoding=encoding, sheet=sheet)
    has_id = "id" in stream.columns.fields

    def gen() -> Iterator[dict[str, str | None]]:
        for record in stream.records():
            yield _record_as_row(record, has_id)

    return gen()


def _record_as_row(record: Record, has_id: bool) -> dict[str, str | None]:
    """Undo the field mapping so list rows keep their own column names (list, effective_date…)."""
    out: dict[str, str | None] = {}
    for fld in TEXT_FIELDS:
        value = getattr(record, fld)
        if fld == "id" and not has_id:
            value = None
        if value is not None:
            out[fld] = value
    if record.aliases:
        out["aliases"] = "; ".join(record.aliases)
    for header, value in record.extra:
        out.setdefault(header, value)
    return out


def records_from_objects(
    rows: Sequence[Mapping[str, Any]] | Iterator[Mapping[str, Any]], source: str | None = None
) -> Iterator[Record]:
    """Records from in-memory mappings (the Python API)."""
    return iter(records_from_mappings(rows, source))


__all__ = [
    "COMPRESSIONS",
    "DEFAULT_BATCH_SIZE",
    "FORMATS",
    "InputError",
    "RecordStream",
    "detect_encoding",
    "detect_format",
    "open_records",
    "read_rows",
    "records_from_objects",
]
