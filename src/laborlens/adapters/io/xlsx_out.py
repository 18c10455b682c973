"""The screening workbook (``laborlens screen ... -o results.xlsx``).

Sheets: *Results* (one row per input row, the CSV columns), *Findings* (one row per finding),
*Summary* (counts per risk and per regime outcome, the as-of date, the list versions) and
*Sources* (each list screened against: publisher, snapshot, version, completeness).

Written in openpyxl's streaming write-only mode so memory stays flat on huge inputs. In that
mode a sheet's column widths and frozen pane go out with its first row, so each data sheet keeps
its first :data:`_SAMPLE_ROWS` rows back, sizes the columns from them, then streams the rest;
the autofilter range is written when the sheet closes. Text cells always go through
:func:`laborlens.core.cells.xlsx_text` and are stored as text, never as formulas; row numbers and
scores are stored as numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.io.writers import (
    Pair,
    ReportMeta,
    Summary,
    _extras_of,
    _header,
    _pairs,
    _peek,
    flatten,
)
from laborlens.core.cells import xlsx_text
from laborlens.core.model import ListInfo, ScreenResult

XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet
_SAMPLE_ROWS = 200  # rows held back to size the columns
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_RISKS = ("high", "medium", "low", "none")
#: Fill colour (ARGB) of a risk cell: Excel's own "bad / neutral / good" palette plus blue.
RISK_FILLS: dict[str, str] = {
    "high": "FFFFC7CE",
    "medium": "FFFFEB9C",
    "low": "FFDDEBF7",
    "none": "FFC6EFCE",
}
_HEADER_FILL = "FF1F4E78"
_FINDING_COLUMNS = (
    "source", "row", "id", "kind", "list", "list_version", "entry_id", "entry_name",
    "matched_name", "score", "match", "region", "sector", "regime", "good", "country", "field",
    "algorithm", "why",
)  # fmt: skip
_SOURCE_COLUMNS = (
    "list", "title", "publisher", "source", "snapshot_date", "published", "version", "rows",
    "entries", "complete", "stale", "origin", "note",
)  # fmt: skip


class _Styles:
    """The few cell styles of the workbook, made once (openpyxl shares equal styles anyway)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.header_font = Font(bold=True, color="FFFFFFFF")
        self.header_fill = PatternFill("solid", start_color=_HEADER_FILL, end_color=_HEADER_FILL)
        self.header_align = Alignment(vertical="center")
        self.bold = Font(bold=True)
        self.risk = {
            risk: PatternFill("solid", start_color=argb, end_color=argb)
            for risk, argb in RISK_FILLS.items()
        }


