"""Reading order-line files whole: formats, encodings, header rows, row numbers, bad files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from laborlens.adapters.io.orders import read_orders, read_plain_rows
from laborlens.adapters.io.readers import InputError

CSV = (
    "Purchase orders, exported 2025-12-31\n"
    "\n"
    "PO Number,Vendor Name,Supplier Address,City,Qty,UOM,Amount,Currency,Order Date,Note\n"
    '4500,"Example Garments, Ltd",  Gazipur ,Dhaka,10,doz,"1,200.00",USD,2025-03-01,x\n'
    "\n"
    ",,,,,,,,,\n"
    '4501,"Multi\nline Co",,,5,kg,12,EUR,2025-03-02,\n'
)


def _rows(path: Path, **kw: object) -> list[dict[str, object]]:
    return read_orders(path, **kw).table.to_pylist()  # type: ignore[arg-type]


def test_csv_with_title_rows_blank_rows_and_merged_address(tmp_path: Path) -> None:
    path = tmp_path / "po.csv"
    path.write_text(CSV, encoding="utf-8")
    rows = _rows(path)
    assert [r["_row"] for r in rows] == [1, 2]  # blank and all-empty rows are not rows
    first = rows[0]
    assert first["order_id"] == "4500"
    assert first["name"] == "Example Garments, Ltd"
    assert first["address"] == "Gazipur, Dhaka"  # trimmed, parts joined
    assert (first["quantity"], first["unit"], first["value"]) == ("10", "doz", "1,200.00")
    assert rows[1]["name"] == "Multi\nline Co" and rows[1]["address"] is None


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "po.csv"
    path.write_text(
        "供应商名称,地址,数量,单位,金额,币制\n新疆大全新能源股份有限公司,石河子,5,吨,100,人民币\n",
        encoding=encoding,
    )
    row = _rows(path)[0]
    assert row["name"] == "新疆大全新能源股份有限公司" and row["unit"] == "吨"


def test_semicolon_csv_and_gzip(tmp_path: Path) -> None:
    path = tmp_path / "po.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("supplier;qty;amount\nA, B & Co;1;2,5\n")
    assert _rows(path)[0]["name"] == "A, B & Co"


def test_ragged_rows_keep_exact_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "po.csv"
    path.write_text(
        "supplier,qty,amount\nA,1,2\nB,1,2,surplus,more\nC,1\nD,4,5\n", encoding="utf-8"
    )
    found = read_orders(path)
    rows = found.table.to_pylist()
    assert [(r["_row"], r["name"], r["value"]) for r in rows] == [
        (1, "A", "2"),
        (2, "B", "2"),
        (3, "C", None),
        (4, "D", "5"),
    ]
    assert [(w.row, "5 values" in w.message) for w in found.warnings] == [(2, True)]


def test_xlsx_parquet_and_jsonl(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Export of 2025-12-31"])
    sheet.append(["supplier_name", "qty", "amount", "order_date"])
    sheet.append(["A", 3, 12.5, None])
    xlsx = tmp_path / "po.xlsx"
    book.save(xlsx)
    assert _rows(xlsx)[0]["quantity"] == "3" and _rows(xlsx)[0]["value"] == "12.5"

    parquet = tmp_path / "po.parquet"
    pq.write_table(pa.table({"vendor": ["B"], "qty": [2.0], "amount": [1234.5]}), parquet)
    assert (_rows(parquet)[0]["name"], _rows(parquet)[0]["value"]) == ("B", "1234.5")

    jsonl = tmp_path / "po.jsonl"
    jsonl.write_text(
        json.dumps({"supplier": "C", "qty": 1})
        + "\n{not json\n"
        + json.dumps({"supplier": "D"})
        + "\n",
        encoding="utf-8",
    )
    found = read_orders(jsonl)
    assert [(r["_row"], r["name"]) for r in found.table.to_pylist()] == [(1, "C"), (3, "D")]
    assert [(e.row, "not valid JSON" in e.message) for e in found.unreadable] == [(2, True)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("supplier,qty\n", "no data rows"),
        ("supplier,hs_code\nA,5201\n", "no column gives a value or a quantity"),
        ("qty,amount\n1,2\n", "no column says who supplied"),
    ],
)
def test_unusable_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "po.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read_orders(path)
    assert str(path) in str(err.value)


def test_missing_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_orders(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="unsupported file type"):
        read_orders(tmp_path / "po.pdf")


def test_supplier_master_needs_no_measure(tmp_path: Path) -> None:
    path = tmp_path / "suppliers.csv"
    path.write_text("supplier_id,supplier_name\nS-1,A\n", encoding="utf-8")
    assert read_orders(path, require_measure=False).table.to_pylist()[0]["supplier_id"] == "S-1"


def test_plain_rows_for_rate_tables(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("# my rates\ncurrency,period,rate\nCNY,2025,7.2\n", encoding="utf-8")
    assert read_plain_rows(path) == [{"currency": "CNY", "period": "2025", "rate": "7.2"}]
