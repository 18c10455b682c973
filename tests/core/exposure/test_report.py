"""Aggregates, shares, the undetermined part and reconciliation (pure definitions)."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.exposure.keys import UNDETERMINED
from laborlens.core.exposure.reference import LineFigures as Fig
from laborlens.core.exposure.reference import cells
from laborlens.core.exposure.report import Cell, reconcile
from laborlens.core.exposure.summary import build_report, concentration

SECTORS = ["cotton_apparel", "polysilicon_solar", "other", UNDETERMINED]
OUTCOMES = ["presumption", "elevated_risk", "no_trigger", UNDETERMINED]
UNITS = ["kg", "pcs", None]


@st.composite
def lines(draw: Any) -> tuple[list[dict[str, Any]], list[Fig]]:
    n = draw(st.integers(min_value=1, max_value=60))
    rows, figs = [], []
    for i in range(n):
        unit = draw(st.sampled_from(UNITS))
        value_ok = draw(st.booleans())
        rows.append(
            {
                "_file": 0,
                "_row": i + 1,
                "sector": draw(st.sampled_from(SECTORS)),
                "outcome": draw(st.sampled_from(OUTCOMES)),
                "supplier_key": draw(st.sampled_from(["id:A", "id:B", "id:C", UNDETERMINED])),
                "tier": draw(st.sampled_from(["1", "3", "none"])),
            }
        )
        figs.append(
            Fig(
                value_state="ok" if value_ok else "missing",
                quantity_state="ok" if unit else "missing",
                date_state=draw(st.sampled_from(["ok", "ok", "missing", "future"])),
                duplicate=draw(st.booleans()) and i > 0,
                value_rep=draw(st.floats(min_value=0, max_value=1e7)) if value_ok else None,
                q_base=draw(st.floats(min_value=0, max_value=1e6)) if unit else None,
                base=unit,
                month=draw(st.sampled_from(["2025-01", "2025-02", "undated"])),
            )
        )
    return rows, figs


def _report(found: list[Cell]) -> dict[str, Any]:
    return build_report(
        found,
        regimes=[],
        suppliers={},
        issue_counts=[],
        issue_examples={},
        files=["f.csv"],
        meta={"currency": "USD"},
    )


@settings(max_examples=150, deadline=None)
@given(lines())
def test_every_breakdown_adds_up_and_shares_sum_to_one(data: Any) -> None:
    rows, figs = data
    report = _report(cells(rows, figs))
    assert report["reconciliation"]["ok"], [
        c for c in report["reconciliation"]["checks"] if not c["ok"]
    ]
    in_scope = [f for f in figs if f.in_scope]
    totals = report["totals"]
    assert totals["lines"] == len(in_scope)
    assert totals["lines_read"] == len(figs)
    expected = sum(f.value_rep or 0.0 for f in in_scope if f.value_state == "ok")
    assert math.isclose(totals["value"], round(expected, 2), abs_tol=0.01)
    for name in ("by_sector", "by_outcome", "by_supplier", "by_month", "by_tier"):
        rows_ = report[name]
        assert sum(r["lines"] for r in rows_) == totals["lines"]
        if totals["value"] > 0:
            assert math.isclose(sum(r["value_share"] for r in rows_), 1.0, abs_tol=1e-5)
    # the undetermined part is a row like any other, and is reported on its own
    und = report["undetermined"]["outcome"]
    if any(r["outcome"] == UNDETERMINED for r, f in zip(rows, figs, strict=True) if f.in_scope):
        assert und is not None and und["lines"] > 0
    else:
        assert und is None


def test_out_of_scope_lines_are_counted_with_their_value() -> None:
    rows = [
        {
            "_file": 0,
            "_row": i,
            "sector": "other",
            "outcome": "no_trigger",
            "supplier_key": "id:A",
            "tier": "1",
        }
        for i in (1, 2, 3)
    ]
    figs = [
        Fig("ok", "ok", "ok", False, 100.0, 5.0, "kg", "2025-01"),
        Fig("ok", "ok", "ok", True, 100.0, 5.0, "kg", "2025-01"),  # duplicate
        Fig("ok", "ok", "future", False, 40.0, 1.0, "kg", "2026-01"),
    ]
    report = _report(cells(rows, figs))
    t = report["totals"]
    assert (t["lines_read"], t["lines"], t["value"]) == (3, 1, 100.0)
    assert t["out_of_scope"]["duplicate"]["value"] == 100.0
    assert t["out_of_scope"]["future_date"]["lines"] == 1
    assert t["quantity"] == {"kg": 5.0}


def test_reconcile_flags_a_broken_breakdown() -> None:
    totals = {"lines": 2, "value": 10.0, "quantity": {"kg": 3.0}}
    rows = [{"lines": 1, "value": 4.0, "value_share": 0.4, "quantity": {"kg": 3.0}}]
    failed = [c for c in reconcile(totals, {"by_x": rows}) if not c.ok]
    assert {c.name for c in failed} == {"by_x: lines", "by_x: value", "by_x: value shares"}


def test_concentration() -> None:
    rows = [
        {"supplier": "a", "value": 60.0},
        {"supplier": "b", "value": 40.0},
        {"supplier": UNDETERMINED, "value": 50.0},
    ]
    got = concentration(rows)
    assert got["suppliers"] == 2
    assert got["top1_share"] == 0.6
    assert got["hhi"] == 60.0**2 + 40.0**2
