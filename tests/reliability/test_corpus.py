"""The malformed-input corpus through `laborlens screen`, in every output format.

For each case: either exactly the stated number of output records in JSON Lines, CSV, XLSX,
HTML and the terminal table (and no formula in the CSV/XLSX files), or a clean refusal: exit
code 2, one line on stderr naming the file, no output file and no temporary file left behind.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from laborlens.core.cells import is_formula_like
from laborlens.interfaces.cli.main import app

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

FILE_FORMATS = ("jsonl", "csv", "xlsx", "html")
runner = CliRunner()


def _run(path: Path, *args: str) -> Any:
    return runner.invoke(app, ["screen", str(path), "--as-of", "2026-06-30", *args])


def _count(fmt: str, target: Path) -> int:
    if fmt == "jsonl":
        return len(target.read_text(encoding="utf-8").splitlines())
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
        for row in rows:
            assert not any(is_formula_like(c) for c in row), row
        return len(rows) - 1
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(target)
        total = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", cell.value
                    assert not (isinstance(cell.value, str) and is_formula_like(cell.value))
            if sheet.title.startswith("Results"):
                total += sheet.max_row - 1
        return total
    html = target.read_text(encoding="utf-8")
    found = re.search(r"rows screened</th>.*?<tr><td>(\d+)</td>", html, re.S)
    assert found, "no summary in the HTML report"
    return int(found.group(1))


@pytest.mark.parametrize("case", corpus.CASES, ids=[c.name for c in corpus.CASES])
def test_corpus_case(tmp_path: Path, case: corpus.Case) -> None:
    source = tmp_path / case.name
    case.build(source)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for fmt in FILE_FORMATS:
        target = out_dir / f"result.{fmt}"
        result = _run(source, *case.args, "-o", str(target))
        assert "Traceback" not in result.output
        if case.rows is None:
            _assert_refused(result, case, source)
            assert list(out_dir.iterdir()) == [], "a refused run left a file"
            continue
        assert result.exit_code == 0, result.output
        assert _count(fmt, target) == case.rows, fmt
        if fmt == "jsonl":
            _check_jsonl(case, target, result.stderr)
        if fmt == "csv":
            output = target.read_text(encoding="utf-8-sig") + (out_dir / "result.jsonl").read_text(
                encoding="utf-8"
            )
            for wanted in case.text:
                assert wanted in output, wanted
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        f"result.{f}" for f in FILE_FORMATS if case.rows is not None
    )
    table = _run(source, *case.args, "--format", "table")
    assert "Traceback" not in table.output
    if case.rows is None:
        _assert_refused(table, case, source)
        assert table.stdout == ""
    else:
        assert table.exit_code == 0, table.output
        plural = "" if case.rows == 1 else "s"
        assert f"{case.rows} row{plural}:" in table.stdout


def _assert_refused(result: Any, case: corpus.Case, source: Path) -> None:
    assert result.exit_code == 2, result.output
    notes = ("laborlens screen: warning: ", "laborlens screen: note: ")
    errors = [line for line in result.stderr.splitlines() if not line.startswith(notes)]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("laborlens screen: error: ")
    assert source.name in errors[0]
    assert re.search(case.refusal, errors[0]), errors[0]


def _check_jsonl(case: corpus.Case, target: Path, stderr: str) -> None:
    text = target.read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["row"] for r in records] == list(range(1, len(records) + 1))
    if case.error_rows is not None:
        assert sum(bool(r["errors"]) for r in records) == case.error_rows, [
            r["errors"] for r in records if r["errors"]
        ]
    if case.stderr:
        assert re.search(case.stderr, stderr), stderr


def test_the_corpus_is_large_and_varied() -> None:
    assert len(corpus.CASES) >= 60
    assert len({c.name for c in corpus.CASES}) == len(corpus.CASES)
    suffixes = {Path(c.name).suffix for c in corpus.CASES}
    assert {".csv", ".tsv", ".txt", ".xlsx", ".json", ".jsonl", ".gz", ".zip", ".parquet"} <= (
        suffixes
    )
    assert sum(c.rows is None for c in corpus.CASES) >= 20
