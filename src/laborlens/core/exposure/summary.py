"""The exposure report as one JSON-able document, built from cells and issue counts.

Layout (docs/exposure.md has the field-by-field description):

``totals``
    lines read, lines in scope, value and quantity (per base unit) of the in-scope lines, how
    many lines each figure covers, and what is out of scope (duplicates, future-dated,
    unreadable), with the value it leaves out.
``by_sector``, ``by_outcome``, ``by_supplier``, ``by_month``, ``by_tier``, ``by_regime``
    one row per key with ``lines``, ``value``, ``quantity`` and their shares of the totals, and
    per outcome the same figures; every list adds up to the totals (``reconciliation``).
``undetermined``
    the part of the figures whose outcome (no supplier) or sector (no product) is undetermined.
``data_quality``
    every issue with its line count, effect and the first lines having it (file, row, column,
    message); the drill-down CSV lists every line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from laborlens.core.exposure.keys import UNDETERMINED, sector_label
from laborlens.core.exposure.quality import ISSUES
from laborlens.core.exposure.report import (
    Cell,
    Measure,
    keyed_rows,
    outcome_rows,
    reconcile,
    rollup,
    series_rows,
    total_of,
)
from laborlens.core.model import RowError

ALGORITHM = "exposure-v1"


def issue_message(code: str, line: Mapping[str, Any], files: Sequence[str], currency: str) -> str:
    """The plain-words message for one line's issue."""
    kind = ISSUES[code]

    def num(x: Any) -> str:
        return f"{float(x):,.2f}" if x is not None else "?"

    messages = {
        "duplicate": lambda: "same as " + f"{files[int(line['dup_file'])]} row {line['dup_row']}",
        "future_date": lambda: f"dated {line['day']}, after the as-of date",
        "value_bad": lambda: str(line.get("v_problem") or kind.label),
        "value_negative": lambda: f"negative value {line['value']}",
        "value_no_currency": lambda: f"value {line['value']} has no currency",
        "value_unknown_currency": lambda: str(line.get("c_problem") or kind.label),
        "value_no_rate": lambda: f"no exchange rate for {line['code']} in the rate table",
        "value_absurd": lambda: (
            f"value {line['value']} {line.get('code') or ''} is "
            f"US${num((line['v_raw'] or 0) * (line['usd'] or 0))}, above the limit"
        ),
        "value_computed": lambda: f"unit price {line['unit_price']} x quantity {line['quantity']}",
        "quantity_bad": lambda: str(line.get("q_problem") or kind.label),
        "quantity_negative": lambda: f"negative quantity {line['quantity']}",
        "quantity_no_unit": lambda: f"quantity {line['quantity']} has no unit",
        "quantity_unknown_unit": lambda: str(line.get("u_problem") or kind.label),
        "quantity_absurd": lambda: (
            f"quantity {line['quantity']} {line['unit']} is "
            f"{num(line['q_base'])} {line['base']}, above the limit"
        ),
        "date_bad": lambda: str(line.get("d_problem") or kind.label),
        "supplier_problem": lambda: str(line.get("problems") or kind.label),
    }
    make = messages.get(code)
    return make() if make else kind.label


def _quality(
    counts: Sequence[tuple[str, int, float]],
    *,
    examples: Mapping[str, Sequence[Mapping[str, Any]]],
    unreadable: Sequence[RowError],
    warnings: Sequence[RowError],
    files: Sequence[str],
    currency: str,
) -> dict[str, Any]:
    by_code = {c: (n, v) for c, n, v in counts}
    issues = []
    extra = {"unreadable_row": unreadable, "row_warning": warnings}
    for code, kind in ISSUES.items():
        if code in extra:
            errs = extra[code]
            if not errs:
                continue
            listed = [
                {"file": e.source, "row": e.row, "column": e.column, "message": e.message}
                for e in errs[:20]
            ]
            n, value = len(errs), 0.0
        elif code in by_code:
            n, value = by_code[code]
            listed = [
                {
                    "file": files[int(x["_file"])],
                    "row": int(x["_row"]),
                    "column": kind.field,
                    "message": issue_message(code, x, files, currency),
                }
                for x in examples.get(code, ())
            ]
        else:
            continue
        issues.append(
            {
                "issue": code,
                "label": kind.label,
                "effect": kind.effect,
                "lines": n,
                "value_of_lines": round(value, 2),
                "examples": listed,
                "examples_shown": len(listed),
            }
        )
    return {"issues": issues, "lines_with_issues_listed_in": "the drill-down CSV (--drilldown)"}


