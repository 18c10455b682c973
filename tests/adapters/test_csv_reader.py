"""Stray quotes never swallow rows (laborlens.adapters.io.csv_reader)."""

from __future__ import annotations

import io

from laborlens.adapters.io.csv_reader import MAX_QUOTED_LINES, CsvRow, read_csv_rows


def _rows(text: str, delimiter: str = ",") -> list[CsvRow]:
    return list(read_csv_rows(iter(io.StringIO(text, newline="")), delimiter))


def test_unclosed_quote_early_keeps_the_other_rows() -> None:
    body = "".join(f"{i},Supplier {i},x\n" for i in range(3, 1001))
    rows = _rows('id,name,address\n1,Foo,x\n2,"Bar Ltd,y\n' + body)
    assert len(rows) == 1 + 1000
    bad = rows[2]
    assert bad.cells == ["2", '"Bar Ltd', "y"] and bad.line == 3
    assert bad.problems == [
        "line 3: a quoted field opens here but it is never closed; the quote was read as a "
        "character so that the lines below it are read as rows"
    ]
    assert all(not r.problems for i, r in enumerate(rows) if i != 2)
    assert rows[-1].cells == ["1000", "Supplier 1000", "x"] and rows[-1].line == 1001


def test_proper_multiline_cells_are_kept() -> None:
    rows = _rows('name;address\nFoo;"Room 5\nBuilding ""3"""\nBar;y\n', ";")
    assert [r.cells for r in rows[1:]] == [["Foo", 'Room 5\nBuilding "3"'], ["Bar", "y"]]
    assert [r.line for r in rows] == [1, 2, 4]


def test_a_quoted_field_longer_than_the_limit_is_a_stray_quote() -> None:
    lines = "".join(f"line {i}\n" for i in range(MAX_QUOTED_LINES + 5))
    rows = _rows('name,notes\nFoo,"' + lines + 'end"\n')
    assert len(rows) > MAX_QUOTED_LINES
    assert "never closed" in rows[1].problems[0]


def test_a_line_csv_rejects_is_one_row_with_an_error() -> None:
    rows = _rows("name,notes\nFoo,x\nBar," + "y" * (17 * 1024 * 1024) + "\nBaz,z\n")
    assert [r.line for r in rows] == [1, 2, 3, 4]
    assert rows[2].cells == [] and "line 3: not valid CSV" in rows[2].problems[0]
    assert rows[3].cells == ["Baz", "z"]
