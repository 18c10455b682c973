"""Stream a chain folder (``nodes.csv`` + ``edges.csv``) into a
:class:`~laborlens.core.chain.ChainTable` with Arrow: bounded memory, no object per row.

- The encoding is found by scanning the file in blocks: UTF-8 (with or without BOM), UTF-16 (BOM),
  else GB18030 when the whole file decodes so. A UTF-8 file with a few corrupt bytes (or one
  that is not GB18030 either) stays UTF-8: each value with bad bytes is reported (file, row,
  column) and kept with U+FFFD in their place.
- The separator (``,`` ``;`` tab ``|``) comes from the header line; column names are normalised
  and mapped through the synonyms of ``resources/columns.yaml`` (the first non-empty of two
  synonyms wins, as in the row-by-row reader).
- A row with fewer fields than the header is kept with the missing fields empty; a row with more
  is kept without the extra fields, and reported. Rows are numbered as data rows from 1 (blank
  lines not counted), so every message names the row a spreadsheet shows after the header.
- Validation itself (unknown ids, self-loops, duplicates, quantities, units …) is the core's
  (:mod:`laborlens.core.chain.columnar`): distinct values are checked once.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from laborlens.core import columns
from laborlens.core.chain import ChainTable, Codes
from laborlens.core.chain import graph as g
from laborlens.core.chain.columnar import (
    MISSING,
    UNKNOWN,
    EdgeColumns,
    NodeColumns,
    Numbers,
    build_table,
)
from laborlens.core.chain.model import EDGE_COLUMNS
from laborlens.core.chain.validate import _NODE_ONLY, _number, _record
from laborlens.core.model import Record, RowError
from laborlens.core.records import MAX_ALIASES, MAX_FIELD_CHARS, ColumnMap

_BLOCK = 1 << 22
_NUMBER = r"^[+-]?(\d[\d,_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


class ChainInputError(ValueError):
    """The chain input cannot be used at all; the message names the file."""


# every C0/C1 control character but the ones read as spaces (a superset of what a record
# reports: rows matching are built and checked exactly)
_CONTROL = "[\\x00-\\x08\\x0e-\\x1f\\x7f-\\x9f]"
_LAT_LON = ("lat", "lon")
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_WIDE = re.compile("[^\x00-\x7f]")


@dataclass(frozen=True, slots=True)
class _Layout:
    encoding: str  # for Arrow
    raw_utf8: bool  # read as bytes and check UTF-8 per value
    delimiter: str
    quotechar: str
    header: tuple[str, ...]


def _encoding(path: Path) -> tuple[str, bool]:
    """``(encoding, raw_utf8)``: how to read ``path`` (see the module docstring)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                return "utf-16", False
            fh.seek(0)
            if _decodes(path, "utf-8"):
                return "utf-8", True
            dec = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
            bad = wide = 0
            while True:
                block = fh.read(_BLOCK)
                text = dec.decode(block, final=not block)
                if not text.isascii():
                    b = len(_BAD_BYTE.findall(text))
                    bad, wide = bad + b, wide + len(_WIDE.findall(text)) - b
                if not block:
                    break
    except OSError as exc:
        raise ChainInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not bad:
        return "utf-8", True
    # a few bad bytes among much UTF-8 text: a corrupt spot, reported value by value; else a
    # file that decodes as GB18030 is GB18030 (its bytes form UTF-8 only by accident)
    if wide >= 20 * bad or not _decodes(path, "gb18030"):
        return "utf-8", True
    return "gb18030", False


