"""Exposure figures: definitions of the aggregates, shares, undetermined part and reconciliation.

The table engine (an adapter) reduces the lines to *cells*: for each view (``sector``,
``outcome``, ``supplier``, ``month``, ``sector_month``, ``tier``, ``regime:<id>``, ``scope``)
and each combination of that view's keys and base unit, the number of lines, the summed value
of the lines whose value is usable, and the summed quantity of those whose quantity is. This
module rolls cells up into the report's rows; the same function serves the reference
implementation used by the tests, so the definitions live in one place.

Definitions:

* ``lines``: lines in scope (not duplicates, not dated after the as-of date, readable).
* ``value``: the sum of the usable values (converted to the report currency) of those lines;
  ``value_lines`` counts them. ``quantity`` is summed per base unit (kg, pcs, m, m2, W, l) and
  never across units.
* ``*_share``: a row's figure over the total of the same figure. Each view's rows, including its
  ``undetermined`` row, add up to the total: shares sum to 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from laborlens.core.exposure.keys import REPORT_OUTCOMES

#: Views whose first key is the row and whose last key is the outcome.
OUTCOME_VIEWS: tuple[str, ...] = ("sector", "supplier", "month", "tier")
TOTAL = "total"


class Cell(NamedTuple):
    """Figures of the lines sharing a view's keys and a base unit."""

    view: str
    keys: tuple[str, ...]
    unit: str | None
    lines: int
    value: float
    value_lines: int
    quantity: float
    quantity_lines: int


@dataclass(slots=True)
class Measure:
    """Figures of a group of lines (an accumulator)."""

    lines: int = 0
    value: float = 0.0
    value_lines: int = 0
    quantity: dict[str, float] = field(default_factory=dict)
    quantity_lines: int = 0

    def add(self, cell: Cell) -> None:
        self.lines += cell.lines
        self.value += cell.value
        self.value_lines += cell.value_lines
        if cell.unit is not None and cell.quantity_lines:
            self.quantity[cell.unit] = self.quantity.get(cell.unit, 0.0) + cell.quantity
        self.quantity_lines += cell.quantity_lines

    def figures(self, total: Measure) -> dict[str, Any]:
        """The public figures of this group, with shares of ``total``."""
        return {
            "lines": self.lines,
            "lines_share": _share(self.lines, total.lines),
            "value": _money(self.value),
            "value_share": _share(self.value, total.value),
            "value_lines": self.value_lines,
            "quantity": {u: _qty(q) for u, q in sorted(self.quantity.items())},
            "quantity_share": {
                u: _share(q, total.quantity.get(u, 0.0)) for u, q in sorted(self.quantity.items())
            },
            "quantity_lines": self.quantity_lines,
        }


def _share(part: float, whole: float) -> float | None:
    if not whole:
        return None
    return round(part / whole, 6)


def _money(value: float) -> float:
    return round(value, 2) + 0.0


def _qty(value: float) -> float:
    return round(value, 6) + 0.0


def rollup(cells: Iterable[Cell]) -> dict[str, dict[tuple[str, ...], Measure]]:
    """View -> keys -> figures (base units summed into one :class:`Measure`)."""
    out: dict[str, dict[tuple[str, ...], Measure]] = {}
    for cell in cells:
        out.setdefault(cell.view, {}).setdefault(cell.keys, Measure()).add(cell)
    return out


def _order(key: str, view: str) -> tuple[int, Any]:
    if view == "outcome" or view.startswith("regime:"):
        return (REPORT_OUTCOMES.index(key) if key in REPORT_OUTCOMES else 99, key)
    return (0, key)


def outcome_rows(view: Mapping[tuple[str, ...], Measure], total: Measure) -> list[dict[str, Any]]:
    """Rows of a one-key view keyed by outcome, in outcome order."""
    rows = []
    for keys in sorted(view, key=lambda k: _order(k[0], "outcome")):
        rows.append({"outcome": keys[0], **view[keys].figures(total)})
    return rows


