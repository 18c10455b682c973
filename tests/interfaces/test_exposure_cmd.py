"""``laborlens exposure``: figures reconcile with their lines; formats, data quality, errors."""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORDERS = EXAMPLES / "exposure" / "orders.csv"
runner = CliRunner()
BASE = [
    str(ORDERS),
    "--as-of",
    "2025-12-31",
    "--suppliers",
    str(EXAMPLES / "suppliers.csv"),
    "--chain",
    str(EXAMPLES / "chains" / "solar" / "chain.json"),
    "--chain",
    str(EXAMPLES / "chains" / "cotton_apparel"),
    "--workers",
    "1",
]


def _run(*args: str) -> Any:
    return runner.invoke(app, ["exposure", *args])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("exposure")
    result = _run(
        *BASE, "--output", str(out / "report.json"), "--drilldown", str(out / "lines.csv")
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    with (out / "lines.csv").open(encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    return {"report": report, "lines": lines, "dir": out}


def test_every_figure_re_adds_from_the_drilldown_lines(run: dict[str, Any]) -> None:
    report, lines = run["report"], run["lines"]
    assert report["reconciliation"]["ok"]
    assert len(lines) == report["totals"]["lines_read"] == 441
    in_scope = [x for x in lines if x["in_scope"] == "true"]
    assert len(in_scope) == report["totals"]["lines"]
    for view, field in (
        ("by_sector", "sector"),
        ("by_outcome", "outcome"),
        ("by_tier", "tier"),
        ("by_month", "month"),
    ):
        value: dict[str, float] = defaultdict(float)
        count: dict[str, int] = defaultdict(int)
        for x in in_scope:
            count[x[field]] += 1
            if x["in_value"] == "true":
                value[x[field]] += float(x["value_report"])
        for row in report[view]:
            key = row["sector" if view == "by_sector" else field]
            assert row["lines"] == count[key], (view, key)
            assert math.isclose(row["value"], value[key], abs_tol=0.01 * max(1, count[key])), (
                view,
                key,
            )
    total = sum(float(x["value_report"]) for x in in_scope if x["in_value"] == "true")
    assert math.isclose(total, report["totals"]["value"], abs_tol=1.0)
    shares = sum(r["value_share"] for r in report["by_sector"])
    assert math.isclose(shares, 1.0, abs_tol=1e-4)


def test_quantities_are_per_base_unit_and_add_up(run: dict[str, Any]) -> None:
    report, lines = run["report"], run["lines"]
    per_unit: dict[str, float] = defaultdict(float)
    for x in lines:
        if x["in_quantity"] == "true":
            per_unit[x["base_unit"]] += float(x["quantity_base"])
    assert set(report["totals"]["quantity"]) == set(per_unit) == {"kg", "pcs", "m", "W"}
    for unit, q in per_unit.items():
        assert math.isclose(report["totals"]["quantity"][unit], q, rel_tol=1e-9)


def test_every_bad_line_is_counted_and_listed_never_dropped(run: dict[str, Any]) -> None:
    issues = {i["issue"]: i for i in run["report"]["data_quality"]["issues"]}
    expected = {
        "value_missing": "no value",
        "quantity_unknown_unit": "unknown unit 'bales'",
        "value_no_rate": "no exchange rate for TRY",
        "value_negative": "negative value",
        "future_date": "after the as-of date",
        "no_supplier": "no supplier",
        "value_absurd": "above the limit",
        "quantity_missing": "no quantity",
        "date_bad": "31/11/2025",
        "duplicate": "same as",
    }
    for code, text in expected.items():
        assert issues[code]["lines"] == 1, code
        example = issues[code]["examples"][0]
        assert text in example["message"], (code, example)
        assert example["file"].endswith("orders.csv") and example["row"] > 400
    t = run["report"]["totals"]
    assert t["out_of_scope"]["duplicate"]["lines"] == 1
    assert t["out_of_scope"]["future_date"]["lines"] == 1
    assert t["value_excluded_lines"] == 4  # missing, TRY, negative, absurd
    # the id-only line is screened through the supplier master (Kashgar: Xinjiang)
    kashgar = [x for x in run["lines"] if x["supplier_id"] == "S-022"]
    assert kashgar and kashgar[0]["outcome"] == "presumption"


def test_chains_give_the_tier_where_the_taint_enters(run: dict[str, Any]) -> None:
    tiers = {r["tier"]: r for r in run["report"]["by_tier"]}
    assert {"1", "3", "4"} <= set(tiers)
    modules = [x for x in run["lines"] if x["supplier_id"] == "module-my"]
    assert {x["tier"] for x in modules} == {"4"} and {x["chain_node"] for x in modules} == {
        "module-my"
    }
    assert {x["outcome"] for x in modules} == {"presumption"}


def test_rates_used_are_reported(run: dict[str, Any]) -> None:
    used = {r["currency"]: r for r in run["report"]["rates"]["used"]}
    assert {"USD", "CNY", "EUR", "INR", "MXN"} <= set(used)
    assert "default table" in used["CNY"]["rate"]


def test_the_2025_sector_additions_change_the_outcome_of_steel(tmp_path: Path) -> None:
    def steel(as_of: str) -> set[str]:
        out = tmp_path / f"{as_of}.json"
        assert _run(str(ORDERS), "--as-of", as_of, "-o", str(out)).exit_code == 0
        report = json.loads(out.read_text(encoding="utf-8"))
        return set(next(r for r in report["by_sector"] if r["sector"] == "steel")["by_outcome"])

    assert "elevated_risk" not in steel("2025-06-30")
    assert steel("2025-12-31") == {"elevated_risk"}


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (
            ".csv",
            lambda p: (
                next(csv.reader(p.read_text(encoding="utf-8-sig").splitlines()))[:4]
                == ["view", "key", "label", "outcome"]
            ),
        ),
        (
            ".xlsx",
            lambda p: (
                load_workbook(p).sheetnames == ["Summary", "Figures", "Data quality", "Rates"]
            ),
        ),
        (".html", lambda p: p.read_text(encoding="utf-8").count("data:image/png;base64,") == 3),
        (".txt", lambda p: "By sector" in p.read_text(encoding="utf-8")),
    ],
)
def test_formats_from_the_extension(tmp_path: Path, suffix: str, check: Any) -> None:
    out = tmp_path / f"report{suffix}"
    result = _run(*BASE, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert check(out)


def test_drilldown_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "supplier_name,product,qty,uom,amount,currency\n"
        '"=HYPERLINK(""http://x"",""y"")",cotton T-shirts,-3,pcs,-12.5,USD\n',
        encoding="utf-8",
    )
    lines = tmp_path / "lines.csv"
    assert (
        _run(
            str(orders),
            "--as-of",
            "2025-12-31",
            "-o",
            str(tmp_path / "r.json"),
            "--drilldown",
            str(lines),
        ).exit_code
        == 0
    )
    row = next(csv.DictReader(lines.read_text(encoding="utf-8").splitlines()))
    assert row["supplier"].startswith("'=HYPERLINK")
    assert (row["value"], row["quantity"]) == ("-12.5", "-3")  # numbers stay numbers


