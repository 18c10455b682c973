"""Writers: JSONL contract, CSV/XLSX flattening, table and HTML reports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from laborlens.adapters.io.writers import (
    FLAT_COLUMNS,
    OutputError,
    ReportMeta,
    choose_format,
    collect,
    write_results,
)
from laborlens.core.lists import load_bundled
from laborlens.core.model import Finding, Reason, Record, RegimeOutcome, RowError, ScreenResult

AS_OF = date(2026, 1, 1)
REGIMES = (
    RegimeOutcome("us_uflpa", "presumption", (Reason("listed: Foo", "entity_list"),)),
    RegimeOutcome("us_307", "no_trigger"),
)


def _result(
    row: int,
    risk: str = "none",
    *,
    findings: tuple[Finding, ...] = (),
    errors: tuple[RowError, ...] = (),
    extra: tuple[tuple[str, str], ...] = (),
) -> ScreenResult:
    return ScreenResult(
        row=row,
        id=f"S-{row}",
        risk=risk,  # type: ignore[arg-type]
        findings=findings,
        regimes=REGIMES,
        errors=errors,
        extra=extra,
        as_of=AS_OF,
    )


HIT = Finding(
    kind="listed_entity",
    list="us_uflpa_entity_list",
    entry_id="e1",
    entry_name="Foo <Industrial> Co., Ltd.",
    matched_name="Foo Industrial",
    score=0.97,
    match="strong",
    why="name 'Foo' equals 'Foo <Industrial>'",
)
REGION = Finding(
    kind="region",
    region="CN-XJ",
    label="Xinjiang Uygur Autonomous Region",
    evidence=("乌鲁木齐",),
    score=0.99,
    why="address names 乌鲁木齐",
)


def _sample() -> list[tuple[ScreenResult, Record | None]]:
    return [
        (
            _result(1, extra=(("buyer", "Ann"),)),
            Record(row=1, id="S-1", name="Plain Co", source="a.csv"),
        ),
        (
            _result(2, "high", findings=(HIT, REGION), extra=(("buyer", "=cmd|' /C calc'!A0"),)),
            Record(row=2, id="S-2", name="Foo Industrial", source="a.csv"),
        ),
        (_result(3, "medium", findings=(REGION,), extra=(("buyer", "Bo"),)), None),
        (
            _result(
                4, errors=(RowError("nothing to screen", None, 4, "a.csv"),), extra=(("buyer", ""),)
            ),
            None,
        ),
    ]


META = ReportMeta(
    as_of=AS_OF,
    lists=tuple(rl.info for rl in load_bundled().lists),
    inputs=("a.csv",),
    algorithms=("names-v1",),
)


def test_jsonl_is_exactly_to_dict_one_line_per_row() -> None:
    out = io.StringIO()
    summary = write_results(_sample(), "jsonl", out, META)
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [r.to_dict() for r, _ in _sample()]
    assert summary.rows == 4 and summary.by_risk["high"] == 1 and summary.with_errors == 1
    assert "乌鲁木齐" in lines[1]  # not \\u-escaped


def test_plain_results_are_accepted() -> None:
    out = io.StringIO()
    write_results([r for r, _ in _sample()], "jsonl", out, META)
    assert len(out.getvalue().splitlines()) == 4


def test_csv_flattens_findings_and_keeps_extras() -> None:
    out = io.StringIO()
    write_results(_sample(), "csv", out, META)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0])[: len(FLAT_COLUMNS)] == list(FLAT_COLUMNS)
    assert list(rows[0])[-3:] == ["regime_us_uflpa", "regime_us_307", "buyer"]
    assert [r["row"] for r in rows] == ["1", "2", "3", "4"]
    hit = rows[1]
    assert hit["risk"] == "high" and hit["name"] == "Foo Industrial" and hit["source"] == "a.csv"
    assert "Foo <Industrial> Co., Ltd." in hit["listed_entities"]
    assert "strong" in hit["listed_entities"]
    assert hit["regions"].startswith("CN-XJ")
    assert "equals" in hit["explanation"] and "乌鲁木齐" in hit["explanation"]
    assert hit["regime_us_uflpa"] == "presumption"
    assert hit["buyer"] == "'=cmd|' /C calc'!A0"  # made inert (OWASP CSV injection)
    assert rows[3]["errors"].endswith("nothing to screen")


def test_csv_file_has_bom_for_excel(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_results(_sample(), "csv", path, META)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_extra_header_clash_is_prefixed() -> None:
    out = io.StringIO()
    res = _result(1, extra=(("risk", "internal-A"),))
    write_results([res], "csv", out, META)
    header = out.getvalue().splitlines()[0].split(",")
    assert header.count("risk") == 1 and "input_risk" in header


def test_xlsx_has_results_findings_summary_and_sources(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    write_results(_sample(), "xlsx", path, META)
    book = load_workbook(path)
    assert book.sheetnames == ["Results", "Findings", "Summary", "Sources"]
    results = list(book["Results"].iter_rows(values_only=True))
    assert len(results) == 5 and results[0][: len(FLAT_COLUMNS)] == FLAT_COLUMNS
    assert results[2][1] == 2 and results[2][5] == "high"
    # a value that looks like a formula stays text
    assert book["Results"].cell(row=3, column=len(results[0])).data_type == "s"
    findings = list(book["Findings"].iter_rows(values_only=True))
    assert len(findings) == 1 + 3
    lists = [r[0] for r in book["Sources"].iter_rows(values_only=True)]
    assert "us_uflpa_entity_list" in lists


def test_table_shows_hits_worst_first_with_summary_and_warnings() -> None:
    out = io.StringIO()
    write_results(_sample(), "table", out, META, color=False, width=150)
    text = out.getvalue()
    assert text.index("S-2") < text.index("S-3") < text.index("S-4")
    assert "Plain Co" not in text  # rows without findings or errors are only counted
    assert "4 rows: 1 high, 1 medium, 0 low, 2 none; 1 row with errors" in text
    assert "THIRD-PARTY PARSE" in text  # what is still a third party's parse is said


def test_html_report_is_self_contained_escaped_and_explained() -> None:
    out = io.StringIO()
    write_results(_sample(), "html", out, META)
    html = out.getvalue()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http-equiv" not in html and "<link" not in html
    assert "Foo &lt;Industrial&gt; Co., Ltd." in html and "<Industrial>" not in html
    assert "name &#39;Foo&#39; equals" in html
    assert "THIRD-PARTY PARSE" in html
    assert "2026-01-01" in html
    assert "presumption" in html and "nothing to screen" in html
    assert html.index("S-2") < html.index("S-3")


def test_collect_keeps_the_worst_rows_under_a_limit() -> None:
    items = [
        _result(i, "high" if i % 10 == 0 else "low", findings=(REGION,)) for i in range(1, 101)
    ]
    got = collect(items, limit=5)
    assert [r.row for r, _ in got.rows] == [10, 20, 30, 40, 50]
    assert got.hidden == 95 and got.summary.rows == 100


@pytest.mark.parametrize(
    ("requested", "output", "tty", "fmt"),
    [
        (None, None, True, "table"),
        (None, None, False, "jsonl"),
        (None, "r.jsonl", False, "jsonl"),
        (None, "r.CSV", True, "csv"),
        (None, "r.xlsx", True, "xlsx"),
        (None, "r.html", True, "html"),
        ("html", "r.txt", True, "html"),
        ("JSONL", None, True, "jsonl"),
    ],
)
def test_choose_format(requested: str | None, output: str | None, tty: bool, fmt: str) -> None:
    assert choose_format(requested, output, tty) == fmt


@pytest.mark.parametrize(
    ("requested", "output", "message"),
    [
        ("pdf", None, "unknown format 'pdf'"),
        (None, "r.docx", "cannot tell the format"),
        ("xlsx", None, "needs --output"),
    ],
)
def test_choose_format_errors(requested: str | None, output: str | None, message: str) -> None:
    with pytest.raises(OutputError, match=message):
        choose_format(requested, output, True)


def test_xlsx_continues_in_a_new_sheet_at_the_row_limit(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from laborlens.adapters.io.writers import write_xlsx

    path = tmp_path / "big.xlsx"
    items = [_result(i, findings=(REGION,)) for i in range(1, 6)]
    summary = write_xlsx(items, path, META, max_rows=3)
    book = load_workbook(path)
    result_sheets = [n for n in book.sheetnames if n.startswith("Results")]
    assert result_sheets == ["Results", "Results 2", "Results 3"]
    rows = [r for n in result_sheets for r in list(book[n].iter_rows(values_only=True))[1:]]
    assert [r[1] for r in rows] == [1, 2, 3, 4, 5]
    assert all(book[n].max_row <= 3 for n in result_sheets)
    assert summary.rows == 5
