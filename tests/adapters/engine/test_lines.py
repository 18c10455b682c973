"""The DuckDB line engine agrees with the plain-Python reference on generated order lines."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborlens.core.exposure.fields import ORDER_FIELDS
from laborlens.core.exposure.quality import load_limits
from laborlens.core.exposure.rates import default_rates
from laborlens.core.exposure.reference import cells, grouped, line_figures
from laborlens.core.lists import ListSet
from laborlens.ops.exposure import analyse

AS_OF = date(2025, 12, 31)
HEADER = [
    "supplier_id",
    "supplier_name",
    "address",
    "country",
    "hs_code",
    "product",
    "qty",
    "uom",
    "amount",
    "unit_price",
    "currency",
    "order_date",
]

SUPPLIERS = [
    ("S-1", "Xinjiang Daqo New Energy Co., Ltd.", "Shihezi, Xinjiang", "CN"),
    ("S-2", "Example Garments Ltd", "Gazipur, Dhaka", "BD"),
    ("S-3", "Example Metals Co", "Jinan, Shandong", "CN"),
    ("", "", "", ""),
    ("S-4", "", "", ""),
]
PRODUCTS = [
    ("6109.10", "cotton T-shirts"),
    ("2804.61", "polysilicon"),
    ("7208.10", "steel coil"),
    ("8471.30", "laptops"),
    ("", ""),
]
VALUES = [
    "1234.50",
    "1,234.50",
    "12",
    "0",
    "-5",
    "abc",
    "",
    "1.2E+03",
    "(100)",
    "9e12",
    "1 234,50",
    " 77 ",
]
QTYS = ["10", "0", "", "x", "-1", "2,500", "1e12"]
UNITS = ["kg", "t", "doz", "pcs", "bales", "", "W"]
CURRENCIES = ["USD", "CNY", "EUR", "TRY", "", "RMB", "$"]
DATES = ["2025-01-15", "2024-06-30", "2026-06-01", "15/01/2025", "bad", "", "2025-12"]


@st.composite
def order_lines(draw: Any) -> list[list[str]]:
    n = draw(st.integers(min_value=1, max_value=40))
    rows: list[list[str]] = []
    for _ in range(n):
        if rows and draw(st.integers(0, 9)) == 0:
            rows.append(list(draw(st.sampled_from(rows))))  # an exact duplicate
            continue
        sid, name, address, country = draw(st.sampled_from(SUPPLIERS))
        hs, product = draw(st.sampled_from(PRODUCTS))
        value = draw(st.sampled_from(VALUES))
        price = draw(st.sampled_from(["", "", "2.5"]))
        rows.append(
            [
                sid,
                name,
                address,
                country,
                hs,
                product,
                draw(st.sampled_from(QTYS)),
                draw(st.sampled_from(UNITS)),
                value,
                price,
                draw(st.sampled_from(CURRENCIES)),
                draw(st.sampled_from(DATES)),
            ]
        )
    if all(not any(r) for r in rows):
        rows[0][1] = "Example Garments Ltd"
    return rows


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(order_lines())
def test_engine_matches_the_reference(
    tmp_path: Path, bundled: ListSet, rows: list[list[str]]
) -> None:
    path = tmp_path / "orders.csv"
    _write(path, rows)
    with analyse([path], as_of=AS_OF, lists=bundled) as analysis:
        lines = list(analysis.lines())
        engine_cells = grouped(analysis.engine.cells(["us_uflpa"]))
    assert len(lines) == sum(1 for r in rows if any(r))
    reference = line_figures(
        [
            {**{f: x[f] for f in ORDER_FIELDS}, "_file": x["_file"], "_row": x["_row"]}
            for x in lines
        ],
        rates=default_rates(),
        currency="USD",
        as_of=AS_OF,
        limits=load_limits(),
    )
    for line, fig in zip(lines, reference, strict=True):
        shown = [line[f] for f in ("value", "quantity", "unit", "currency", "date")]
        where = f"row {line['_row']}: {shown}"
        assert (
            line["value_state"],
            line["quantity_state"],
            line["date_state"],
            line["duplicate"],
            line["month"],
        ) == (fig.value_state, fig.quantity_state, fig.date_state, fig.duplicate, fig.month), where
        if fig.value_rep is not None:
            assert _close(line["value_rep"], fig.value_rep), where
        else:
            assert line["value_rep"] is None, where
    expected = grouped(cells(lines, reference))
    assert set(engine_cells) - {k for k in engine_cells if k[0].startswith("regime:")} == set(
        expected
    )
    for key, cell in expected.items():
        got = engine_cells[key]
        assert (got.lines, got.value_lines, got.quantity_lines) == (
            cell.lines,
            cell.value_lines,
            cell.quantity_lines,
        ), key
        assert _close(got.value, cell.value) and _close(got.quantity, cell.quantity), key


def test_duplicates_are_exact_and_point_to_the_first_line(tmp_path: Path, bundled: ListSet) -> None:
    row = [
        "S-2",
        "Example Garments Ltd",
        "Gazipur",
        "BD",
        "6109.10",
        "T-shirts",
        "10",
        "doz",
        "100",
        "",
        "USD",
        "2025-03-01",
    ]
    near = [*row[:8], "100.00", *row[9:]]  # same value, other text: not a duplicate
    path = tmp_path / "orders.csv"
    _write(path, [row, near, row, row])
    with analyse([path], as_of=AS_OF, lists=bundled) as analysis:
        lines = list(analysis.lines())
    assert [x["duplicate"] for x in lines] == [False, False, True, True]
    assert {(x["dup_file"], x["dup_row"]) for x in lines if x["duplicate"]} == {(0, 1)}


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("=+-@\t\r\n 0123456789.,eE'ab\u3000\uff1d")), max_size=8)
)
def test_drilldown_cells_are_made_inert_like_every_other_writer(text: str) -> None:
    import duckdb

    from laborlens.adapters.engine.lines import safe_sql
    from laborlens.core.cells import safe_text

    con = duckdb.connect()
    try:
        got = con.execute(f"SELECT {safe_sql('$1')}", [text]).fetchall()[0][0]
    finally:
        con.close()
    assert got == safe_text(text)
