"""Exports of a saved screening: CSV, XLSX, HTML and Parquet, worst rows first.

Cells that a spreadsheet would run as a formula (beginning with ``=``, ``+``, ``-``, ``@``, tab
or carriage return; OWASP's CSV-injection guidance) are prefixed with ``'`` in CSV; XLSX cells
are typed as text; HTML is escaped.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from laborlens.core.cells import safe_row, xlsx_text

EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", ".csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "html": ("text/html; charset=utf-8", ".html"),
    "parquet": ("application/vnd.apache.parquet", ".parquet"),
}

COLUMNS: tuple[str, ...] = (
    "row",
    "id",
    "name",
    "country",
    "status",
    "score",
    "findings",
    "lists",
    "regimes",
    "errors",
)


def finding_text(f: Mapping[str, Any]) -> str:
    what = f.get("entry_name") or f.get("label") or f.get("sector") or f.get("good") or ""
    band = f" [{f['match']}]" if f.get("match") else ""
    where = f" ({f['list']})" if f.get("list") else ""
    return f"{f.get('kind')}: {what}{where}{band}"


def flat(row: Mapping[str, Any]) -> dict[str, Any]:
    """One stored result row as export columns."""
    result = row["data"].get("result", {})
    return {
        "row": row["row"],
        "id": row.get("record_id"),
        "name": row.get("name"),
        "country": row.get("country"),
        "status": row["data"].get("status"),
        "score": row.get("score"),
        "findings": "; ".join(finding_text(f) for f in result.get("findings", [])),
        "lists": ", ".join(row.get("lists", [])),
        "regimes": "; ".join(f"{o['regime']}: {o['outcome']}" for o in result.get("regimes", [])),
        "errors": row.get("errors") or "",
    }


def _rows(batches: Iterable[list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for batch in batches:
        for row in batch:
            yield flat(row)


def write_csv(batches: Iterable[list[dict[str, Any]]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    n = 0
    for r in _rows(batches):
        writer.writerow(safe_row(r[c] for c in COLUMNS))
        n += 1
    return n


def write_xlsx(batches: Iterable[list[dict[str, Any]]], path: Path, meta: Mapping[str, Any]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Results")

    def cells(values: Iterable[Any]) -> list[Any]:
        out: list[Any] = []
        for v in values:
            if isinstance(v, str):
                c = WriteOnlyCell(sheet, value=xlsx_text(v))
                c.data_type = "s"  # text, never a formula
                out.append(c)
            else:
                out.append(v)
        return out

    sheet.append(cells(COLUMNS))
    n = 0
    for r in _rows(batches):
        sheet.append(cells(r[c] for c in COLUMNS))
        n += 1
    about = book.create_sheet("About")
    for key, value in meta.items():
        about.append(cells([str(key), str(value)]))
    book.save(str(path))
    return n


def write_parquet(batches: Iterable[list[dict[str, Any]]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [("row", pa.int64()), ("score", pa.float64())]
        + [(c, pa.string()) for c in COLUMNS if c not in ("row", "score")]
    )
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in batches:
            rows = [flat(r) for r in batch]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            n += len(rows)
    return n


def write_html(
    batches: Iterable[list[dict[str, Any]]], out: TextIO, meta: Mapping[str, Any]
) -> int:
    e = html.escape
    out.write(
        "<!doctype html><html><head><meta charset='utf-8'><title>laborlens screening</title>"
        "<style>body{font:14px sans-serif}td,th{border:1px solid #ccc;padding:3px 6px;"
        "vertical-align:top}table{border-collapse:collapse}.high{color:#a00}</style></head>"
        "<body><h1>Screening results</h1><dl>"
    )
    for key, value in meta.items():
        out.write(f"<dt>{e(str(key))}</dt><dd>{e(str(value))}</dd>")
    out.write("</dl><table><thead><tr>")
    out.write("".join(f"<th>{e(c)}</th>" for c in COLUMNS) + "</tr></thead><tbody>")
    n = 0
    for r in _rows(batches):
        cls = e(str(r["status"]).replace(" ", "_"))
        out.write(f"<tr class='{cls}'>")
        out.write("".join(f"<td>{e(str(r[c] if r[c] is not None else ''))}</td>" for c in COLUMNS))
        out.write("</tr>")
        n += 1
    out.write("</tbody></table></body></html>")
    return n


def export(
    fmt: str, batches: Iterable[list[dict[str, Any]]], path: Path, meta: Mapping[str, Any]
) -> int:
    """Write the rows to ``path`` in ``fmt``; returns the number of rows."""
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            return write_csv(batches, fh)
    if fmt == "html":
        with path.open("w", encoding="utf-8") as fh:
            return write_html(batches, fh, meta)
    if fmt == "xlsx":
        return write_xlsx(batches, path, meta)
    if fmt == "parquet":
        return write_parquet(batches, path)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