def _decodes(path: Path, encoding: str) -> bool:
    dec = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                dec.decode(block)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _layout(path: Path, required: Sequence[str]) -> _Layout:
    encoding, raw = _encoding(path)
    text_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open("r", encoding=text_encoding, errors="replace") as fh:
        first = fh.readline()
    line = first.rstrip("\r\n").lstrip("\ufeff")
    if not line.strip():
        raise ChainInputError(f"{path}: empty file (a header row is needed)")
    try:
        dialect: Any = csv.Sniffer().sniff(line, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    header = tuple(next(csv.reader([line], dialect)))
    names = [(h or "").strip().lower() for h in header]
    for col in required:
        alts = (col, *columns.synonyms("chain_edge").get(col, ()))
        if not any(a in names for a in alts):
            raise ChainInputError(
                f"{path}: row 1: no column '{col}' (header has: {', '.join(names) or 'nothing'})"
            )
    return _Layout(encoding, raw, dialect.delimiter, dialect.quotechar or '"', header)


def _canonical(header: Sequence[str], section: str) -> dict[str, list[int]]:
    """Canonical column -> the header positions that hold it, in header order."""
    synonyms = columns.lookup(section)
    out: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        key = str(h).strip().lstrip("\ufeff").lower().replace(" ", "_")
        if not key:
            continue
        out.setdefault(synonyms.get(key, key), []).append(i)
    return out


class _Reader:
    """One CSV file read in Arrow batches into canonical text columns, with row numbers."""

    def __init__(self, path: Path, section: str, required: Sequence[str] = ()) -> None:
        self.path = path
        self.layout = _layout(path, required)
        self.columns = _canonical(self.layout.header, section)
        self.errors: list[RowError] = []
        self._odd: list[tuple[int, list[str | None]]] = []  # rows Arrow could not split

    def _on_invalid(self, row: Any) -> str:
        width = len(self.layout.header)
        data_row = int(row.number) - 1
        fields: list[str | None] = list(
            next(csv.reader([row.text], delimiter=self.layout.delimiter), [])
        )
        if len(fields) > width:
            self.errors.append(
                RowError(
                    f"{len(fields)} fields where the header has {width}; the extra fields are "
                    "ignored",
                    None,
                    data_row,
                    str(self.path),
                )
            )
        fields = (fields + [None] * width)[:width]
        self._odd.append((data_row, fields))
        return "skip"

    def _text(self, arr: Any, col: str, first_row: int) -> Any:
        """Bytes -> text (bad UTF-8 reported and replaced), trimmed, empty -> null."""
        if self.layout.raw_utf8:
            try:
                arr = pc.cast(arr, pa.string())
            except pa.ArrowInvalid:
                values: list[str | None] = []
                for k, b in enumerate(arr.to_pylist()):
                    if b is None:
                        values.append(None)
                        continue
                    try:
                        values.append(b.decode("utf-8"))
                    except UnicodeDecodeError:
                        self.errors.append(
                            RowError(
                                "text is not valid UTF-8 (bad bytes replaced by U+FFFD)",
                                col,
                                first_row + k,
                                str(self.path),
                            )
                        )
                        values.append(b.decode("utf-8", errors="replace"))
                arr = pa.array(values, pa.string())
        arr = pc.utf8_trim_whitespace(arr)
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)

    def read(self, wanted: Sequence[str] | None = None) -> tuple[pa.Table, g.IntArray]:
        """The canonical columns (``wanted``, or all) and each row's number."""
        width = len(self.layout.header)
        names = [f"c{i}" for i in range(width)]
        kind = pa.binary() if self.layout.raw_utf8 else pa.string()
        reader = pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                use_threads=False,  # keeps row numbers known to the invalid-row handler
                block_size=_BLOCK,
                encoding="utf8" if self.layout.raw_utf8 else self.layout.encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=self.layout.delimiter,
                quote_char=self.layout.quotechar,
                newlines_in_values=True,
                invalid_row_handler=self._on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, kind),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        keep = [c for c in self.columns if wanted is None or c in wanted]
        chunks: dict[str, list[Any]] = {c: [] for c in keep}
        seen = 0  # records read by Arrow so far, the header first
        for batch in reader:
            skip = 1 if seen == 0 else 0
            start = seen + skip
            for c in keep:
                parts = [self._text(batch.column(i).slice(skip), c, start) for i in self.columns[c]]
                chunks[c].append(parts[0] if len(parts) == 1 else pc.coalesce(*parts))
            seen += batch.num_rows
        table = pa.table(
            {c: pa.chunked_array(v, pa.string()).combine_chunks() for c, v in chunks.items()}
        )
        return self._numbered(table, seen - 1 if seen else 0, keep)

    def _numbered(
        self, table: pa.Table, good: int, keep: Sequence[str]
    ) -> tuple[pa.Table, g.IntArray]:
        odd_rows = np.array([r for r, _ in self._odd], dtype=np.int64)
        total = good + odd_rows.shape[0]
        rows = np.arange(1, total + 1, dtype=np.int64)
        if not self._odd:
            return table, rows
        rest = np.ones(total, dtype=bool)
        rest[odd_rows - 1] = False
        rows = rows[rest]
        extra = {
            c: self._text(
                pa.array([_first(fields, self.columns[c]) for _, fields in self._odd], pa.string()),
                c,
                0,
            )
            for c in keep
        }
        both = pa.concat_tables([table, pa.table(extra, schema=table.schema)])
        all_rows = np.concatenate([rows, odd_rows])
        order = np.argsort(all_rows, kind="stable")
        return both.take(pa.array(order)), all_rows[order]


def _first(fields: Sequence[str | None], at: Sequence[int]) -> str | None:
    for i in at:
        v = fields[i]
        if v is not None and v.strip():
            return v
    return None