def keyed_rows(
    view: Mapping[tuple[str, ...], Measure],
    total: Measure,
    name: str,
    *,
    labels: Mapping[str, Mapping[str, Any]] | None = None,
    by_value: bool = True,
) -> list[dict[str, Any]]:
    """Rows of a (key, outcome) view: one row per key with its figures and, per outcome, the
    figures of its lines (shares of the whole input). Sorted by value (largest first) or key."""
    per_key: dict[str, Measure] = {}
    per_outcome: dict[str, dict[str, Measure]] = {}
    for keys, m in view.items():
        key, outcome = keys[0], keys[-1]
        acc = per_key.setdefault(key, Measure())
        _merge(acc, m)
        _merge(per_outcome.setdefault(key, {}).setdefault(outcome, Measure()), m)
    order = (
        sorted(per_key, key=lambda k: (-per_key[k].value, -per_key[k].lines, k))
        if by_value
        else sorted(per_key)
    )
    rows = []
    for key in order:
        row: dict[str, Any] = {name: key}
        if labels and key in labels:
            row.update(labels[key])
        row.update(per_key[key].figures(total))
        row["by_outcome"] = {
            o: per_outcome[key][o].figures(total)
            for o in sorted(per_outcome[key], key=lambda o: _order(o, "outcome"))
        }
        rows.append(row)
    return rows


def _merge(acc: Measure, other: Measure) -> None:
    acc.lines += other.lines
    acc.value += other.value
    acc.value_lines += other.value_lines
    for unit, q in other.quantity.items():
        acc.quantity[unit] = acc.quantity.get(unit, 0.0) + q
    acc.quantity_lines += other.quantity_lines


def series_rows(view: Mapping[tuple[str, ...], Measure], total: Measure) -> list[dict[str, Any]]:
    """Rows of the (sector, month, outcome) view for the charts, in key order."""
    return [
        {"sector": k[0], "month": k[1], "outcome": k[2], **view[k].figures(total)}
        for k in sorted(view)
    ]


def total_of(views: Mapping[str, Mapping[tuple[str, ...], Measure]]) -> Measure:
    """The in-scope total (the ``total`` view's single row; empty when there are no lines)."""
    found = views.get(TOTAL, {}).get((), None)
    return found if found is not None else Measure()


@dataclass(frozen=True, slots=True)
class Check:
    """One reconciliation check."""

    name: str
    expected: float
    actual: float
    ok: bool

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.name, "expected": self.expected, "actual": self.actual, "ok": self.ok}


def _close(a: float, b: float, n: int) -> bool:
    # each figure is rounded to cents: allow half a cent per row, plus float noise
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.005 * max(1, n) + 1e-6)


def reconcile(
    totals: Mapping[str, Any], views: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[Check]:
    """Every view adds up to the totals: lines, value, quantity per unit, and shares to 1."""
    checks: list[Check] = []
    lines, value = int(totals["lines"]), float(totals["value"])
    quantity: Mapping[str, float] = totals["quantity"]
    for name, rows in views.items():
        if name == "sector_month":
            continue
        n = len(rows)
        got_lines = sum(int(r["lines"]) for r in rows)
        checks.append(Check(f"{name}: lines", lines, got_lines, got_lines == lines))
        got_value = sum(float(r["value"]) for r in rows)
        checks.append(
            Check(f"{name}: value", value, round(got_value, 2), _close(got_value, value, n))
        )
        if value:
            shares = sum(float(r["value_share"] or 0.0) for r in rows)
            checks.append(
                Check(
                    f"{name}: value shares",
                    1.0,
                    round(shares, 6),
                    math.isclose(shares, 1.0, abs_tol=1e-6 * max(1, n)),
                )
            )
        for unit, q in quantity.items():
            got = sum(float(r["quantity"].get(unit, 0.0)) for r in rows)
            checks.append(
                Check(
                    f"{name}: quantity {unit}",
                    q,
                    round(got, 6),
                    math.isclose(got, q, rel_tol=1e-9, abs_tol=1e-6 * max(1, n)),
                )
            )
        for r in rows:
            parts = r.get("by_outcome")
            if not parts:
                continue
            part_lines = sum(int(p["lines"]) for p in parts.values())
            if part_lines != int(r["lines"]):
                key = next(iter(r.values()))
                checks.append(Check(f"{name} {key}: outcome lines", r["lines"], part_lines, False))
    return checks
