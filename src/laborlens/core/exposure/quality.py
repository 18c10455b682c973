"""Data quality of order lines: the problems looked for, and what each does to the figures.

Every line gets a *value state*, a *quantity state* and a *date state* (the first problem found,
in the order below), plus duplicate / supplier / product checks. A problem never drops a line
silently: the line is counted under its issue, listed in the report's data-quality section and
the drill-down, and each figure says how much it leaves out.

* Lines that are duplicates of an earlier line, or dated after the as-of date (not yet
  happened), are out of scope: left out of every figure.
* A line whose value is unusable stays in the line counts and the quantity figures but not in
  the value figures; likewise for an unusable quantity.
* A line without a supplier is in the figures under the outcome ``undetermined``; without an
  HS code or product, under the sector ``undetermined``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from laborlens.core import resources

#: Value states, in the order they are checked (``ok``, ``zero`` and ``computed`` are usable).
VALUE_STATES: tuple[str, ...] = (
    "missing",
    "bad",
    "negative",
    "no_currency",
    "unknown_currency",
    "no_rate",
    "absurd",
    "zero",
    "computed",
    "ok",
)
USABLE_VALUE: frozenset[str] = frozenset({"ok", "zero", "computed"})
#: Quantity states, in the order they are checked.
QUANTITY_STATES: tuple[str, ...] = (
    "missing",
    "bad",
    "negative",
    "no_unit",
    "unknown_unit",
    "absurd",
    "zero",
    "ok",
)
USABLE_QUANTITY: frozenset[str] = frozenset({"ok", "zero"})
DATE_STATES: tuple[str, ...] = ("missing", "bad", "future", "ok")


@dataclass(frozen=True, slots=True)
class IssueKind:
    """One kind of data-quality problem: its message and its effect on the figures."""

    code: str
    label: str
    effect: str
    field: str


_EXCLUDED = "left out of every figure"
_NO_VALUE = "left out of the value figures"
_NO_QTY = "left out of the quantity figures"

#: Issue code -> kind, in report order.
ISSUES: Mapping[str, IssueKind] = {
    k.code: k
    for k in (
        IssueKind("unreadable_row", "row could not be read", _EXCLUDED, "row"),
        IssueKind("row_warning", "row read with a problem", "in the figures", "row"),
        IssueKind("duplicate", "duplicate of an earlier line", _EXCLUDED, "row"),
        IssueKind("future_date", "dated after the as-of date", _EXCLUDED, "date"),
        IssueKind("value_missing", "no value", _NO_VALUE, "value"),
        IssueKind("value_bad", "value is not a number", _NO_VALUE, "value"),
        IssueKind("value_negative", "negative value", _NO_VALUE, "value"),
        IssueKind("value_no_currency", "value without a currency", _NO_VALUE, "currency"),
        IssueKind("value_unknown_currency", "unknown currency", _NO_VALUE, "currency"),
        IssueKind("value_no_rate", "no exchange rate for the currency", _NO_VALUE, "currency"),
        IssueKind("value_absurd", "absurd value (above the limit)", _NO_VALUE, "value"),
        IssueKind("value_zero", "value is zero", "counted as zero", "value"),
        IssueKind(
            "value_computed",
            "value computed as unit price x quantity",
            "used as the value",
            "unit_price",
        ),
        IssueKind("quantity_missing", "no quantity", _NO_QTY, "quantity"),
        IssueKind("quantity_bad", "quantity is not a number", _NO_QTY, "quantity"),
        IssueKind("quantity_negative", "negative quantity", _NO_QTY, "quantity"),
        IssueKind("quantity_no_unit", "quantity without a unit", _NO_QTY, "unit"),
        IssueKind("quantity_unknown_unit", "unknown unit", _NO_QTY, "unit"),
        IssueKind("quantity_absurd", "absurd quantity (above the limit)", _NO_QTY, "quantity"),
        IssueKind("quantity_zero", "quantity is zero", "counted as zero", "quantity"),
        IssueKind("date_missing", "no date", "in the figures, month 'undated'", "date"),
        IssueKind("date_bad", "date not understood", "in the figures, month 'undated'", "date"),
        IssueKind(
            "no_supplier",
            "no supplier name, address or registration id (a supplier id alone cannot be "
            "screened: give the supplier master)",
            "in the figures, outcome 'undetermined'",
            "name",
        ),
        IssueKind(
            "no_product",
            "no HS code or product",
            "in the figures, sector 'undetermined'",
            "hs_code",
        ),
        IssueKind(
            "supplier_problem",
            "problem in the supplier's data (screened on the rest)",
            "in the figures",
            "name",
        ),
    )
}


def value_issue(state: str) -> str | None:
    """The issue code of a value state (``None`` for ``ok``)."""
    return None if state == "ok" else f"value_{state}"


def quantity_issue(state: str) -> str | None:
    return None if state == "ok" else f"quantity_{state}"


def date_issue(state: str) -> str | None:
    if state == "ok":
        return None
    return "future_date" if state == "future" else f"date_{state}"


@dataclass(frozen=True, slots=True)
class Limits:
    """Absurd-value limits (``resources/exposure/quality.yaml``)."""

    max_value_usd: float
    max_quantity: Mapping[str, float]

    def quantity_limit(self, base_unit: str | None) -> float:
        return self.max_quantity.get(base_unit or "", float("inf"))


@cache
def load_limits() -> Limits:
    data = resources.read_yaml("exposure/quality.yaml")
    try:
        value = float(data["max_line_value_usd"]["value"])
        qty = {str(k): float(v["value"]) for k, v in data["max_quantity"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise resources.ResourceError(f"exposure/quality.yaml: malformed ({exc})") from exc
    return Limits(value, qty)


def in_scope(duplicate: bool, date_state: str, unreadable: bool = False) -> bool:
    """Whether a line counts in the figures at all."""
    return not (duplicate or unreadable or date_state == "future")