def codes(arr: Any) -> Codes:
    """An Arrow text column as :class:`Codes`."""
    enc = pc.dictionary_encode(arr)
    idx = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    return Codes(idx, tuple(enc.dictionary.to_pylist()))


def numbers(arr: Any) -> Numbers:
    """An Arrow text column as :class:`Numbers` (plain numbers in C, the rest checked by the
    same rule as the row-by-row reader)."""
    plain = pc.fill_null(pc.match_substring_regex(arr, _NUMBER), False)
    cleaned = pc.replace_substring_regex(arr, "[,_]", "")
    cast = pc.cast(pc.if_else(plain, cleaned, pa.scalar(None, pa.string())), pa.float64())
    values = cast.to_numpy(zero_copy_only=False).astype(np.float64)
    values[np.isinf(values)] = np.nan
    others = np.flatnonzero(
        pc.is_valid(arr).to_numpy(zero_copy_only=False) & np.isnan(values)
    ).tolist()
    bad: dict[int, str] = {}
    for i in others:
        text = arr[i].as_py()
        try:
            values[i] = _number(text)
        except ValueError:
            bad[i] = text
    return Numbers(values, bad, lambda i: str(arr[i].as_py()))


@dataclass(frozen=True, slots=True)
class ArrowRecords:
    """The screenable records of the nodes kept, built from the Arrow columns on demand."""

    table: pa.Table
    rows: g.IntArray
    source: str

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def records(self, nodes: Sequence[int]) -> list[Record]:
        idx = pa.array(np.asarray(nodes, dtype=np.int64))
        part = self.table.take(idx).to_pylist()
        maps: dict[tuple[str, ...], ColumnMap] = {}
        return [
            _record(row, int(self.rows[int(i)]), self.source, maps)
            for row, i in zip(part, nodes, strict=True)
        ]

    def column(self, name: str) -> Sequence[str | None]:
        if name not in self.table.column_names:
            return [None] * len(self)
        return self.table.column(name)  # type: ignore[no-any-return]

    def fed_by(self, fields: Sequence[str]) -> list[str]:
        """The columns that feed these record fields (as the record's column map assigns them)."""
        names = [c for c in self.table.column_names if c not in _NODE_ONLY]
        cmap = ColumnMap.from_headers(tuple(names))
        return [c for c, f in zip(names, cmap.fields, strict=True) if f is not None and f in fields]

    def distinct(self, fields: Sequence[str]) -> tuple[g.IntArray, g.IntArray]:
        """``(first, group)``: nodes grouped by equal values of the columns feeding ``fields``
        (exactly: each column is dictionary-encoded and the codes combined); groups numbered in
        order of appearance."""
        return _groups(self.table, self.fed_by(fields))

    def arrow(self, name: str) -> Any:
        """One column as an Arrow array (nulls where the column is absent)."""
        if name not in self.table.column_names:
            return pa.nulls(len(self), pa.string())
        return self.table.column(name)


