"""Workbooks (laborlens.adapters.io.xlsx_reader): which sheet, no row lost, XML bombs refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from laborlens.adapters.io.readers import InputError, open_records


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


DATA: list[list[object]] = [["Supplier Name", "City"], ["Foo Ltd", "Urumqi"], ["Bar Ltd", "Ningbo"]]


def test_openpyxl_parses_through_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # entity declarations (XML bombs) are refused


def test_the_sheet_with_the_header_is_chosen_and_named(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", {"Cover": [["Supplier list"], ["2026"]], "Data": DATA})
    stream = open_records(path)
    assert stream.sheet == "Data"
    assert [r.name for r in stream.records()] == ["Foo Ltd", "Bar Ltd"]
    assert stream.warnings == [
        f"{path}: read sheet 'Data' (2 of 2: the first sheet with a column to screen; sheets: "
        "'Cover', 'Data'); choose another with --sheet"
    ]


@pytest.mark.parametrize("wanted", ["2", "Data", "data"])
def test_sheet_by_number_or_name(tmp_path: Path, wanted: str) -> None:
    path = _book(tmp_path / "b.xlsx", {"Old": DATA[:2], "Data": DATA})
    stream = open_records(path, sheet=wanted)
    assert stream.sheet == "Data" and stream.warnings == []
    assert len(list(stream.records())) == 2


def test_unknown_sheet_and_sheet_on_a_csv(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", {"A": DATA})
    with pytest.raises(InputError, match=r"--sheet 3: no such sheet; the sheets are 'A'"):
        open_records(path, sheet="3")
    csv = tmp_path / "a.csv"
    csv.write_text("name\nFoo\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"--sheet applies to \.xlsx workbooks only"):
        open_records(csv, sheet="1")


def test_formula_without_saved_value_is_flagged(tmp_path: Path) -> None:
    path = _book(tmp_path / "f.xlsx", {"S": [["name", "city"], ["Foo", '=CONCAT("Urum","qi")']]})
    (record,) = list(open_records(path).records())
    assert record.name == "Foo" and record.address is None
    assert [e.column for e in record.errors] == ["city"]
    assert "formula without a saved value" in record.errors[0].message
