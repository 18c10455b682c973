"""Derive the example variants from ``examples/suppliers.csv``.

Usage: python examples/make_variants.py

Writes ``suppliers_gbk.csv`` (the Chinese-market suppliers as a Chinese ERP would export them:
Chinese headers, GBK encoding) and ``suppliers.xlsx`` (every row, as an Excel workbook).
Run it again after editing ``suppliers.csv``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

#: English header -> the header a Chinese ERP export (用友/金蝶 style) would use.
GBK_HEADERS = {
    "supplier_id": "供应商编号",
    "supplier_name": "供应商名称",
    "other_names": "英文名称",
    "address": "地址",
    "city": "城市",
    "country": "国家",
    "uscc": "统一社会信用代码",
    "phone": "联系电话",
    "hs_code": "海关编码",
    "product": "产品名称",
    "buyer": "采购员",
    "annual_spend_usd": "年采购额(美元)",
}


def _gbk_ok(row: dict[str, str]) -> bool:
    try:
        "".join(row.values()).encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def main() -> None:
    with (HERE / "suppliers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])

    # GBK: suppliers in China (a Chinese subsidiary's ERP), Chinese headers, no coordinates.
    chinese = [r for r in rows if r["country"] in ("CN", "China", "中国") and _gbk_ok(r)]
    with (HERE / "suppliers_gbk.csv").open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(GBK_HEADERS.values())
        for r in chinese:
            writer.writerow(r[k] for k in GBK_HEADERS)

    book = Workbook()
    sheet = book.active
    sheet.title = "Supplier master"
    sheet.append(header)
    for r in rows:
        values: list[object] = []
        for k in header:
            v = r[k]
            # spend and coordinates as numbers, the way Excel would hold them
            if k in ("annual_spend_usd", "lat", "lon") and v:
                try:
                    values.append(float(v) if "." in v else int(v))
                    continue
                except ValueError:
                    pass
            values.append(v or None)
        sheet.append(values)
    book.save(HERE / "suppliers.xlsx")
    print(f"suppliers_gbk.csv: {len(chinese)} rows; suppliers.xlsx: {len(rows)} rows")


if __name__ == "__main__":
    main()
