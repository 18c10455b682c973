"""What every reader shares: opening (de)compressed bytes, the header search, row flags."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TypeVar, cast

from laborlens.adapters.io.encoding import InputError
from laborlens.core.model import RECORD_FIELDS, Record, RowError
from laborlens.core.records import ColumnMap

__all__ = [
    "HEADER_SCAN",
    "SAMPLE_BYTES",
    "TEXT_FIELDS",
    "InputError",
    "blank",
    "find_header",
    "flag_replaced",
    "no_columns",
    "open_binary",
    "read_sample",
    "text_stream",
]

SAMPLE_BYTES = 1 << 20  # bytes used to detect the encoding and check it decodes
#: Rows searched for the header (title lines of ERP exports come first).
HEADER_SCAN = 10
#: The single-text record fields (aliases and coordinates are handled on their own).
TEXT_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("aliases", "lat", "lon"))
_Row = TypeVar("_Row")


def open_binary(path: Path, compression: str | None, member: str | None = None) -> IO[bytes]:
    """The bytes of ``path``, decompressed on the fly (``gz``, ``bz2``, ``xz`` or one ``zip``
    member)."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        if compression == "gz":
            return cast(IO[bytes], gzip.open(path, "rb"))
        if compression == "bz2":
            return cast(IO[bytes], bz2.open(path, "rb"))
        if compression == "xz":
            return cast(IO[bytes], lzma.open(path, "rb"))
        if compression == "zip" and member is not None:
            return zipfile.ZipFile(path).open(member)
        return path.open("rb")
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: cannot open: {getattr(exc, 'strerror', None) or exc}") from exc


def read_sample(raw: IO[bytes], path: Path) -> bytes:
    """The first :data:`SAMPLE_BYTES` bytes; the stream is rewound (or reopened by the caller)."""
    try:
        sample = raw.read(SAMPLE_BYTES)
        raw.seek(0)
    except (OSError, EOFError, ValueError, lzma.LZMAError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    return sample


def text_stream(raw: IO[bytes], encoding: str) -> io.TextIOWrapper:
    """Text of ``raw``: undecodable bytes become U+FFFD (flagged per row), newlines untouched."""
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


def blank(cells: Sequence[object]) -> bool:
    """Whether every cell is empty or whitespace."""
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def flag_replaced(record: Record, encoding: str) -> Record:
    """Add an error for each field that holds U+FFFD from undecodable bytes."""
    bad = [f for f in TEXT_FIELDS if "\ufffd" in (getattr(record, f) or "")]
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


def add_errors(record: Record, messages: Sequence[str]) -> Record:
    """``record`` with row errors (no column) added."""
    if not messages:
        return record
    extra = tuple(RowError(m, None, record.row, record.source) for m in messages)
    return replace(record, errors=record.errors + extra)


def find_header(
    next_row: Callable[[], _Row | None],
    cells: Callable[[_Row], Sequence[object]] | None = None,
) -> tuple[_Row | None, list[_Row]]:
    """The header row: the first of the first few non-blank rows that names a column to screen.

    ERP and spreadsheet exports often put a title ("Supplier master, May 2025") and a blank line
    above the header; those rows are skipped. When no row qualifies, the first row is the header
    (and the caller reports that it has no column to screen).

    Args:
        next_row: the next non-blank row (``None`` at the end).
        cells: the cells of a row, when a row is more than its cells.

    Returns:
        The header (``None`` for no rows at all) and rows read past it, to be read as data.
    """
    seen: list[_Row] = []
    while len(seen) < HEADER_SCAN:
        row = next_row()
        if row is None:
            break
        values = cells(row) if cells else cast(Sequence[object], row)
        if ColumnMap.from_headers(list(values)).has_screenable_column():
            return row, []
        seen.append(row)
    if not seen:
        return None, []
    return seen[0], seen[1:]


def no_columns(path: Path | str, columns: ColumnMap, where: str = "row 1 (header)") -> InputError:
    """The error for a file whose header names no column to screen."""
    shown = ", ".join(columns.headers[:12])
    return InputError(
        f"{path}: {where}: no column to screen; expected one of name, address, "
        f"registration_id, hs_code, product (or a synonym such as supplier_name, 地址, hts); "
        f"found: {shown}"
    )
