"""The screening workbook: styled, frozen, filtered sheets, risk colours, numbers as numbers,
Summary and Sources sheets, and text that never becomes a formula."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from laborlens.adapters.io.writers import FLAT_COLUMNS, ReportMeta, write_results
from laborlens.adapters.io.xlsx_out import RISK_FILLS, write_screen_xlsx
from laborlens.core.model import Finding, ListInfo, Reason, Record, RegimeOutcome, ScreenResult

AS_OF = date(2026, 1, 1)
HIT = Finding(
    kind="listed_entity",
    list="us_uflpa_entity_list",
    entry_id="e1",
    entry_name="Foo Industrial Co., Ltd.",
    matched_name="Foo Industrial",
    score=0.9712,
    match="strong",
    why="name equals",
)
LISTS = (
    ListInfo(
        list_id="us_uflpa_entity_list",
        title="UFLPA Entity List",
        publisher="DHS FLETF",
        source="https://www.dhs.gov/uflpa-entity-list",
        snapshot_date=date(2025, 6, 1),
        rows=144,
        entries=144,
        sha256="ab" * 32,
        complete=True,
        cadence="as amended",
        stale=True,
    ),
    ListInfo(
        list_id="cbp_wro",
        title="Withhold Release Orders and Findings",
        publisher="CBP",
        source="https://www.cbp.gov/",
        snapshot_date=date(2025, 12, 1),
        rows=80,
        entries=75,
        sha256="cd" * 32,
        complete=False,
        completeness_note="partial: findings only",
    ),
)
META = ReportMeta(
    as_of=AS_OF,
    lists=LISTS,
    inputs=("suppliers.csv",),
    algorithms=("names-v1",),
    generated=datetime(2026, 1, 2, 3, 4),
)
RISKS = ("high", "medium", "low", "none")


def _result(row: int, risk: str, outcome: str, findings: tuple[Finding, ...] = ()) -> ScreenResult:
    return ScreenResult(
        row=row,
        id=f"S-{row}",
        risk=risk,  # type: ignore[arg-type]
        findings=findings,
        regimes=(
            RegimeOutcome("us_uflpa", outcome, (Reason("r", "c"),)),
            RegimeOutcome("us_307", "no_trigger"),
        ),
        as_of=AS_OF,
    )


def _pairs(n: int = 8) -> list[tuple[ScreenResult, Record]]:
    pairs = []
    for row in range(1, n + 1):
        risk = RISKS[row % 4]
        found = (HIT,) if risk == "high" else ()
        outcome = "presumption" if risk == "high" else "no_trigger"
        name = '=HYPERLINK("http://x","Click")' if row == 2 else f"Supplier {row}"
        pairs.append(
            (
                _result(row, risk, outcome, found),
                Record(row=row, id=f"S-{row}", name=name, source="suppliers.csv"),
            )
        )
    return pairs


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx") / "results.xlsx"
    write_results(_pairs(), "xlsx", path, META)
    return load_workbook(path)


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def test_sheets_in_order(book: Any) -> None:
    assert book.sheetnames == ["Results", "Findings", "Summary", "Sources"]


@pytest.mark.parametrize("sheet", ["Results", "Findings", "Sources"])
def test_header_is_styled_frozen_and_filtered(book: Any, sheet: str) -> None:
    ws = book[sheet]
    assert ws.freeze_panes == "A2"
    last_col = ws.cell(row=1, column=ws.max_column).column_letter
    assert ws.auto_filter.ref == f"A1:{last_col}{ws.max_row}"
    header = ws["A1"]
    assert header.font.bold and header.fill.fill_type == "solid"
    assert header.fill.fgColor.rgb not in (None, "00000000")


def test_filter_covers_every_results_row(book: Any) -> None:
    assert book["Results"].auto_filter.ref.endswith(str(1 + len(_pairs())))


def test_column_widths_are_set_and_capped(book: Any) -> None:
    ws = book["Results"]
    header = _rows(ws)[0]
    widths = {
        name: ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width
        for i, name in enumerate(header)
    }
    assert all(6 <= w <= 60 for w in widths.values()), widths
    # sized from the content: a listed-entity label is wider than the row number
    assert widths["listed_entities"] > widths["row"]


def test_long_text_widths_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    result, record = _pairs(1)[0]
    write_screen_xlsx([(result, replace(record, name="N" * 300))], path, META)
    ws = load_workbook(path)["Results"]
    assert ws.column_dimensions["D"].width == 60


def test_risk_cells_are_coloured_by_level(book: Any) -> None:
    ws = book["Results"]
    col = FLAT_COLUMNS.index("risk") + 1
    seen = {}
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(row=r, column=col)
        seen[cell.value] = cell.fill.fgColor.rgb
    assert seen == RISK_FILLS


def test_numbers_are_numbers(book: Any) -> None:
    results = book["Results"]
    row_cell = results.cell(row=2, column=FLAT_COLUMNS.index("row") + 1)
    assert row_cell.data_type == "n" and row_cell.value == 1
    findings = book["Findings"]
    header = _rows(findings)[0]
    score = findings.cell(row=2, column=header.index("score") + 1)
    assert score.data_type == "n" and score.value == pytest.approx(0.9712)
    assert findings.cell(row=2, column=header.index("row") + 1).data_type == "n"


def test_formula_like_name_stays_inert_text(book: Any, tmp_path: Path) -> None:
    ws = book["Results"]
    cell = ws.cell(row=3, column=FLAT_COLUMNS.index("name") + 1)
    assert cell.data_type == "s"
    assert cell.value == """'=HYPERLINK("http://x","Click")"""
    path = tmp_path / "f.xlsx"
    write_results(_pairs(), "xlsx", path, META)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_summary_counts_risks_outcomes_and_lists(book: Any) -> None:
    rows = _rows(book["Summary"])
    pairs = {r[0]: r[1] for r in rows if r and r[0] is not None}
    assert pairs["as of"] == datetime(2026, 1, 1)  # a real date cell
    for risk in RISKS:
        assert pairs[risk] == 2
    assert (
        pairs["rows"] == 8 and pairs["rows with findings"] == 2 and pairs["rows with errors"] == 0
    )
    outcomes = {(r[0], r[1]): r[2] for r in rows if len(r) > 2 and isinstance(r[2], int)}
    assert outcomes == {
        ("us_307", "no_trigger"): 8,
        ("us_uflpa", "no_trigger"): 6,
        ("us_uflpa", "presumption"): 2,
    }
    versions = {r[0]: r[1] for r in rows if r[0] in ("us_uflpa_entity_list", "cbp_wro")}
    assert versions == {i.list_id: i.version for i in LISTS}
    risk_cell = next(c for row in book["Summary"].iter_rows() for c in row if c.value == "high")
    assert risk_cell.fill.fgColor.rgb == RISK_FILLS["high"]


