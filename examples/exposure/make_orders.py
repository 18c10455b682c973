"""Rebuild the example order lines (``orders.csv``) deterministically.

Usage: ``python examples/exposure/make_orders.py``

Two years of monthly purchase-order lines (2024-01 … 2025-12) from suppliers of the example
supplier master (``examples/suppliers.csv``: listed entities, suppliers at places in Xinjiang,
ordinary suppliers in China, Viet Nam, Bangladesh, Türkiye, India and Mexico) and from the
suppliers of the example chains (``examples/chains``: the Bangladeshi garment factory, the
Malaysian module assembler and the Mexican auto-parts maker), followed by a few deliberately
broken lines that the data-quality section must catch. Quantities and prices are illustrative.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

# supplier id, name, country, hs code, product, unit, currency, price per unit, months ordered
# (first, last as "YYYY-MM"), mean quantity per line
_SUPPLIERS = [
    ("S-001", "Xinjiang Daqo New Energy Co., Ltd.", "CN", "2804.61", "polysilicon", "kg", "USD",
     7.0, ("2024-01", "2024-10"), 40000),
    ("S-015", "Donghai JA Solar Technology Co., Ltd.", "CN", "8541.43", "solar modules", "W",
     "USD", 0.21, ("2024-01", "2025-06"), 900000),
    ("S-029", "Daqo New Energy Corp.", "CN", "2804.61", "polysilicon", "kg", "USD", 7.2,
     ("2024-11", "2025-12"), 30000),
    ("module-my", "Example PV Modules Sdn. Bhd. (fictitious)", "MY", "8541.43", "solar modules",
     "W", "USD", 0.24, ("2024-01", "2025-12"), 1200000),
    ("S-007", "Aksu Huafu Textiles Co., Ltd.", "CN", "5206.12", "melange cotton yarn", "kg",
     "CNY", 24.0, ("2024-01", "2025-03"), 20000),
    ("S-019", "Hetian Taida Apparel Co., Ltd.", "CN", "6109.10", "cotton T-shirts", "doz", "USD",
     28.0, ("2024-01", "2024-06"), 3000),
    ("S-021", "乌鲁木齐天山棉纺织有限公司", "CN", "5205.11", "棉纱", "千克", "CNY", 22.0,
     ("2024-01", "2025-12"), 15000),
    ("S-035", "Guangzhou Pearl River Garment Co. Ltd", "CN", "6109.10", "cotton T-shirts", "doz",
     "CNY", 190.0, ("2024-01", "2025-12"), 4000),
    ("garment-bd", "Example Apparels Ltd. (fictitious)", "BD", "6109.10", "cotton T-shirts",
     "doz", "USD", 30.0, ("2024-01", "2025-12"), 5000),
    ("S-041", "Saigon Garment Export JSC", "VN", "6203.42", "men's cotton trousers", "pcs", "USD",
     8.5, ("2024-01", "2025-12"), 12000),
    ("S-042", "Dhaka Knitwear Ltd", "BD", "6110.20", "cotton sweaters", "pcs", "USD", 9.0,
     ("2024-06", "2025-12"), 8000),
    ("S-043", "Anatolia Cotton Tekstil A.Ş.", "TR", "5208.32", "woven cotton fabric", "m", "EUR",
     3.1, ("2024-01", "2025-12"), 30000),
    ("S-045", "Ludhiana Knit Fabrics Pvt Ltd", "IN", "6006.22", "cotton knit fabric", "kg", "INR",
     520.0, ("2024-03", "2025-12"), 9000),
    ("S-024", "Shihezi Tianfu Tomato Products Co. Ltd", "CN", "2002.90", "tomato paste", "kg",
     "USD", 1.05, ("2024-01", "2025-04"), 60000),
    ("S-027", "Turpan Red Date Co. Ltd", "CN", "0813.40", "dried red dates", "kg", "CNY", 28.0,
     ("2024-09", "2025-12"), 5000),
    ("S-008", "Xinjiang Joinworld Co., Ltd.", "CN", "7601.10", "primary aluminium", "t", "USD",
     2250.0, ("2024-01", "2024-12"), 120),
    ("parts-mx", "Example Autopartes S.A. de C.V. (fictitious)", "MX", "8708.70",
     "aluminium alloy wheel-and-hub assemblies", "pcs", "USD", 95.0, ("2024-01", "2025-12"),
     2500),
    ("S-054", "Jinan Spring Steel Co. Ltd", "CN", "7208.51", "hot rolled steel plate", "t", "CNY",
     4300.0, ("2024-01", "2025-12"), 400),
    ("S-044", "Monterrey Steel Components S.A. de C.V.", "MX", "7318.15", "steel bolts", "kg",
     "MXN", 38.0, ("2024-01", "2025-12"), 20000),
    ("S-039", "Qingdao Haibin Seafood Co. Ltd", "CN", "0304.87", "frozen tuna fillets", "kg",
     "USD", 7.8, ("2024-01", "2025-12"), 15000),
    ("S-037", "Suzhou Jinhe Electronics Co. Ltd", "CN", "8544.42", "cable assemblies", "kg",
     "CNY", 75.0, ("2024-01", "2025-12"), 6000),
    ("S-047", "Yiwu Huamei Crafts Co. Ltd", "CN", "9505.10", "Christmas decorations", "pcs",
     "USD", 1.3, ("2024-05", "2025-10"), 40000),
]
_HEADER = ["po_number", "line", "supplier_id", "supplier_name", "country", "hs_code", "product",
           "qty", "uom", "amount", "currency", "order_date"]


def _months(first: str, last: str) -> list[tuple[int, int]]:
    y, m = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    out = []
    while (y, m) <= end:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def rows(seed: int = 19) -> list[list[str]]:
    rng = random.Random(seed)
    out: list[list[str]] = []
    po = 4500001000
    for sid, name, country, hs, product, unit, currency, price, span, mean in _SUPPLIERS:
        for y, m in _months(*span):
            po += 1
            qty = max(1, round(rng.gauss(mean, mean * 0.2)))
            value = qty * price * rng.uniform(0.95, 1.05)
            day = f"{y:04d}-{m:02d}-{rng.randint(1, 28):02d}"
            out.append([str(po), "10", sid, name, country, hs, product, str(qty), unit,
                        f"{value:.2f}", currency, day])
    out.sort(key=lambda r: (r[11], r[0]))
    # deliberately broken lines, each a case the data-quality section must catch
    out += [
        ["4500009001", "10", "S-041", "Saigon Garment Export JSC", "VN", "6203.42",
         "men's cotton trousers", "5000", "pcs", "", "USD", "2025-11-20"],          # no value
        ["4500009002", "10", "S-042", "Dhaka Knitwear Ltd", "BD", "6110.20",
         "cotton sweaters", "3000", "bales", "27000.00", "USD", "2025-11-21"],      # unknown unit
        ["4500009003", "10", "S-043", "Anatolia Cotton Tekstil A.Ş.", "TR", "5208.32",
         "woven cotton fabric", "12000", "m", "37,200.00", "TRY", "2025-11-22"],   # no TRY rate
        ["4500009004", "10", "S-035", "Guangzhou Pearl River Garment Co. Ltd", "CN", "6109.10",
         "cotton T-shirts", "1500", "doz", "-285000.00", "CNY", "2025-11-23"],     # negative
        ["4500009005", "10", "S-035", "Guangzhou Pearl River Garment Co. Ltd", "CN", "6109.10",
         "cotton T-shirts", "1500", "doz", "285000.00", "CNY", "2026-02-15"],      # future
        ["4500009006", "10", "", "", "", "6109.10", "cotton T-shirts", "800", "doz",
         "24000.00", "USD", "2025-11-24"],                                          # no supplier
        ["4500009007", "10", "S-022", "", "", "6109.10", "cotton T-shirts", "600", "doz",
         "17400.00", "USD", "2025-11-25"],                                          # id only
        ["4500009008", "10", "S-037", "Suzhou Jinhe Electronics Co. Ltd", "CN", "8544.42",
         "cable assemblies", "5000", "kg", "3750000000000.00", "CNY", "2025-11-26"],  # absurd
        ["4500009009", "10", "S-047", "Yiwu Huamei Crafts Co. Ltd", "CN", "9505.10",
         "Christmas decorations", "", "pcs", "52000.00", "USD", "2025-10-02"],     # no quantity
        ["4500009010", "10", "S-039", "Qingdao Haibin Seafood Co. Ltd", "CN", "0304.87",
         "frozen tuna fillets", "14000", "kg", "109200.00", "USD", "31/11/2025"],  # bad date
    ]
    out.append(list(out[5]))  # an exact duplicate of an earlier line
    return out


def main() -> None:
    target = HERE / "orders.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(_HEADER)
        writer.writerows(rows())
    print(f"{target}: {len(rows())} lines")


if __name__ == "__main__":
    main()
