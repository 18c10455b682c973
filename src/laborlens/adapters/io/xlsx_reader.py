"""XLSX workbooks: the sheet to read, rows streamed in read-only mode, formulas checked.

The sheet is the one named by ``--sheet`` (a name, or a 1-based number), else the first sheet
whose first rows hold a header naming a column to screen; which one is said in a note. Sheet
dimensions written by some programs are wrong (``A1:A1`` for a full sheet), and openpyxl's
read-only mode trusts them, so they are reset before reading: no row is dropped because of them.

Values are the ones the spreadsheet program saved for each formula. A workbook written by a
program that never calculated it holds formulas without saved values; such a cell would read as
empty, so when a sheet holds formulas it is read a second time for the formula text and every
formula without a saved value gets a row error naming its column.
"""

from __future__ import annotations

import re
import weakref
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from laborlens.adapters.io.rows import HEADER_SCAN, InputError, blank, find_header, no_columns
from laborlens.core.model import Record, RowError
from laborlens.core.records import ColumnMap, build_record

__all__ = ["xlsx_rows"]

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _open(path: Path, data_only: bool) -> Any:
    from openpyxl import load_workbook

    # opened here: a workbook openpyxl refuses half way is not closed by openpyxl itself
    handle = path.open("rb")
    try:
        book = load_workbook(handle, read_only=True, data_only=data_only)
        weakref.finalize(book, handle.close)  # closing the workbook leaves the file to us
        return book
    except Exception as exc:  # openpyxl raises many types for a broken or non-xlsx file
        handle.close()
        raise InputError(f"{path}: not a readable .xlsx workbook ({_why(exc)})") from exc


def _why(exc: BaseException) -> str:
    """One line: the error and, when it wraps another, the root cause (e.g. an XML entity
    declaration refused by defusedxml, the sign of an entity-expansion bomb)."""
    root: BaseException = exc
    while (root.__cause__ or root.__context__) is not None:
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
    text = " ".join(str(exc).split())[:200]
    if root is not exc:
        text += f"; cause: {type(root).__name__}: {' '.join(str(root).split())[:120]}"
    return text


def _rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    sheet.reset_dimensions()
    for row in sheet.iter_rows(values_only=True):
        yield tuple(row)


def _has_header(sheet: Any) -> bool:
    seen = 0
    for row in _rows(sheet):
        if blank(row):
            continue
        if ColumnMap.from_headers(list(row)).has_screenable_column():
            return True
        seen += 1
        if seen >= HEADER_SCAN:
            return False
    return False


def _pick(path: Path, book: Any, wanted: str | None) -> tuple[Any, str | None]:
    """The sheet to read and a note saying which (None when the workbook has one sheet)."""
    sheets = list(book.worksheets)
    names = ", ".join(f"'{s.title}'" for s in sheets)
    if not sheets:
        raise InputError(f"{path}: the workbook has no worksheet")
    if wanted is not None:
        for sheet in sheets:
            if sheet.title == wanted or sheet.title.strip().casefold() == wanted.casefold():
                return sheet, None
        if wanted.strip().isdigit() and 1 <= int(wanted) <= len(sheets):
            return sheets[int(wanted) - 1], None
        raise InputError(f"{path}: --sheet {wanted}: no such sheet; the sheets are {names}")
    if len(sheets) == 1:
        return sheets[0], None
    for number, sheet in enumerate(sheets, start=1):
        if _has_header(sheet):
            why = "the first" if number == 1 else "the first sheet"
            return sheet, (
                f"read sheet '{sheet.title}' ({number} of {len(sheets)}: {why} with a column "
                f"to screen; sheets: {names}); choose another with --sheet"
            )
    return sheets[0], None