def _groups(table: pa.Table, names: Sequence[str]) -> tuple[g.IntArray, g.IntArray]:
    """``(first, group)``: the rows grouped by equal values of these columns, groups numbered in
    order of appearance."""
    n = table.num_rows
    key = np.zeros(n, dtype=np.int64)
    for name in names:
        c = codes(table.column(name).combine_chunks())
        combined = key * (len(c.values) + 1) + (c.codes.astype(np.int64) + 1)
        key = np.unique(combined, return_inverse=True)[1].reshape(-1)
    _, first = np.unique(key, return_index=True)
    order = np.argsort(first, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(order.shape[0])
    return first[order].astype(np.int64), renumber[key].astype(np.int64)


def _mask(arr: Any) -> g.BoolArray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def record_errors(records: ArrowRecords) -> list[RowError]:
    """The problems building each row's record reports (control characters, over-long values,
    too many aliases, unusable coordinates), without building every record: a row is built
    only when a column shows it may have one, and coordinates once per distinct pair."""
    table, n = records.table, len(records)
    suspect = np.zeros(n, dtype=bool)
    aliases = np.zeros(n, dtype=np.int64)
    fields = ColumnMap.from_headers(tuple(c for c in table.column_names if c not in _NODE_ONLY))
    for name, fld in zip(fields.headers, fields.fields, strict=True):
        if fld is None:
            continue
        col = table.column(name)
        suspect |= _mask(pc.match_substring_regex(col, _CONTROL))
        suspect |= _mask(pc.greater(pc.utf8_length(col), MAX_FIELD_CHARS))
        if fld == "aliases":
            parts = pc.add(pc.count_substring_regex(col, "[;\uff1b]"), 1)
            aliases += np.asarray(pc.fill_null(parts, 0).to_numpy(zero_copy_only=False))
    suspect |= aliases > MAX_ALIASES
    out = [e for rec in records.records(np.flatnonzero(suspect).tolist()) for e in rec.errors]
    coords = [str(h) for h, f in zip(fields.headers, fields.fields, strict=True) if f in _LAT_LON]
    if not coords:
        return out
    given = np.zeros(n, dtype=bool)
    for name in coords:
        given |= _mask(pc.is_valid(table.column(name)))
    rest = np.flatnonzero(given & ~suspect)
    # coordinate problems depend only on the coordinate cells: one record per distinct pair
    part = ArrowRecords(table.select(coords).take(pa.array(rest)), records.rows[rest], "")
    first, group = _groups(part.table, coords)
    found = [rec.errors for rec in part.records(first.tolist())]
    for k in np.flatnonzero(np.isin(group, [i for i, e in enumerate(found) if e])).tolist():
        row = int(part.rows[k])
        out.extend(RowError(e.message, e.column, row, records.source) for e in found[group[k]])
    return out


def _col(table: pa.Table, name: str) -> Any:
    if name in table.column_names:
        return table.column(name).combine_chunks()
    return pa.nulls(table.num_rows, pa.string())


def _node_columns(path: Path) -> tuple[NodeColumns, list[RowError]]:
    reader = _Reader(path, "chain_node")
    table, rows = reader.read()
    source = str(path)

    def records(keep: g.IntArray) -> ArrowRecords:
        return ArrowRecords(table.take(pa.array(keep)), rows[keep], source)

    cols = NodeColumns(
        ids=_col(table, "id").to_pylist(),
        rows=rows,
        role=codes(_col(table, "role")),
        yield_=numbers(_col(table, "yield")),
        hs_code=codes(_col(table, "hs_code")),
        product=codes(_col(table, "product")),
        records=records,
        record_errors=record_errors(ArrowRecords(table, rows, source)),
    )
    return cols, reader.errors


def _edge_columns(path: Path) -> tuple[Callable[[tuple[str, ...]], EdgeColumns], list[RowError]]:
    reader = _Reader(path, "chain_edge", ("from", "to"))
    table, rows = reader.read(EDGE_COLUMNS)

    def resolve(ids: tuple[str, ...]) -> EdgeColumns:
        known = pa.array(ids, pa.string())
        both = pa.concat_arrays([_col(table, "from"), _col(table, "to")])
        # one look-up for both ends (the node ids are hashed once)
        found = pc.index_in(both, value_set=known).fill_null(UNKNOWN)
        idx = found.to_numpy(zero_copy_only=False).astype(np.int64)
        idx[~pc.is_valid(both).to_numpy(zero_copy_only=False)] = MISSING
        m = table.num_rows
        ends = {"from": idx[:m], "to": idx[m:]}
        return EdgeColumns(
            rows=rows,
            src=ends["from"],
            dst=ends["to"],
            ref_text=lambda i, col: str(_col(table, col)[i].as_py()),
            type=codes(_col(table, "type")),
            product=codes(_col(table, "product")),
            hs_code=codes(_col(table, "hs_code")),
            quantity=numbers(_col(table, "quantity")),
            unit=codes(_col(table, "unit")),
            value=numbers(_col(table, "value")),
            currency=codes(_col(table, "currency")),
            period=codes(_col(table, "period")),
            date=codes(_col(table, "date")),
            declared=codes(_col(table, "declared")),
            edge_id=codes(_col(table, "id")),
        )

    return resolve, reader.errors


def read_table_folder(folder: Path, *, require_ids: bool = False) -> ChainTable:
    """A chain folder as a :class:`ChainTable` (see the module docstring).

    Raises:
        ChainInputError: a file is missing, empty, undecodable, or lacks ``from``/``to``.
    """
    nodes_p, edges_p = folder / "nodes.csv", folder / "edges.csv"
    for p in (nodes_p, edges_p):
        if not p.is_file():
            raise ChainInputError(
                f"{folder}: missing {p.name} (a chain folder needs nodes.csv and edges.csv)"
            )
    node_cols, node_errs = _node_columns(nodes_p)
    resolve, edge_errs = _edge_columns(edges_p)
    table = build_table(
        node_cols,
        resolve,
        nodes_source=str(nodes_p),
        edges_source=str(edges_p),
        require_ids=require_ids,
    )
    # file-level reading problems first (they concern rows the validation may not see)
    return _with_file_errors(table, [*node_errs, *edge_errs])


def _with_file_errors(table: ChainTable, errors: Sequence[RowError]) -> ChainTable:
    return replace(table, errors=(*errors, *table.errors)) if errors else table
