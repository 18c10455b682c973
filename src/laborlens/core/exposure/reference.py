"""A plain-Python reference of the line engine: per-line states and figures, and the cells.

The table engine (DuckDB) is fast; this is simple. Both follow the definitions of
:mod:`laborlens.core.exposure.quality` (state orders), :mod:`..values` (parsing),
:mod:`..rates` (rate choice) and :mod:`..report` (cells); the tests run both on generated lines
and require the same figures. It is also usable on its own for a few thousand lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from laborlens.core.exposure.fields import ORDER_FIELDS
from laborlens.core.exposure.keys import UNDETERMINED
from laborlens.core.exposure.quality import USABLE_QUANTITY, USABLE_VALUE, Limits
from laborlens.core.exposure.rates import RateTable
from laborlens.core.exposure.report import Cell
from laborlens.core.exposure.values import (
    infer_date_order,
    month_of,
    parse_amount,
    parse_currency,
    parse_day,
    parse_unit,
)

#: The views of the engine: name -> keys (as line-fact names).
VIEWS: Mapping[str, tuple[str, ...]] = {
    "total": (),
    "sector": ("sector", "outcome"),
    "outcome": ("outcome",),
    "supplier": ("supplier_key", "outcome"),
    "month": ("month", "outcome"),
    "sector_month": ("sector", "month", "outcome"),
    "tier": ("tier", "outcome"),
}


@dataclass(frozen=True, slots=True)
class LineFigures:
    """What the figures take from one line."""

    value_state: str
    quantity_state: str
    date_state: str
    duplicate: bool
    value_rep: float | None
    q_base: float | None
    base: str | None
    month: str

    @property
    def in_scope(self) -> bool:
        return not self.duplicate and self.date_state != "future"


def _value_state(
    line: Mapping[str, str | None],
    v_raw: float | None,
    *,
    code: str | None,
    fx: float | None,
    usd: float | None,
    limits: Limits,
) -> str:
    if v_raw is None:
        return "missing" if line.get("value") is None else "bad"
    if v_raw < 0:
        return "negative"
    if line.get("currency") is None:
        return "no_currency"
    if code is None:
        return "unknown_currency"
    if fx is None or usd is None:
        return "no_rate"
    if v_raw * usd > limits.max_value_usd:
        return "absurd"
    if v_raw == 0:
        return "zero"
    return "computed" if line.get("value") is None else "ok"


def _quantity_state(
    line: Mapping[str, str | None], q: float | None, limits: Limits
) -> tuple[str, float | None, str | None]:
    if line.get("quantity") is None:
        return "missing", None, None
    if q is None:
        return "bad", None, None
    if q < 0:
        return "negative", None, None
    if line.get("unit") is None:
        return "no_unit", None, None
    unit, _ = parse_unit(line.get("unit"))
    if unit is None:
        return "unknown_unit", None, None
    base = q * unit.factor
    if base > limits.quantity_limit(unit.base):
        return "absurd", base, unit.base
    return ("zero" if q == 0 else "ok"), base, unit.base


def line_figures(
    lines: Sequence[Mapping[str, Any]],
    *,
    rates: RateTable,
    currency: str,
    as_of: date,
    limits: Limits,
    date_order: str | None = None,
) -> list[LineFigures]:
    """The figures of every line (``lines``: order fields as text plus ``_file``, ``_row``)."""
    orders = {
        f: date_order
        or infer_date_order(str(x["date"]) for x in lines if x["_file"] == f and x.get("date"))
        for f in {x["_file"] for x in lines}
    }
    first: dict[tuple[Any, ...], bool] = {}
    out = []
    for line in sorted(lines, key=lambda x: (x["_file"], x["_row"])):
        fields = tuple(line.get(f) for f in ORDER_FIELDS)
        duplicate = fields in first
        first.setdefault(fields, True)
        day, _ = parse_day(line.get("date"), orders[line["_file"]])
        date_state = (
            "missing"
            if line.get("date") is None
            else "bad"
            if day is None
            else "future"
            if day > as_of
            else "ok"
        )
        value, _ = parse_amount(line.get("value"))
        qty, _ = parse_amount(line.get("quantity"))
        price, _ = parse_amount(line.get("unit_price"))
        if line.get("value") is None and price is not None and qty is not None:
            value = price * qty
        code, _ = parse_currency(line.get("currency"))
        fx = usd = None
        if code is not None:
            choice, target = rates.choose(code, day), rates.choose(currency, day)
            if choice is not None and target is not None:
                per_usd, target_per_usd = choice.per_usd or 1.0, target.per_usd or 1.0
                fx, usd = target_per_usd / per_usd, 1.0 / per_usd
        v_state = _value_state(line, value, code=code, fx=fx, usd=usd, limits=limits)
        q_state, q_base, base = _quantity_state(line, qty, limits)
        value_rep = value * fx if v_state in USABLE_VALUE and value is not None and fx else None
        out.append(
            LineFigures(
                v_state,
                q_state,
                date_state,
                duplicate,
                value_rep if v_state in USABLE_VALUE else None,
                q_base,
                base,
                month_of(day) or "undated",
            )
        )
    return out


def cells(lines: Sequence[Mapping[str, Any]], figures: Sequence[LineFigures]) -> list[Cell]:
    """The cells of every view (``lines`` in file/row order carry the key facts: ``sector``,
    ``outcome``, ``supplier_key``, ``tier``)."""
    acc: dict[tuple[str, tuple[str, ...], str | None], list[float]] = {}

    def add(view: str, keys: tuple[str, ...], fig: LineFigures) -> None:
        unit = fig.base if fig.quantity_state in USABLE_QUANTITY else None
        slot = acc.setdefault((view, keys, unit), [0, 0.0, 0, 0.0, 0])
        slot[0] += 1
        if fig.value_state in USABLE_VALUE:
            slot[1] += fig.value_rep or 0.0
            slot[2] += 1
        if fig.quantity_state in USABLE_QUANTITY:
            slot[3] += fig.q_base or 0.0
            slot[4] += 1

    ordered = sorted(lines, key=lambda x: (x["_file"], x["_row"]))
    for line, fig in zip(ordered, figures, strict=True):
        facts = {**line, "month": fig.month}
        scope = (
            "duplicate" if fig.duplicate else "future_date" if fig.date_state == "future" else "in"
        )
        add("scope", (scope,), fig)
        if not fig.in_scope:
            continue
        for view, keys in VIEWS.items():
            add(
                view,
                tuple(str(facts[k] if facts[k] is not None else UNDETERMINED) for k in keys),
                fig,
            )
    return [
        Cell(v, k, u, int(s[0]), s[1], int(s[2]), s[3], int(s[4])) for (v, k, u), s in acc.items()
    ]


def grouped(cells_: Iterable[Cell]) -> dict[tuple[str, tuple[str, ...], str | None], Cell]:
    """Cells by (view, keys, unit), for comparing two computations."""
    return {(c.view, c.keys, c.unit): c for c in cells_}