def test_other_currency_and_user_rates(tmp_path: Path) -> None:
    usd, eur = tmp_path / "usd.json", tmp_path / "eur.json"
    assert _run(str(ORDERS), "--as-of", "2025-12-31", "-o", str(usd)).exit_code == 0
    assert (
        _run(str(ORDERS), "--as-of", "2025-12-31", "--currency", "EUR", "-o", str(eur)).exit_code
        == 0
    )
    a = json.loads(usd.read_text(encoding="utf-8"))["totals"]["value"]
    b = json.loads(eur.read_text(encoding="utf-8"))["totals"]["value"]
    assert 0.8 < b / a < 1.0  # 0.92-0.95 euros a dollar over 2024-2025 in the default table
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,period,rate,source\nTRY,2025,35.0,my treasury\n", encoding="utf-8")
    own = tmp_path / "own.json"
    assert (
        _run(str(ORDERS), "--as-of", "2025-12-31", "--rates", str(rates), "-o", str(own)).exit_code
        == 0
    )
    report = json.loads(own.read_text(encoding="utf-8"))
    assert "value_no_rate" not in {i["issue"] for i in report["data_quality"]["issues"]}
    assert any("TRY 2025: 35 per USD" in r["rate"] for r in report["rates"]["used"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.csv"], "nope.csv: file not found"),
        (
            [str(EXAMPLES / "suppliers.csv")],
            "row 1 (header): no column gives a value or a quantity",
        ),
        ([str(ORDERS), "--regime", "us_xyz"], "--regime"),
        ([str(ORDERS), "--currency", "XYZ"], "--currency"),
        ([str(ORDERS), "--as-of", "31.12.2025"], "--as-of"),
        ([str(ORDERS), "--date-order", "YMD"], "--date-order"),
        ([str(ORDERS), "--format", "xlsx"], "--format xlsx needs --output"),
        ([str(ORDERS), "-o", "report.pdf"], "cannot tell the format"),
        ([str(ORDERS), "--chain", "missing_chain.json"], "--chain"),
        (
            [str(ORDERS), "-o", "no_such_folder/report.json"],
            "the folder no_such_folder does not exist",
        ),
        ([str(ORDERS), "--drilldown", "no_such_folder/l.csv"], "does not exist"),
        ([str(ORDERS), "--rates", str(EXAMPLES / "suppliers.csv")], "no usable rate"),
    ],
)
def test_unusable_input_exits_2_with_one_message(args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
