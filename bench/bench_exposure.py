"""Exposure benchmark: 1,000,000 generated order lines through ``laborlens exposure``.

Usage (from the repository root):

    python bench/bench_exposure.py                  # 1,000,000 lines, JSON + HTML + drill-down
    python bench/bench_exposure.py --lines 100000 --no-write

The lines are generated deterministically (seeded) with a realistic cardinality: 4,000
suppliers (a skewed, Zipf-like share of the spend, as in real supplier bases), each selling 1 to
6 of 60 products across the UFLPA sectors and ordinary goods; 24 months of dates; quantities in
kg, t, pcs, doz, m and W; values in USD, CNY, EUR, INR, MXN and MYR. About 1 % of suppliers carry
a published name from the bundled lists or a Xinjiang address. Bad lines are mixed in at low
rates: values that are not numbers (0.3 %), missing quantities (0.2 %), unknown units (0.1 %),
negative values (0.05 %), future dates (0.1 %), exact duplicates (0.2 %).

Each run calls ``laborlens exposure FILE --as-of … --output report.json --drilldown lines.csv``
in a fresh process (read → distinct keys → screening → DuckDB joins and grouping → JSON, and the
1M-row drill-down CSV), then renders the HTML report with its charts in a second run, and
measures wall time and peak RSS of the process tree. Figures go to
``bench/results/exposure.md`` with the machine, its load and the command.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screen import _tree_rss_kb, machine
from gen_suppliers import _listed_names

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "exposure.md"
AS_OF = date(2025, 12, 31)

# (hs code, product, unit, unit price in USD): sector goods and ordinary goods
_PRODUCTS = [
    ("5201.00", "raw cotton", "t", 1900.0),
    ("5205.12", "cotton yarn", "kg", 3.1),
    ("5208.12", "woven cotton fabric", "m", 2.4),
    ("6006.22", "cotton knit fabric", "kg", 6.0),
    ("6109.10", "cotton T-shirts", "doz", 30.0),
    ("6110.20", "cotton sweaters", "pcs", 9.5),
    ("6203.42", "cotton trousers", "pcs", 8.0),
    ("6204.62", "women's cotton trousers", "pcs", 8.5),
    ("6205.20", "men's cotton shirts", "doz", 60.0),
    ("6302.60", "cotton terry towels", "kg", 7.0),
    ("2804.61", "polysilicon", "kg", 9.0),
    ("3818.00", "silicon wafers", "pcs", 0.25),
    ("8541.42", "solar cells", "pcs", 0.35),
    ("8541.43", "solar modules", "W", 0.22),
    ("2002.90", "tomato paste", "kg", 1.1),
    ("2002.10", "canned tomatoes", "kg", 1.3),
    ("7601.10", "primary aluminium ingots", "t", 2300.0),
    ("7604.21", "aluminium profiles", "kg", 3.6),
    ("8708.70", "aluminium alloy wheels", "pcs", 80.0),
    ("3904.10", "PVC resin", "t", 850.0),
    ("3918.10", "PVC flooring", "m2", 6.0),
    ("0304.87", "frozen tuna fillets", "kg", 7.5),
    ("0306.17", "frozen shrimp", "kg", 8.0),
    ("7208.39", "hot rolled steel coil", "t", 620.0),
    ("7318.15", "steel bolts", "kg", 2.2),
    ("7403.11", "copper cathodes", "t", 8700.0),
    ("7408.11", "copper wire", "kg", 9.5),
    ("2836.91", "lithium carbonate", "kg", 12.0),
    ("8507.60", "lithium-ion batteries", "pcs", 45.0),
    ("2815.12", "caustic soda solution", "t", 420.0),
    ("0813.40", "dried red dates", "kg", 4.0),
    ("8471.30", "laptops", "pcs", 420.0),
    ("8517.13", "smartphones", "pcs", 210.0),
    ("9503.00", "plastic toys", "pcs", 3.0),
    ("9505.10", "Christmas decorations", "pcs", 1.2),
    ("6403.99", "leather shoes", "pcs", 22.0),
    ("6404.11", "sports shoes", "pcs", 18.0),
    ("4202.92", "travel bags", "pcs", 12.0),
    ("9401.61", "upholstered chairs", "pcs", 55.0),
    ("9403.60", "wooden furniture", "pcs", 95.0),
    ("8516.60", "electric ovens", "pcs", 60.0),
    ("8414.51", "electric fans", "pcs", 14.0),
    ("8544.42", "cable assemblies", "kg", 11.0),
    ("3926.90", "plastic parts", "kg", 3.5),
    ("4819.10", "cardboard boxes", "kg", 1.1),
    ("6911.10", "porcelain tableware", "pcs", 2.4),
    ("7013.49", "glassware", "pcs", 1.6),
    ("8467.21", "electric drills", "pcs", 28.0),
    ("8481.80", "valves", "pcs", 16.0),
    ("8536.50", "switches", "pcs", 1.9),
    ("9018.39", "medical catheters", "pcs", 3.3),
    ("4015.19", "rubber gloves", "pcs", 0.06),
    ("3304.99", "cosmetics", "pcs", 4.5),
    ("0901.21", "roasted coffee", "kg", 11.0),
    ("1704.90", "confectionery", "kg", 5.0),
    ("2009.11", "orange juice", "l", 1.4),
    ("4412.33", "plywood", "m2", 9.0),
    ("6802.93", "granite slabs", "m2", 35.0),
    ("8703.80", "electric cars", "pcs", 24000.0),
    ("6702.90", "artificial flowers", "pcs", 0.9),
]
# country, share of suppliers, currency, local places
_COUNTRIES = [
    (
        "CN",
        0.52,
        "CNY",
        [
            "Guangzhou, Guangdong",
            "Ningbo, Zhejiang",
            "Suzhou, Jiangsu",
            "Qingdao, Shandong",
            "Xiamen, Fujian",
            "Chengdu, Sichuan",
        ],
    ),
    ("VN", 0.10, "USD", ["Ho Chi Minh City", "Hai Phong", "Binh Duong"]),
    ("BD", 0.08, "USD", ["Gazipur, Dhaka", "Chittagong"]),
    ("IN", 0.08, "INR", ["Tirupur, Tamil Nadu", "Ludhiana, Punjab", "Surat, Gujarat"]),
    ("MY", 0.05, "MYR", ["Penang", "Kulim, Kedah"]),
    ("MX", 0.05, "MXN", ["Monterrey, Nuevo León", "Puebla"]),
    ("DE", 0.04, "EUR", ["Burghausen, Bavaria", "Hamburg"]),
    ("US", 0.08, "USD", ["Houston, Texas", "Los Angeles, California"]),
]
_XJ = [
    "Urumqi, Xinjiang",
    "Shihezi, Xinjiang",
    "Aksu, Xinjiang",
    "Korla, Xinjiang",
    "Kashgar, Xinjiang Uygur Autonomous Region",
]
_WORDS = [
    "Huamei",
    "Jinhe",
    "Lianchuang",
    "Haibin",
    "Hongda",
    "Tiancheng",
    "Hengxin",
    "Ruifeng",
    "Yongsheng",
    "Xinhai",
    "Golden",
    "Pacific",
    "Sunrise",
    "Orient",
    "Delta",
    "Meridian",
    "Apex",
    "Lotus",
    "Harbor",
    "Summit",
]
_TRADES = [
    "Textile",
    "Garment",
    "Solar",
    "Foods",
    "Metals",
    "Plastics",
    "Electronics",
    "Trading",
    "Industrial",
    "Materials",
]
_HEADER = [
    "po_number",
    "line",
    "supplier_id",
    "supplier_name",
    "supplier_address",
    "country",
    "hs_code",
    "product",
    "qty",
    "uom",
    "amount",
    "currency",
    "order_date",
]
_RATES = {"USD": 1.0, "CNY": 7.1, "EUR": 0.92, "INR": 83.0, "MXN": 17.5, "MYR": 4.6}


def _suppliers(rng: random.Random, count: int) -> list[dict[str, object]]:
    listed = _listed_names()
    weights = [c[1] for c in _COUNTRIES]
    out = []
    for i in range(count):
        country, _, currency, places = rng.choices(_COUNTRIES, weights)[0]
        name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.choice(_TRADES)} Co., Ltd. {i}"
        address = f"{rng.randrange(1, 999)} Industrial Road, {rng.choice(places)}"
        roll = rng.random()
        if roll < 0.005:
            name = rng.choice(listed)
        elif roll < 0.012 and country == "CN":
            address = f"{rng.randrange(1, 99)} Beijing Road, {rng.choice(_XJ)}"
        products = rng.sample(range(len(_PRODUCTS)), rng.randint(1, 6))
        out.append(
            {
                "id": f"S{i:05d}",
                "name": name,
                "address": address,
                "country": country,
                "currency": currency,
                "products": products,
            }
        )
    return out


def generate(path: Path, lines: int, suppliers: int = 4000, seed: int = 11) -> None:
    """Write ``lines`` order lines to ``path`` (UTF-8 CSV; see the module docstring)."""
    rng = random.Random(seed)
    base = _suppliers(rng, suppliers)
    # skewed spend: supplier k gets weight 1 / (k + 10) (a flattened Zipf)
    weights = [1.0 / (k + 10) for k in range(len(base))]
    cumulative = list(itertools.accumulate(weights))
    start = AS_OF - timedelta(days=730)
    previous: list[object] | None = None
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_HEADER)
        for n in range(lines):
            if previous is not None and rng.random() < 0.002:
                writer.writerow(previous)  # an exact duplicate line
                continue
            s = rng.choices(base, cum_weights=cumulative)[0]
            hs, product, unit, price = _PRODUCTS[rng.choice(s["products"])]  # type: ignore[call-overload]
            qty = max(1, int(rng.lognormvariate(5.5, 1.2)))
            value = qty * price * rng.uniform(0.8, 1.25) * _RATES[str(s["currency"])]
            day = start + timedelta(days=rng.randrange(730))
            roll = rng.random()
            amount: str = f"{value:.2f}"
            qty_text, unit_text = str(qty), unit
            if roll < 0.003:
                amount = "n/a"
            elif roll < 0.005:
                qty_text = ""
            elif roll < 0.006:
                unit_text = "bales"
            elif roll < 0.0065:
                amount = f"-{value:.2f}"
            elif roll < 0.0075:
                day = AS_OF + timedelta(days=rng.randrange(1, 200))
            row = [
                f"PO-{n // 4:07d}",
                n % 4 + 1,
                s["id"],
                s["name"],
                s["address"],
                s["country"],
                hs,
                product,
                qty_text,
                unit_text,
                amount,
                s["currency"],
                day.isoformat(),
            ]
            writer.writerow(row)
            previous = row


def run(args: list[str]) -> dict[str, float]:
    """Run ``laborlens ARGS`` in a fresh process: wall time, CPU time (user + system, the
    process and its workers) and peak RSS of the process tree."""
    cmd = [sys.executable, "-c", "from laborlens.interfaces.cli.main import run; run()", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid)[0])
        time.sleep(0.1)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"exposure failed ({proc.returncode}): {err}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1024}


def _row(label: str, got: dict[str, float]) -> str:
    return f"| {label} | {got['wall']:.1f} | {got['cpu']:.1f} | {got['peak_mb']:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--suppliers", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-write", action="store_true", help="do not update bench/results")
    args = parser.parse_args()
    load_start = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "orders.csv"
        t0 = time.perf_counter()
        generate(data, args.lines, args.suppliers)
        gen_s = time.perf_counter() - t0
        size_mb = data.stat().st_size / 1e6
        common = [str(data), "--as-of", AS_OF.isoformat(), "--workers", str(args.workers)]
        report = Path(tmp) / "report.json"
        lines_csv = Path(tmp) / "lines.csv"
        json_run = run(["exposure", *common, "--output", str(report)])
        drill_run = run(
            [
                "exposure",
                *common,
                "--output",
                str(Path(tmp) / "r2.json"),
                "--drilldown",
                str(lines_csv),
            ]
        )
        html_run = run(["exposure", *common, "--output", str(Path(tmp) / "report.html")])
        got = json.loads(report.read_text(encoding="utf-8"))
        drill_rows = sum(1 for _ in lines_csv.open(encoding="utf-8")) - 1
        html_kb = (Path(tmp) / "report.html").stat().st_size / 1024
    t = got["totals"]
    keys = got["options"]["keys_screened"]
    issues = sum(i["lines"] for i in got["data_quality"]["issues"])
    section = f"""## Exposure (`laborlens exposure`, order lines → report)

