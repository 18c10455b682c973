"""Readers: stream records to screen from CSV, XLSX, Parquet and JSON Lines files.

:func:`open_records` checks the file eagerly (it exists, its format is known, its text encoding
decodes, it has a header and at least one data row) and raises one :class:`InputError` naming the
file (and row/column where it helps) when it cannot be used. It then returns a
:class:`RecordStream` that yields batches of :class:`~laborlens.core.model.Record` lazily: a CSV is
read row by row through :mod:`csv`, an XLSX through openpyxl's read-only mode, a Parquet file by
record batches, so a file of millions of rows is never held in memory at once.

Text encodings (CSV, TSV, JSON Lines): a byte-order mark decides (UTF-8, UTF-16, UTF-32); else
strict UTF-8 on a sample; else UTF-16 without BOM when every other byte is zero; else
charset-normalizer's best guess, where GB2312/GBK are read as their superset GB18030. ``encoding``
overrides detection. Bytes later in the file that do not decode are replaced and the row gets an
error naming the column, so one bad byte never hides the rest of the file.

Files ending in ``.gz`` are decompressed on the fly.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any, TypeVar

from laborlens.adapters.io.encoding import EncodingError, choose_encoding, detect_encoding
from laborlens.core.model import RECORD_FIELDS, Record, RowError
from laborlens.core.records import ColumnMap, build_record, records_from_mappings

DEFAULT_BATCH_SIZE = 2000
_SAMPLE_BYTES = 1 << 20  # bytes used to detect the encoding and check it decodes
_CSV_FIELD_LIMIT = 16 * 1024 * 1024

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
}


class InputError(ValueError):
    """A file cannot be read at all. The message names the file (and row/column if relevant)."""


@dataclass
class RecordStream:
    """An opened input: its facts plus a lazy iterator of record batches.

    Attributes:
        path: the file.
        format: ``csv``, ``tsv``, ``xlsx``, ``parquet`` or ``jsonl``.
        encoding: the text encoding used (``None`` for binary formats).
        columns: the column map (for JSON Lines, the map of the first row).
        batch_size: records per batch.
        estimated_rows: the number of data rows, exact for Parquet, estimated from the size of
            the first lines for plain CSV/JSON Lines, ``None`` when unknown (for progress bars).
    """

    path: Path
    format: str
    encoding: str | None
    columns: ColumnMap
    batch_size: int
    _rows: Iterator[Record] = field(repr=False)
    estimated_rows: int | None = None
    _closer: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The file name as recorded on records and errors."""
        return str(self.path)

    def __post_init__(self) -> None:
        self._rows = _guarded(self._rows, self.path)
        if self._closer is not None:
            # a stream dropped before it was read to the end still closes its file
            weakref.finalize(self, self._closer)

    def close(self) -> None:
        """Close the file (reading the rest of the stream is then an error)."""
        if self._closer is not None:
            self._closer()

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
        return f"{self.name} ({self.format}{enc}): {cols or 'no recognised column'}"


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
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        raise InputError(f"{path}: unreadable after row {last}: {exc}") from exc