def _formula_sheets(path: Path) -> bool:
    """Whether any worksheet part holds a formula (a quick byte scan, no XML parsing)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                    continue
                with archive.open(name) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if _FORMULA.search(tail + chunk):
                            return True
                        tail = chunk[-8:]
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _unsaved(values: tuple[Any, ...], formulas: tuple[Any, ...] | None) -> list[int]:
    if formulas is None:
        return []
    return [
        i
        for i, (v, f) in enumerate(zip(values, formulas, strict=False))
        if v is None and isinstance(f, str) and f.startswith("=")
    ]


def xlsx_rows(
    path: Path, sheet: str | None = None
) -> tuple[ColumnMap, Iterator[Record], list[str], str]:
    """The column map, the records, notes (which sheet was read) and the sheet's title."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    book = _open(path, data_only=True)
    try:
        ws, note = _pick(path, book, sheet)
    except InputError:
        book.close()
        raise
    except Exception as exc:  # a corrupt sheet part (XML ParseError, zlib error …)
        book.close()
        raise InputError(f"{path}: not a readable .xlsx workbook ({_why(exc)})") from exc
    formulas_book = _open(path, data_only=False) if _formula_sheets(path) else None
    formula_rows: Iterator[tuple[Any, ...]] | None = (
        _rows(formulas_book[ws.title]) if formulas_book is not None else None
    )

    def close() -> None:
        book.close()
        if formulas_book is not None:
            formulas_book.close()

    def cells() -> Iterator[tuple[tuple[Any, ...], list[int]]]:
        for values in _rows(ws):
            forms = next(formula_rows, None) if formula_rows is not None else None
            unsaved = _unsaved(values, forms)
            if unsaved or not blank(values):
                yield values, unsaved

    source_rows = cells()

    def next_row() -> tuple[tuple[Any, ...], list[int]] | None:
        try:
            return next(source_rows, None)
        except Exception as exc:  # a corrupt sheet part (XML ParseError, zlib error …)
            close()
            raise InputError(f"{path}: not a readable .xlsx workbook ({_why(exc)})") from exc

    header_row, pending = find_header(next_row, lambda item: item[0])
    if header_row is None:
        close()
        raise InputError(f"{path}: sheet '{ws.title}' is empty")
    header = header_row[0]
    width = len(header)
    while width and (header[width - 1] is None or not str(header[width - 1]).strip()):
        width -= 1  # trailing empty header cells (formatting) are not columns
    columns = ColumnMap.from_headers(list(header[:width]))
    first = pending.pop(0) if pending else next_row()
    if first is None:
        close()
        raise InputError(f"{path}: sheet '{ws.title}' has a header row but no data rows")
    if not columns.has_screenable_column():
        close()
        raise no_columns(path, columns, f"sheet '{ws.title}', header row")
    records = _records(path, columns, width, first, pending, source_rows, close)
    weakref.finalize(records, close)  # a generator dropped unread runs no `finally`
    return columns, records, ([f"{path}: {note}"] if note else []), ws.title


def _records(  # noqa: PLR0917 - the parts of one opened sheet
    path: Path,
    columns: ColumnMap,
    width: int,
    first: tuple[tuple[Any, ...], list[int]],
    pending: list[tuple[tuple[Any, ...], list[int]]],
    rest: Iterator[tuple[tuple[Any, ...], list[int]]],
    close: Any,
) -> Iterator[Record]:
    source = str(path)
    try:
        n = 1
        item: tuple[tuple[Any, ...], list[int]] | None = first
        while item is not None:
            values, unsaved = item
            trimmed = list(values)
            while len(trimmed) > width and trimmed[-1] is None:
                trimmed.pop()
            record = build_record(trimmed, columns, n, source)
            if unsaved:
                record = _flag_unsaved(record, columns, unsaved)
            yield record
            n += 1
            item = pending.pop(0) if pending else next(rest, None)
    finally:
        close()


def _flag_unsaved(record: Record, columns: ColumnMap, unsaved: list[int]) -> Record:
    from dataclasses import replace

    errors = tuple(
        RowError(
            "a formula without a saved value (the workbook was never calculated): open and "
            "save it in a spreadsheet program, or export CSV",
            columns.headers[i] if i < len(columns.headers) else f"column_{i + 1}",
            record.row,
            record.source,
        )
        for i in unsaved
    )
    return replace(record, errors=record.errors + errors)