def _text_cell(ws: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=xlsx_text(text))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _cells(ws: Any, values: Sequence[object]) -> list[Any]:
    """Write-only cells: text through the cell guard, dates formatted, numbers as numbers."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            row.append(_text_cell(ws, value))
        elif isinstance(value, date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        else:
            row.append(value)
    return row


def _width(value: object) -> int:
    text = value.isoformat() if isinstance(value, date) else str(value if value is not None else "")
    longest = max((len(line) for line in text.splitlines()), default=0)
    return min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


class _Sheets:
    """A data sheet with a styled, frozen, filtered header and sized columns, continuing in
    "<title> 2", "<title> 3" … when a sheet reaches Excel's row limit (a million-row input still
    gives a valid workbook). Call :meth:`close` before the workbook is saved."""

    def __init__(
        self,
        book: Any,
        title: str,
        header: Sequence[str],
        styles: _Styles,
        *,
        max_rows: int = XLSX_MAX_ROWS,
        risk_column: int | None = None,
        number_formats: dict[int, str] | None = None,
    ) -> None:
        self.book, self.title, self.header, self.styles = book, title, list(header), styles
        self.max_rows, self.risk_column = max_rows, risk_column
        self.number_formats = number_formats or {}
        self.widths = [_width(h) + 2 for h in self.header]  # room for the filter button
        self.pending: list[Sequence[object]] | None = []  # rows held back to size the columns
        self.count = 0
        self.rows = 0  # rows written to the current sheet, its header included
        self.sheet: Any = self._create()  # now, so that the sheets keep their order

    def append(self, values: Sequence[object]) -> None:
        if self.pending is not None:
            self.pending.append(values)
            for i, value in enumerate(values[: len(self.widths)]):
                self.widths[i] = max(self.widths[i], _width(value))
            if len(self.pending) >= _SAMPLE_ROWS:
                self._flush()
            return
        if self.rows == 0:
            self._start()
        elif self.rows >= self.max_rows:
            self._filter()
            self.sheet = self._create()
            self._start()
        self.sheet.append(self._row(values))
        self.rows += 1

    def close(self) -> None:
        if self.pending is not None:
            self._flush()
        if self.rows == 0:
            self._start()
        self._filter()

    def _flush(self) -> None:
        pending, self.pending = self.pending or [], None
        for values in pending:
            self.append(values)

    def _create(self) -> Any:
        self.count += 1
        name = self.title if self.count == 1 else f"{self.title} {self.count}"
        ws = self.book.create_sheet(name)
        ws.freeze_panes = "A2"
        return ws

    def _start(self) -> None:
        """Column widths (known once the sample is in), then the header row."""
        for i, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[_column_letter(i)].width = width
        self.sheet.append(self._header_row())
        self.rows = 1

    def _filter(self) -> None:
        last = _column_letter(max(1, len(self.header)))
        self.sheet.auto_filter.ref = f"A1:{last}{max(1, self.rows)}"

    def _header_row(self) -> list[Any]:
        row = []
        for name in self.header:
            cell = _text_cell(self.sheet, name)
            cell.font, cell.fill = self.styles.header_font, self.styles.header_fill
            cell.alignment = self.styles.header_align
            row.append(cell)
        return row

    def _row(self, values: Sequence[object]) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell

        row = _cells(self.sheet, values)
        for i, fmt in self.number_formats.items():
            if i < len(row) and isinstance(row[i], int | float) and not isinstance(row[i], bool):
                row[i] = WriteOnlyCell(self.sheet, value=row[i])
                row[i].number_format = fmt
        col = self.risk_column
        if col is not None and col < len(values) and values[col] in self.styles.risk:
            row[col].fill = self.styles.risk[str(values[col])]
        return row


def _finding_rows(result: ScreenResult, source: str) -> Iterable[list[object]]:
    for f in result.findings:
        yield [
            source, result.row, result.id, f.kind, f.list, f.list_version, f.entry_id,
            f.entry_name, f.matched_name, round(f.score, 4), f.match, f.region, f.sector,
            f.regime, f.good, f.country, f.field, f.algorithm, f.why,
        ]  # fmt: skip


def _source_note(info: ListInfo) -> str:
    notes = [info.completeness_note or ""]
    if info.stale and "stale" not in notes[0].lower():
        cadence = f" ({info.cadence})" if info.cadence else ""
        notes.append(f"stale: older than the publisher's update cadence{cadence}")
    return "; ".join(n for n in notes if n)


def _write_sources(book: Any, meta: ReportMeta, styles: _Styles) -> None:
    sheet = _Sheets(book, "Sources", _SOURCE_COLUMNS, styles)
    for info in meta.lists:
        sheet.append(
            [info.list_id, info.title, info.publisher, info.source, info.snapshot_date,
             info.published, info.version, info.rows, info.entries,
             "yes" if info.complete else "NO", "STALE" if info.stale else "no", info.origin,
             _source_note(info)]
        )  # fmt: skip
    sheet.close()


def _write_summary(
    ws: Any,
    meta: ReportMeta,
    summary: Summary,
    outcomes: Counter[tuple[str, str]],
    styles: _Styles,
) -> None:
    """Label/value pairs and two small tables; the sheet's widths were set before its rows."""

    def heading(*titles: str) -> None:
        cells = _cells(ws, titles)
        for cell in cells:
            cell.font = styles.bold
        ws.append(cells)

    heading("laborlens screening", "")
    for label, value in (
        ("as of", meta.as_of),
        ("generated", meta.generated.strftime("%Y-%m-%d %H:%M UTC")),
        ("inputs", "; ".join(meta.inputs)),
        ("algorithms", ", ".join(meta.algorithms)),
        ("laborlens", meta.version),
    ):
        ws.append(_cells(ws, [label, value]))
    ws.append([])
    heading("risk", "rows")
    for risk in _RISKS:
        cells = _cells(ws, [risk, summary.by_risk.get(risk, 0)])
        cells[0].fill = styles.risk[risk]
        ws.append(cells)
    for label, count in (
        ("rows", summary.rows),
        ("rows with findings", summary.with_findings),
        ("rows with errors", summary.with_errors),
    ):
        ws.append(_cells(ws, [label, count]))
    ws.append([])
    heading("regime", "outcome", "rows")
    for (regime, outcome), count in sorted(outcomes.items()):
        ws.append(_cells(ws, [regime, outcome, count]))
    ws.append([])
    heading("list", "version", "complete")
    for info in meta.lists:
        ws.append(_cells(ws, [info.list_id, info.version, "yes" if info.complete else "NO"]))
    for warning in meta.warnings():
        ws.append(_cells(ws, ["warning", warning]))


def write_screen_xlsx(
    items: Iterable[ScreenResult | Pair],
    path: str | Path,
    meta: ReportMeta,
    *,
    max_rows: int = XLSX_MAX_ROWS,
) -> Summary:
    """Write the screening workbook; see the module docstring for its sheets."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    styles = _Styles()
    summary = Summary()
    outcomes: Counter[tuple[str, str]] = Counter()
    first, pairs = _peek(_pairs(items))
    regimes = [o.regime for o in first[0].regimes] if first else []
    extras = _extras_of(meta, first)
    header = _header(regimes, extras)
    results = _Sheets(
        book, "Results", header, styles, max_rows=max_rows, risk_column=header.index("risk")
    )
    findings = _Sheets(
        book, "Findings", _FINDING_COLUMNS, styles, max_rows=max_rows,
        number_formats={_FINDING_COLUMNS.index("score"): "0.000"},
    )  # fmt: skip
    for result, record in pairs:
        flat: list[object] = list(flatten(result, record, regimes, extras))
        flat[1] = result.row
        results.append(flat)
        source = (record.source or "") if record else ""
        for row in _finding_rows(result, source):
            findings.append(row)
        summary.add(result)
        outcomes.update((o.regime, o.outcome) for o in result.regimes)
    results.close()
    findings.close()
    summary_ws = book.create_sheet("Summary")
    for letter, width in zip("ABC", (22, 60, 12), strict=True):
        summary_ws.column_dimensions[letter].width = width
    _write_summary(summary_ws, meta, summary, outcomes, styles)
    _write_sources(book, meta, styles)
    book.save(str(path))
    return summary