def detect_format(path: Path) -> tuple[str, bool]:
    """The reader format for a path and whether it is gzip-compressed."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    fmt = FORMATS.get(suffix)
    if fmt is None:
        hint = " (legacy .xls: save it as .xlsx or CSV)" if suffix == ".xls" else ""
        known = ", ".join(sorted(FORMATS))
        raise InputError(
            f"{path}: unsupported file type '{suffix or path.name}'{hint}; use one of {known}"
        )
    if gz and fmt in ("xlsx", "parquet"):
        raise InputError(f"{path}: {fmt} files cannot be gzip-compressed; decompress it first")
    return fmt, gz


def _open_binary(path: Path, gz: bool) -> IO[bytes]:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        handle: IO[bytes] = gzip.open(path, "rb") if gz else path.open("rb")  # type: ignore[assignment]  # noqa: SIM115
        return handle
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from exc


def _read_sample(raw: IO[bytes], path: Path) -> bytes:
    try:
        sample = raw.read(_SAMPLE_BYTES)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    raw.seek(0)
    return sample


def _encoding(path: Path, sample: bytes, complete: bool, encoding: str | None) -> str:
    try:
        return choose_encoding(path, sample, complete, encoding)
    except EncodingError as exc:
        raise InputError(str(exc)) from exc


def _sniff_delimiter(head: str, fmt: str) -> str:
    """The delimiter that splits a header naming a column to screen out of the first lines.

    The header decides, not the data: unquoted commas inside addresses must not outvote the
    semicolons of a European export. Among delimiters giving such a header, the one whose header
    comes first (title rows may precede it) and has most columns wins; when none does, the
    delimiter used most in the first line.
    """
    if fmt == "tsv":
        return "\t"
    lines = [line for line in head.splitlines()[: _HEADER_SCAN * 2] if line.strip()]
    lines = lines[:_HEADER_SCAN]
    best: tuple[int, int] | None = None
    chosen = ""
    for delimiter in (",", ";", "\t", "|"):
        for position, cells in enumerate(csv.reader(lines, delimiter=delimiter)):
            if len(cells) > 1 and ColumnMap.from_headers(cells).has_screenable_column():
                rank = (position, -len(cells))
                if best is None or rank < best:
                    best, chosen = rank, delimiter
                break
    if chosen:
        return chosen
    first = lines[0] if lines else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    top = max(counts, key=lambda d: counts[d])
    return top if counts[top] else ","


def _text_stream(raw: IO[bytes], encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


# the single-text record fields (aliases and coordinates are handled on their own)
_TEXT_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("aliases", "lat", "lon"))


def _blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _flag_replaced(record: Record, encoding: str) -> Record:
    """Add an error for each field that holds U+FFFD from undecodable bytes."""
    bad = [f for f in _TEXT_FIELDS if "\ufffd" in (getattr(record, f) or "")]
    if any("\ufffd" in x for x in record.aliases):
        bad.append("aliases")
    bad += [h for h, v in record.extra if "\ufffd" in v]
    if not bad:
        return record
    errors = record.errors + tuple(
        RowError(
            f"bytes that are not valid {encoding} were replaced by '\ufffd'",
            col,
            record.row,
            record.source,
        )
        for col in bad
    )
    return replace(record, errors=errors)


_Opened = tuple[str, ColumnMap, Iterator[Record], Callable[[], None]]


def _closing_on_error(path: Path, gz: bool, read: Callable[[IO[bytes]], _Opened]) -> _Opened:
    """Open the file and hand it to ``read``; a file-level error closes it again."""
    raw = _open_binary(path, gz)
    try:
        return read(raw)
    except BaseException:
        raw.close()
        raise


def _csv_rows(path: Path, gz: bool, fmt: str, encoding: str | None) -> _Opened:
    return _closing_on_error(path, gz, lambda raw: _csv_opened(raw, path, fmt, encoding))


def _csv_opened(raw: IO[bytes], path: Path, fmt: str, encoding: str | None) -> _Opened:
    sample = _read_sample(raw, path)
    complete = len(sample) < _SAMPLE_BYTES
    if not sample.strip():
        raise InputError(f"{path}: the file is empty")
    enc = _encoding(path, sample, complete, encoding)
    text = _text_stream(raw, enc)
    head = sample[:65536].decode(enc, errors="replace").lstrip("\ufeff")
    delimiter = _sniff_delimiter(head, fmt)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    reader = csv.reader(text, delimiter=delimiter)
    source = str(path)

    def next_row() -> list[str] | None:
        try:
            for cells in reader:
                if cells and not _blank(cells):
                    return cells
        except csv.Error as exc:
            raise InputError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from exc
        return None

    header, pending = _find_header(next_row)
    if header is None:
        raise InputError(f"{path}: the file has no rows")
    columns = ColumnMap.from_headers(header)
    first = pending.pop(0) if pending else next_row()
    if first is None:
        raise InputError(f"{path}: the file has a header row but no data rows")
    if not columns.has_screenable_column():
        raise _no_columns(path, columns)

    def rows() -> Iterator[Record]:
        try:
            n = 1
            cells: list[str] | None = first
            while cells is not None:
                record = build_record(cells, columns, n, source)
                if any("\ufffd" in c for c in cells):
                    record = _flag_replaced(record, enc)
                yield record
                n += 1
                cells = next_row()
        finally:
            text.close()

    return enc, columns, rows(), text.close


_HEADER_SCAN = 10
_Row = TypeVar("_Row", list[str], tuple[Any, ...])


def _find_header(next_row: Callable[[], _Row | None]) -> tuple[_Row | None, list[_Row]]:
    """The header row: the first of the first few non-blank rows that names a column to screen.

    ERP and spreadsheet exports often put a title ("Supplier master, May 2025") and a blank line
    above the header; those rows are skipped. When no row qualifies, the first row is the header
    (and the caller reports that it has no column to screen).

    Returns:
        The header (``None`` for no rows at all) and rows read past it, to be read as data.
    """
    seen: list[_Row] = []
    while len(seen) < _HEADER_SCAN:
        row = next_row()
        if row is None:
            break
        if ColumnMap.from_headers(list(row)).has_screenable_column():
            return row, []
        seen.append(row)
    if not seen:
        return None, []
    return seen[0], seen[1:]


def _no_columns(path: Path, columns: ColumnMap) -> InputError:
    shown = ", ".join(columns.headers[:12])
    return InputError(
        f"{path}: row 1 (header): no column to screen; expected one of name, address, "
        f"registration_id, hs_code, product (or a synonym such as supplier_name, 地址, hts); "
        f"found: {shown}"
    )


def _xlsx_rows(path: Path) -> tuple[ColumnMap, Iterator[Record], Callable[[], None]]:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(f"{path}: reading .xlsx needs openpyxl (pip install openpyxl)") from exc
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken or non-xlsx file
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        book.close()
        raise InputError(f"{path}: the workbook has no worksheet")
    cells_iter: Iterator[tuple[Any, ...]] = (
        tuple(r) for r in sheet.iter_rows(values_only=True) if r and not _blank(r)
    )
    header, pending = _find_header(lambda: next(cells_iter, None))
    if header is None:
        book.close()
        raise InputError(f"{path}: sheet '{sheet.title}' is empty")
    # trailing empty header cells (formatting) are not columns
    width = len(header)
    while width and (header[width - 1] is None or not str(header[width - 1]).strip()):
        width -= 1
    columns = ColumnMap.from_headers(list(header[:width]))
    first = pending.pop(0) if pending else next(cells_iter, None)
    if first is None:
        book.close()
        raise InputError(f"{path}: sheet '{sheet.title}' has a header row but no data rows")
    if not columns.has_screenable_column():
        book.close()
        raise _no_columns(path, columns)
    source = str(path)

    def rows() -> Iterator[Record]:
        try:
            n = 1
            cells: tuple[Any, ...] | None = first
            while cells is not None:
                trimmed = list(cells)
                while len(trimmed) > width and trimmed[-1] is None:
                    trimmed.pop()
                yield build_record(trimmed, columns, n, source)
                n += 1
                cells = next(cells_iter, None)
        finally:
            book.close()

    return columns, rows(), book.close


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
        raise _no_columns(path, columns)
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


def _jsonl_rows(path: Path, gz: bool, encoding: str | None) -> _Opened:
    return _closing_on_error(path, gz, lambda raw: _jsonl_opened(raw, path, encoding))


def _jsonl_opened(raw: IO[bytes], path: Path, encoding: str | None) -> _Opened:
    sample = _read_sample(raw, path)
    if not sample.strip():
        raise InputError(f"{path}: the file is empty")
    enc = _encoding(path, sample, len(sample) < _SAMPLE_BYTES, encoding)
    text = _text_stream(raw, enc)
    source = str(path)
    lines: Iterator[tuple[int, str]] = (
        (n, line) for n, line in enumerate(text, start=1) if line.strip()
    )

    def parse(line: str) -> tuple[Mapping[str, Any] | None, str | None]:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return None, f"not valid JSON ({exc.msg} at character {exc.pos + 1})"
        if not isinstance(obj, dict):
            return None, f"expected a JSON object, got {type(obj).__name__}"
        return obj, None

    peeked = next(lines, None)
    if peeked is None:
        raise InputError(f"{path}: the file has no rows")
    first_obj, _ = parse(peeked[1].lstrip("\ufeff"))
    columns = ColumnMap.from_headers(list(first_obj or {}))

    def rows() -> Iterator[Record]:
        try:
            row = 0
            item: tuple[int, str] | None = peeked
            cache: dict[tuple[str, ...], ColumnMap] = {}
            while item is not None:
                row += 1
                line_no, line = item
                obj, problem = parse(line.lstrip("\ufeff"))
                if obj is None:
                    yield Record(
                        row=row,
                        id=str(row),
                        errors=(RowError(f"line {line_no}: {problem}", None, row, source),),
                        source=source,
                    )
                else:
                    key = tuple(obj)
                    cmap = cache.get(key) or cache.setdefault(key, ColumnMap.from_headers(key))
                    record = build_record([obj[k] for k in key], cmap, row, source)
                    if "\ufffd" in line:
                        record = _flag_replaced(record, enc)
                    yield record
                item = next(lines, None)
        finally:
            text.close()

    return enc, columns, rows(), text.close


def open_records(
    path: str | Path,
    encoding: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> RecordStream:
    """Open a file of records to screen (docs/contracts.md) and stream it in batches.

    Args:
        path: a ``.csv``/``.tsv``/``.txt`` (optionally ``.gz``), ``.xlsx``, ``.parquet`` or
            ``.jsonl`` file.
        encoding: the text encoding of a CSV/JSON Lines file (default: detected).
        batch_size: records per batch.

    Returns:
        A :class:`RecordStream`; iterate it for ``list[Record]`` batches.

    Raises:
        InputError: the file is missing, of an unknown type, empty, header-only, has no column
            to screen, or cannot be decoded.
    """
    p = Path(path)
    fmt, gz = detect_format(p)
    size = max(1, int(batch_size))
    if fmt in ("csv", "tsv"):
        enc, columns, rows, close = _csv_rows(p, gz, fmt, encoding)
        stream = RecordStream(p, fmt, enc, columns, size, rows, _closer=close)
    elif fmt == "jsonl":
        enc, columns, rows, close = _jsonl_rows(p, gz, encoding)
        stream = RecordStream(p, fmt, enc, columns, size, rows, _closer=close)
    elif fmt == "xlsx":
        columns, rows, close = _xlsx_rows(p)
        stream = RecordStream(p, fmt, None, columns, size, rows, _closer=close)
    else:
        columns, rows = _parquet_rows(p, size)
        stream = RecordStream(p, fmt, None, columns, size, rows)
    stream.estimated_rows = _estimate_rows(p, fmt, gz)
    return stream


def _estimate_rows(path: Path, fmt: str, gz: bool) -> int | None:
    """Rows in a file: exact for Parquet, from the line length of the first 64 KiB for text."""
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return int(pq.read_metadata(path).num_rows)
        if fmt in ("csv", "tsv", "jsonl") and not gz:
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


def read_rows(path: str | Path, encoding: str | None = None) -> Iterator[dict[str, str | None]]:
    """Rows of any supported file as ``{header: text}`` (for ``--list-file`` lists).

    File-level problems are raised as :class:`InputError` before the first row is returned.
    """
    stream = open_records(path, encoding=encoding)
    has_id = "id" in stream.columns.fields

    def gen() -> Iterator[dict[str, str | None]]:
        for record in stream.records():
            yield _record_as_row(record, has_id)

    return gen()


def _record_as_row(record: Record, has_id: bool) -> dict[str, str | None]:
    """Undo the field mapping so list rows keep their own column names (list, effective_date…)."""
    out: dict[str, str | None] = {}
    for fld in _TEXT_FIELDS:
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