def _totals(
    views: Mapping[str, Mapping[tuple[str, ...], Measure]], unreadable: int
) -> dict[str, Any]:
    total = total_of(views)
    scope = views.get("scope", {})
    out_of_scope = {
        key[0]: {
            "lines": m.lines,
            "value": round(m.value, 2),
            "value_lines": m.value_lines,
            "quantity": {u: round(q, 6) for u, q in sorted(m.quantity.items())},
        }
        for key, m in sorted(scope.items())
        if key[0] != "in"
    }
    lines_read = sum(m.lines for m in scope.values())
    return {
        "lines_read": lines_read + unreadable,
        "lines_unreadable": unreadable,
        "lines": total.lines,
        "value": round(total.value, 2),
        "value_lines": total.value_lines,
        "value_excluded_lines": total.lines - total.value_lines,
        "quantity": {u: round(q, 6) for u, q in sorted(total.quantity.items())},
        "quantity_lines": total.quantity_lines,
        "quantity_excluded_lines": total.lines - total.quantity_lines,
        "out_of_scope": out_of_scope,
    }


def build_report(
    cells: Sequence[Cell],
    *,
    regimes: Sequence[str],
    suppliers: Mapping[str, Mapping[str, Any]],
    issue_counts: Sequence[tuple[str, int, float]],
    issue_examples: Mapping[str, Sequence[Mapping[str, Any]]],
    unreadable: Sequence[RowError] = (),
    warnings: Sequence[RowError] = (),
    files: Sequence[str],
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """The whole report (see the module docstring)."""
    views = rollup(cells)
    total = total_of(views)
    sector_labels = {k[0]: {"label": sector_label(k[0])} for k in views.get("sector", {})}
    rows: dict[str, list[dict[str, Any]]] = {
        "by_sector": keyed_rows(views.get("sector", {}), total, "sector", labels=sector_labels),
        "by_outcome": outcome_rows(views.get("outcome", {}), total),
        "by_supplier": keyed_rows(views.get("supplier", {}), total, "supplier", labels=suppliers),
        "by_month": keyed_rows(views.get("month", {}), total, "month", by_value=False),
        "by_tier": keyed_rows(views.get("tier", {}), total, "tier", by_value=False),
    }
    by_regime = {r: outcome_rows(views.get(f"regime:{r}", {}), total) for r in regimes}
    totals = _totals(views, len(unreadable))
    checked = {**rows, **{f"by_regime.{r}": v for r, v in by_regime.items()}}
    checks = reconcile(totals, checked)
    undetermined = {
        "outcome": next((r for r in rows["by_outcome"] if r["outcome"] == UNDETERMINED), None),
        "sector": next((r for r in rows["by_sector"] if r["sector"] == UNDETERMINED), None),
    }
    return {
        **meta,
        "algorithm": ALGORITHM,
        "totals": totals,
        **rows,
        "by_regime": by_regime,
        "sector_month": series_rows(views.get("sector_month", {}), total),
        "concentration": concentration(rows["by_supplier"]),
        "undetermined": undetermined,
        "data_quality": _quality(
            issue_counts,
            examples=issue_examples,
            unreadable=unreadable,
            warnings=warnings,
            files=files,
            currency=str(meta.get("currency", "")),
        ),
        "reconciliation": {
            "ok": all(c.ok for c in checks),
            "checks": [c.to_dict() for c in checks],
        },
    }


def concentration(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """How concentrated the purchases are among suppliers, by value: the shares of the largest
    1, 5 and 10 suppliers and the Herfindahl-Hirschman index (sum of squared percentage shares,
    0-10,000; the US merger guidelines of 2023 call above 1,800 highly concentrated). Lines
    without a supplier are left out."""
    values = sorted(
        (
            float(r["value"])
            for r in rows
            if r.get("supplier") != UNDETERMINED and float(r["value"]) > 0
        ),
        reverse=True,
    )
    whole = sum(values)
    if not whole:
        return {
            "suppliers": len(values),
            "top1_share": None,
            "top5_share": None,
            "top10_share": None,
            "hhi": None,
        }
    return {
        "suppliers": len(values),
        "top1_share": round(sum(values[:1]) / whole, 6),
        "top5_share": round(sum(values[:5]) / whole, 6),
        "top10_share": round(sum(values[:10]) / whole, 6),
        "hhi": round(sum((100 * v / whole) ** 2 for v in values), 1),
    }
