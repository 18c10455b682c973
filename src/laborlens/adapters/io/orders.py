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
import gzip
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
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


def _load(path: Path, gz: bool, encoding: str | None) -> tuple[bytes, str]:
    """The file's bytes and its text encoding (checked on the first MiB)."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        if gz:
            with gzip.open(path, "rb") as handle:
                raw = handle.read()
        else:
            raw = path.read_bytes()
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    sample = raw[:_SAMPLE]
    if not sample.strip() and not raw.strip():  # the whole file only when its start is blank
        raise InputError(f"{path}: the file is empty")
    complete = len(raw) <= _SAMPLE
    if encoding:
        try:
            enc = codecs.lookup(encoding).name
        except LookupError as exc:
            raise InputError(f"{path}: unknown encoding '{encoding}'") from exc
    else:
        found = detect_encoding(sample, complete)
        if found is None:
            raise InputError(
                f"{path}: cannot tell the text encoding (not UTF-8, UTF-16 or GB18030); "
                "pass --encoding, e.g. --encoding cp1252"
            )
        enc = codecs.lookup(found).name
    try:
        codecs.getincrementaldecoder(enc)(errors="strict").decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        line = sample[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: bytes that are not valid {enc}") from exc
    return raw, enc


def _decode(path: Path, gz: bool, encoding: str | None) -> tuple[str, str]:
    """The whole file as text (bytes that do not decode replaced) and its encoding."""
    raw, enc = _load(path, gz, encoding)
    return raw.decode(enc, errors="replace").lstrip("\ufeff"), enc


def _csv_header(
    path: Path, text: str, fmt: str, require_measure: bool
) -> tuple[str, int, list[str]]:
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


_BOM = {"utf-8-sig": codecs.BOM_UTF8}
_STATEFUL = ("utf-16", "utf-32")


def _csv_columns(
    path: Path, raw: bytes, *, enc: str, offset: int, head: str, delimiter: str, width: int
) -> tuple[list[pa.Array | pa.ChunkedArray], list[RowError]]:
    """Cells by column, read with pyarrow straight from the file's bytes (fast); with
    :mod:`csv` when a row is ragged or a later byte does not decode (row numbers stay exact)."""
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    if not enc.startswith(_STATEFUL):
        codec = "utf-8" if enc in ("utf-8", "utf-8-sig") else enc
        skip = len(_BOM.get(enc, b"")) if raw.startswith(_BOM.get(enc, b"\x00")) else 0
        start = skip + len(head[:offset].encode(codec))
        body = raw[start:]
        try:
            table = pacsv.read_csv(
                io.BytesIO(body),
                read_options=pacsv.ReadOptions(
                    column_names=names, block_size=1 << 24, encoding=codec
                ),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            return [table.column(n) for n in names], []
        except (pa.ArrowInvalid, ValueError, UnicodeDecodeError):
            pass  # a ragged row or a bad byte: read with the csv module below
    text = raw.decode(enc, errors="replace").lstrip("\ufeff")
    found = text.find(head[:offset]) if offset else 0
    cols, problems = _csv_slow(path, text[max(found, 0) + offset :], delimiter, width)
    return [pa.array(c, pa.string()) for c in cols], problems


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
                problems.append(
                    RowError(
                        f"row has {len(cells)} values but the header has {width} columns; "
                        "the values past the last column were ignored",
                        None,
                        n,
                        str(path),
                    )
                )
            for i in range(width):
                cols[i].append(cells[i] if i < len(cells) else None)
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: not valid CSV: {exc}") from exc
    return cols, problems


def _sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    """The non-blank rows of a workbook's first sheet (read-only mode)."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        return [r for r in book.worksheets[0].iter_rows(values_only=True) if not _blank(r)]
    finally:
        book.close()


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[str | None]]:
    return [[to_text(r[i]) if i < len(r) else None for r in rows] for i in range(width)]


def _xlsx(path: Path, require_measure: bool) -> tuple[list[str], list[list[str | None]]]:
    rows = _sheet_rows(path)
    found = _find_header(rows[:_HEADER_SCAN], require_measure)
    if found is None:
        raise _no_header(path, rows[:_HEADER_SCAN], require_measure)
    at, header = found
    return [str(h) if h is not None else "" for h in header], _columns(rows[at + 1 :], len(header))


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
            problems.append(
                RowError(f"not valid JSON ({exc.msg})", None, len(objects) + 1, str(path))
            )
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


Column: TypeAlias = pa.Array | pa.ChunkedArray | list[str | None]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _normalise(
    columns: OrderColumns, cells: Sequence[Column], index: int, dropped: set[int]
) -> tuple[pa.Table, int]:
    """The canonical table of a file's columns (one text column per order field; cells
    trimmed, blank cells null; address parts and aliases joined), computed in DuckDB.

    Blank rows are not rows (as for ``screen``); ``dropped`` are 0-based positions of rows that
    could not be read: they keep their row number but leave the table. Returns the table and
    the number of rows counted.
    """
    import duckdb

    from laborlens.adapters.engine.lines import arrow_table

    width = len(cells)
    data = {
        f"c{i}": c if not isinstance(c, list) else pa.array(c, pa.string())
        for i, c in enumerate(cells)
    }
    length = len(data["c0"]) if width else 0
    drop = np.zeros(length, dtype=bool)
    drop[list(dropped)] = True
    data["_drop"] = pa.array(drop)
    clean = [f"nullif(trim(c{i}), '')" for i in range(width)]
    exprs = []
    for fld in ORDER_FIELDS:
        parts = [clean[i] for i in columns.columns_of(fld)]
        if not parts:
            expr = "CAST(NULL AS VARCHAR)"
        elif len(parts) == 1 or fld not in MERGED:
            expr = parts[0]
        else:
            sep = MERGED[fld].replace("'", "''")
            expr = f"nullif(concat_ws('{sep}', {', '.join(parts)}), '')"
        exprs.append(f"{expr} AS {_q(fld)}")
    blank = " AND ".join(f"({c}) IS NULL" for c in clean) or "true"
    # no ORDER BY: DuckDB keeps the insertion order of a filtered projection, and sorting a
    # million wide rows would cost more than everything else here
    query = f"SELECT {', '.join(exprs)}, _drop FROM cells WHERE _drop OR NOT ({blank})"
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET threads TO 2")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")
        con.register("cells", pa.table(data))
        table = arrow_table(con.sql(query))
    finally:
        con.close()
    counted = table.num_rows
    table = table.append_column("_file", pa.array(np.full(counted, index, dtype=np.int32)))
    table = table.append_column("_row", pa.array(np.arange(1, counted + 1, dtype=np.int64)))
    if dropped:
        table = table.filter(pc.invert(table.column("_drop")))
    return table.drop_columns(["_drop"]), counted


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
        raw, enc = _load(p, gz, encoding)
        head = raw[:65536].decode(enc, errors="replace").lstrip("\ufeff")
        delimiter, offset, header = _csv_header(p, head, fmt, require_measure)
        cells, warnings = _csv_columns(
            p, raw, enc=enc, offset=offset, head=head, delimiter=delimiter, width=len(header)
        )
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
        delimiter = (
            "\t"
            if fmt == "tsv"
            else max(_DELIMITERS, key=lambda d: lines[0].count(d) if lines else 0)
        )
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
    rows = _sheet_rows(path)
    if len(rows) < 2:
        raise InputError(f"{path}: needs a header row and at least one data row")
    header = [str(h or "") for h in rows[0]]
    return header, _columns(rows[1:], len(header))