def test_sources_lists_each_list_with_notes(book: Any) -> None:
    rows = _rows(book["Sources"])
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {"us_uflpa_entity_list", "cbp_wro"}
    uflpa = by_id["us_uflpa_entity_list"]
    assert uflpa["title"] == "UFLPA Entity List" and uflpa["publisher"] == "DHS FLETF"
    assert uflpa["snapshot_date"] == datetime(2025, 6, 1)
    assert uflpa["version"] == LISTS[0].version and uflpa["rows"] == 144
    assert uflpa["stale"] == "STALE" and "stale" in uflpa["note"]
    wro = by_id["cbp_wro"]
    assert wro["complete"] == "NO" and wro["note"] == "partial: findings only"


def test_row_limit_continues_with_styled_sheets(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    summary = write_screen_xlsx(_pairs(5), path, META, max_rows=3)
    book = load_workbook(path)
    names = [n for n in book.sheetnames if n.startswith("Results")]
    assert names == ["Results", "Results 2", "Results 3"]
    for name in names:
        ws = book[name]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert ws.auto_filter.ref.endswith(str(ws.max_row))
    assert summary.rows == 5


def test_more_rows_than_the_width_sample(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    write_screen_xlsx(_pairs(450), path, META)
    book = load_workbook(path, read_only=True)
    rows = list(book["Results"].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == list(range(1, 451))


def test_empty_input_still_gives_headers(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_screen_xlsx([], path, META)
    book = load_workbook(path)
    assert _rows(book["Results"])[0][: len(FLAT_COLUMNS)] == FLAT_COLUMNS
    assert book["Results"].auto_filter.ref.endswith("1")
