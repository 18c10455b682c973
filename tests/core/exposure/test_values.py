"""Reading numbers, dates, units and currencies of order lines."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborlens.core.exposure.values import (
    DMY,
    MDY,
    infer_date_order,
    month_of,
    parse_amount,
    parse_currency,
    parse_day,
    parse_unit,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        ("1,234.50", 1234.5),
        ("1.234,50", 1234.5),
        ("1 234,50", 1234.5),
        ("1'234.50", 1234.5),
        ("(1,234.00)", -1234.0),
        ("1.2E+06", 1_200_000.0),
        ("USD 1,000", 1000.0),
        ("€ 12,5", 12.5),
        ("1,234", 1234.0),  # a comma and three digits: thousands
        ("1.234", 1.234),  # a lone dot: decimal point
        ("1.234.567", 1_234_567.0),
        ("-5", -5.0),
        ("0", 0.0),
        (".5", 0.5),
    ],
)
def test_amount_forms(text: str, expected: float) -> None:
    value, problem = parse_amount(text)
    assert problem is None
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "n/a", "1,2,3,4.5.6", "inf", "nan", "12 kg 4", "--5"])
def test_amount_rejects(text: str) -> None:
    value, problem = parse_amount(text)
    assert value is None
    assert problem and text[:10] in problem


def test_amount_empty() -> None:
    assert parse_amount(None) == (None, "empty")
    assert parse_amount("  ") == (None, "empty")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_amount_round_trips_formatted_numbers(value: object) -> None:
    number = float(str(value))
    for text in (f"{number:.2f}", f"{number:,.2f}"):
        parsed, problem = parse_amount(text)
        assert problem is None
        assert parsed == pytest.approx(number, abs=0.005)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2025-03-31", None, date(2025, 3, 31)),
        ("2025-03-31T10:15:00Z", None, date(2025, 3, 31)),
        ("2025-03-31 00:00:00", None, date(2025, 3, 31)),
        ("2025/3/31", None, date(2025, 3, 31)),
        ("20250331", None, date(2025, 3, 31)),
        ("2025年3月31日", None, date(2025, 3, 31)),
        ("31.03.2025", None, date(2025, 3, 31)),
        ("31/03/2025", DMY, date(2025, 3, 31)),
        ("03/31/2025", MDY, date(2025, 3, 31)),
        ("05/05/2025", None, date(2025, 5, 5)),
        ("2025-03", None, date(2025, 3, 1)),
    ],
)
def test_day_forms(text: str, order: str | None, expected: date) -> None:
    assert parse_day(text, order) == (expected, None)


def test_day_problems() -> None:
    assert parse_day("03/04/2025")[0] is None  # ambiguous without an order
    assert "ambiguous" in (parse_day("03/04/2025")[1] or "")
    assert parse_day("31/11/2025", DMY)[0] is None  # no 31 November
    assert parse_day("yesterday")[0] is None


def test_date_order_inferred_from_unambiguous_values() -> None:
    assert infer_date_order(["01/02/2025", "25/12/2025"]) == DMY
    assert infer_date_order(["01/02/2025", "12/25/2025"]) == MDY
    assert infer_date_order(["01/02/2025"]) is None
    assert infer_date_order(["25/12/2025", "12/25/2025"]) is None  # contradictory


def test_month_of() -> None:
    assert month_of(date(2025, 3, 9)) == "2025-03"
    assert month_of(None) is None


@pytest.mark.parametrize(
    ("text", "base", "factor"),
    [
        ("kg", "kg", 1.0),
        ("KGS", "kg", 1.0),
        ("t", "kg", 1000.0),
        ("KGM", "kg", 1.0),
        ("吨", "kg", 1000.0),
        ("doz", "pcs", 12.0),
        ("EA", "pcs", 1.0),
        ("PCE", "pcs", 1.0),
        ("m2", "m2", 1.0),
        ("MW", "W", 1_000_000.0),
    ],
)
def test_units(text: str, base: str, factor: float) -> None:
    unit, problem = parse_unit(text)
    assert problem is None and unit is not None
    assert (unit.base, unit.factor) == (base, pytest.approx(factor))


@pytest.mark.parametrize("text", ["bales", "ton", "MTS", "ctn"])
def test_ambiguous_or_unknown_units(text: str) -> None:
    unit, problem = parse_unit(text)
    assert unit is None and problem and text in problem


@pytest.mark.parametrize(
    ("text", "code"),
    [("usd", "USD"), (" CNY ", "CNY"), ("RMB", "CNY"), ("人民币", "CNY"), ("€", "EUR")],
)
def test_currencies(text: str, code: str) -> None:
    assert parse_currency(text) == (code, None)


@pytest.mark.parametrize("text", ["$", "¥", "dollars", "US"])
def test_ambiguous_currencies_are_not_guessed(text: str) -> None:
    assert parse_currency(text)[0] is None
