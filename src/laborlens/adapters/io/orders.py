"""Read order-line and customs-entry files into Arrow tables of text columns.

Unlike :mod:`laborlens.adapters.io.readers` (which builds one record per row for screening),
this reader hands a whole file to the table engine at once: a million lines are read by
pyarrow's CSV reader in about a second. The checks are the same: the file exists, its type is
known, its text decodes (encoding detected as for ``screen``: BOM, UTF-8, UTF-16, GB18030 …),
the header (the first of the first ten non-blank rows naming a supplier/product column and a
value/quantity column; title rows above it are skipped) is found; otherwise :class:`InputError`
names the file and the row.

The table has one text column per order field (:data:`ORDER_FIELDS`; address parts and alias
columns joined), plus ``_file`` (the input's position) and ``_row`` (data rows counted from 1;
blank rows are not rows). Rows that cannot be read (a JSON Lines line that is not JSON) come
back as :class:`RowError` entries, never silently dropped.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gzip
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from laborlens.adapters.io.readers import InputError, detect_encoding, detect_format
from laborlens.core.exposure.fields import MERGED, ORDER_FIELDS, OrderColumns, describe_missing
from laborlens.core.model import RowError
from laborlens.core.records import to_text

_HEADER_SCAN = 10
_SAMPLE = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class OrderFile:
    """One input read whole: its facts, its normalised table and its unreadable rows."""

    path: Path
    index: int
    format: str
    encoding: str | None
    columns: OrderColumns
    table: pa.Table
    unreadable: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def describe(self) -> str:
        cols = ", ".join(f"{'+'.join(h)}→{f}" for f, h in self.columns.mapped().items())
        enc = f", {self.encoding}" if self.encoding else ""
        return f"{self.path} ({self.format}{enc}, {self.table.num_rows} rows): {cols}"


def _usable(cells: Sequence[object], require_measure: bool) -> bool:
    columns = OrderColumns.from_headers(list(cells))
    return columns.has_subject() and (columns.has_measure() or not require_measure)


def _find_header(
    rows: Sequence[Sequence[object]], require_measure: bool
) -> tuple[int, Sequence[object]] | None:
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        if _usable(row, require_measure):
            return i, row
    return None


def _no_header(path: Path, rows: Sequence[Sequence[object]], require_measure: bool) -> InputError:
    first = rows[0] if rows else []
    why = describe_missing(OrderColumns.from_headers(list(first))) if first else None
    if why and not require_measure and "value or a quantity" in why:
        why = None
    return InputError(f"{path}: row 1 (header): {why or 'no usable header row'}")


def _blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _decode(path: Path, gz: bool, encoding: str | None) -> tuple[str, str]:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        raw = gzip.open(path, "rb").read() if gz else path.read_bytes()
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    if not raw.strip():
        raise InputError(f"{path}: the file is empty")
    if encoding:
        try:
            enc = codecs.lookup(encoding).name
        except LookupError as exc:
            raise InputError(f"{path}: unknown encoding '{encoding}'") from exc
    else:
        found = detect_encoding(raw[:_SAMPLE], len(raw) <= _SAMPLE)
        if found is None:
            raise InputError(
                f"{path}: cannot tell the text encoding (not UTF-8, UTF-16 or GB18030); "
                "pass --encoding, e.g. --encoding cp1252"
            )
        enc = found
    try:
        raw[:_SAMPLE].decode(enc) if len(raw) <= _SAMPLE else None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: bytes that are not valid {enc}") from exc
    return raw.decode(enc, errors="replace").lstrip("\ufeff"), enc


def _csv_header(path: Path, text: str, fmt: str, require_measure: bool) -> tuple[str, int, list[str]]:
    """(delimiter, character offset of the first data row, header cells)."""
    lines = text[:65536].splitlines(keepends=True)
    best: tuple[int, int, str, int, list[str]] | None = None
    for delimiter in ("\t",) if fmt == "tsv" else _DELIMITERS:
        offset, seen = 0, 0
        for line in lines:
            offset += len(line)
            if not line.strip():
                continue
            seen += 1
            if seen > _HEADER_SCAN:
                break
            cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
            if len(cells) > 1 and _usable(cells, require_measure):
                rank = (seen, -len(cells))
                if best is None or rank < best[:2]:
                    best = (seen, -len(cells), delimiter, offset, cells)
                break
    if best is None:
        first = [ln for ln in lines if ln.strip()][:1]
        cells = next(csv.reader([first[0].rstrip("\r\n")]), []) if first else []
        raise _no_header(path, [cells], require_measure)
    return best[2], best[3], best[4]


def _csv_columns(
    path: Path, body: str, delimiter: str, width: int
) -> tuple[list[list[str | None]], list[RowError]]:
    """Cells by column, read with pyarrow (fast); with :mod:`csv` when a row is ragged."""
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    if body.strip():
        try:
            table = pacsv.read_csv(
                io.BytesIO(body.encode("utf-8")),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            return [table.column(n).to_pylist() for n in names], []
        except (pa.ArrowInvalid, ValueError):
            pass  # a ragged row: read with the csv module, which keeps row numbers exact
    return _csv_slow(path, body, delimiter, width)


def _csv_slow(
    path: Path, body: str, delimiter: str, width: int
) -> tuple[list[list[str | None]], list[RowError]]:
    cols: list[list[str | None]] = [[] for _ in range(width)]
    problems: list[RowError] = []
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    n = 0
    try:
        for cells in reader:
            if not cells or _blank(cells):
                continue
            n += 1
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problems.append(RowError(
                    f"row has {len(cells)} values but the header has {width} columns; "
                    "the values past the last column were ignored", None, n, str(path)))
            for i in range(width):
                cols[i].append(cells[i] if i < len(cells) else None)
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from exc
    return cols, problems


def _xlsx(path: Path, require_measure: bool) -> tuple[list[str], list[list[str | None]]]:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        rows = (r for r in book.worksheets[0].iter_rows(values_only=True) if not _blank(r))
        head: list[tuple[Any, ...]] = []
        for row in rows:
            head.append(row)
            if len(head) >= _HEADER_SCAN:
                break
        found = _find_header(head, require_measure)
        if found is None:
            raise _no_header(path, head, require_measure)
        at, header = found
        width = len(header)
        cols: list[list[str | None]] = [[] for _ in range(width)]
        for row in [*head[at + 1 :], *rows]:
            for i in range(width):
                cols[i].append(to_text(row[i]) if i < len(row) else None)
        return [str(h) if h is not None else "" for h in header], cols
    finally:
        book.close()


def _parquet(path: Path) -> tuple[list[str], list[list[str | None]]]:
    import pyarrow.parquet as pq

    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    cols: list[list[str | None]] = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            cols.append(column.to_pylist())
        elif pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
            cols.append([to_text(v) for v in column.to_pylist()])
        else:
            try:
                cols.append(pc.cast(column, pa.string()).to_pylist())
            except pa.ArrowException:
                cols.append([to_text(v) for v in column.to_pylist()])
    return list(table.column_names), cols


def _jsonl(
    path: Path, text: str
) -> tuple[list[str], list[list[str | None]], list[RowError], set[int]]:
    keys: dict[str, None] = {}
    objects: list[dict[str, Any] | None] = []
    problems: list[RowError] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            obj = None
            problems.append(RowError(f"not valid JSON ({exc.msg})", None, len(objects) + 1,
                                     str(path)))
        if obj is not None and not isinstance(obj, dict):
            problems.append(RowError("not a JSON object", None, len(objects) + 1, str(path)))
            obj = None
        objects.append(obj)
        for key in obj or {}:
            keys.setdefault(str(key), None)
    names = list(keys)
    cols = [[to_text(o.get(k)) if o else None for o in objects] for k in names]
    dropped = {i for i, o in enumerate(objects) if o is None}
    return names, cols, problems, dropped


def _normalise(
    columns: OrderColumns, cells: list[list[str | None]], index: int, dropped: set[int]
) -> tuple[pa.Table, int]:
    """The canonical table (one text column per order field) of a file's columns, blank rows
    removed; ``dropped`` are 0-based positions of unreadable rows: numbered, then removed.
    Returns the table with the number of rows counted."""
    arrays = [pa.array(c, pa.string()) for c in cells]
    length = len(arrays[0]) if arrays else 0
    out: dict[str, pa.Array] = {}
    for fld in ORDER_FIELDS:
        positions = columns.columns_of(fld)
        parts = [_nullify(arrays[i]) for i in positions]
        if not parts:
            out[fld] = pa.nulls(length, pa.string())
        elif len(parts) == 1 or fld not in MERGED:
            out[fld] = parts[0]
        else:
            # joined in Python: pyarrow's binary_join_element_wise dropped a row here
            sep = MERGED[fld]
            lists = [p.to_pylist() for p in parts]
            out[fld] = pa.array(
                [sep.join(v for v in vals if v) or None for vals in zip(*lists, strict=True)],
                pa.string(),
            )
    table = pa.table(out)
    if not length:
        table = table.append_column("_file", pa.array([], pa.int32()))
        return table.append_column("_row", pa.array([], pa.int64())), 0
    blank = [pc.is_null(_nullify(a)) for a in arrays]
    nonblank = pc.invert(functools.reduce(pc.and_kleene, blank))
    counted = pc.fill_null(nonblank, False)
    if dropped:
        marks = pa.array([i in dropped for i in range(length)])
        counted = pc.or_(counted, marks)
    numbers = pc.cumulative_sum(pc.cast(counted, pa.int64()))
    keep = counted if not dropped else pc.and_(counted, pc.invert(marks))
    table = table.append_column("_file", pa.array([index] * length, pa.int32()))
    table = table.append_column("_row", numbers).filter(keep)
    rows = int(pc.max(numbers).as_py() or 0) if length else 0
    return table, rows


def _nullify(array: pa.Array) -> pa.Array:
    """Blank cells (empty or only spaces) as nulls."""
    if array.null_count == len(array):
        return array
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), array)


def read_orders(
    path: str | Path,
    index: int = 0,
    *,
    encoding: str | None = None,
    require_measure: bool = True,
) -> OrderFile:
    """Read one order-line file whole (see the module docstring).

    Args:
        path: ``.csv``/``.tsv``/``.txt`` (optionally ``.gz``), ``.xlsx``, ``.parquet``,
            ``.jsonl``.
        index: the file's position among the inputs (recorded in ``_file``).
        encoding: text encoding (default: detected).
        require_measure: whether a value or quantity column is required (order lines: yes;
            a supplier master joined by supplier id: no).

    Raises:
        InputError: the file is missing, of an unknown type, empty, undecodable, or has no
            usable header.
    """
    p = Path(path)
    fmt, gz = detect_format(p)
    enc: str | None = None
    unreadable: list[RowError] = []
    warnings: list[RowError] = []
    dropped: set[int] = set()
    if fmt in ("csv", "tsv"):
        text, enc = _decode(p, gz, encoding)
        delimiter, offset, header = _csv_header(p, text, fmt, require_measure)
        cells, warnings = _csv_columns(p, text[offset:], delimiter, len(header))
    elif fmt == "jsonl":
        text, enc = _decode(p, gz, encoding)
        header, cells, unreadable, dropped = _jsonl(p, text)
        if not _usable(header, require_measure):
            raise _no_header(p, [header], require_measure)
    elif fmt == "xlsx":
        header, cells = _xlsx(p, require_measure)
    else:
        header, cells = _parquet(p)
        if not _usable(header, require_measure):
            raise _no_header(p, [header], require_measure)
    columns = OrderColumns.from_headers(header)
    table, rows = _normalise(columns, cells, index, dropped)
    if rows == 0:
        raise InputError(f"{p}: the file has a header row but no data rows")
    if not header:
        raise InputError(f"{p}: no columns")
    return OrderFile(p, index, fmt, enc, columns, table, unreadable, warnings)


def read_plain_rows(path: str | Path, encoding: str | None = None) -> list[dict[str, str | None]]:
    """Rows of a small table (a rate table): CSV/TSV (lines starting with ``#`` are comments)
    or XLSX; the first row is the header.

    Raises:
        InputError: the file cannot be read or has no data rows.
    """
    p = Path(path)
    fmt, gz = detect_format(p)
    if fmt == "xlsx":
        header, cols = _xlsx_plain(p)
    elif fmt in ("csv", "tsv"):
        text, _ = _decode(p, gz, encoding)
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        delimiter = "\t" if fmt == "tsv" else max(_DELIMITERS, key=lambda d: lines[0].count(d)
                                                  if lines else 0)
        rows = list(csv.reader(lines, delimiter=delimiter))
        if len(rows) < 2:
            raise InputError(f"{p}: needs a header row and at least one data row")
        header = rows[0]
        cols = [[r[i] if i < len(r) else None for r in rows[1:]] for i in range(len(header))]
    else:
        raise InputError(f"{p}: a rate table must be CSV, TSV or XLSX")
    count = len(cols[0]) if cols else 0
    return [{h.strip(): cols[i][n] for i, h in enumerate(header)} for n in range(count)]


def _xlsx_plain(path: Path) -> tuple[list[str], list[list[str | None]]]:
    from openpyxl import load_workbook

    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        rows = [r for r in book.worksheets[0].iter_rows(values_only=True) if not _blank(r)]
    finally:
        book.close()
    if len(rows) < 2:
        raise InputError(f"{path}: needs a header row and at least one data row")
    header = [str(h or "") for h in rows[0]]
    return header, [[to_text(r[i]) if i < len(r) else None for r in rows[1:]]
                    for i in range(len(header))]