{args.lines:,} generated order lines ({size_mb:.0f} MB CSV, generated in {gen_s:.0f} s):
{args.suppliers:,} suppliers with a skewed share of spend, 1–6 of {len(_PRODUCTS)} products
each, 24 months, six currencies and six units; about 1 % of suppliers listed or in Xinjiang;
low rates of bad lines (see the script). Each run is a fresh `laborlens exposure` process; wall
time includes start-up, reading, the screening-index build, screening every distinct
(supplier, product) once, the DuckDB joins and grouping, and writing.

| run | wall (s) | CPU, user + system (s) | peak RSS, process tree (MB) |
|---|---:|---:|---:|
{_row("JSON report", json_run)}
{_row(f"JSON report + drill-down CSV ({drill_rows:,} rows)", drill_run)}
{_row(f"HTML report with charts ({html_kb:.0f} KB)", html_run)}

Distinct (supplier, product) keys screened: {keys:,}. Lines read {t["lines_read"]:,}, in scope
{t["lines"]:,}; value figures cover {t["value_lines"]:,} lines; line issues counted: {issues:,};
reconciliation {"passed" if got["reconciliation"]["ok"] else "FAILED"}
({len(got["reconciliation"]["checks"])} checks).

Command: `python bench/bench_exposure.py --lines {args.lines} --workers {args.workers}`

Machine:

{machine()}

The machine is shared with other jobs; wall times rise with its load (see the load average at
the end, and at the start of the run: {load_start}). CPU time (user + system) is what the run
itself used; on an otherwise idle 2-core machine the wall time would be about that or less, since
reading, DuckDB and the screening-index build run side by side on the two cores.
"""
    print(section)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(section, encoding="utf-8")


if __name__ == "__main__":
    main()
