"""Exchange-rate tables and the rule that picks a rate for a date."""

from __future__ import annotations

from datetime import date

import pytest

from laborlens.core.exposure.rates import (
    COVERING,
    EARLIER,
    LATER,
    RateTable,
    default_rates,
    rate_table,
)


def _table() -> RateTable:
    table, errors = rate_table(
        [
            {"currency": "CNY", "period": "2024", "rate": "7.2"},
            {"currency": "CNY", "period": "2024-06", "rate": "7.25"},
            {"currency": "CNY", "period": "2023", "rate": "7.08"},
            {"currency": "EUR", "period": "2024", "rate": "1.08", "quote": "usd_per_unit"},
        ],
        source="rates.csv",
    )
    assert errors == ()
    return table


def test_month_beats_year_and_basis_is_said() -> None:
    table = _table()
    choice = table.choose("CNY", date(2024, 6, 15))
    assert choice.per_usd == 7.25 and choice.basis == COVERING
    assert choice.rate.period == "2024-06"
    assert table.choose("CNY", date(2024, 7, 1)).per_usd == 7.2


def test_outside_the_table_the_nearest_period_is_used_and_said() -> None:
    table = _table()
    later = table.choose("CNY", date(2025, 3, 1))
    assert later.rate.period == "2024" and later.basis == EARLIER
    earlier = table.choose("CNY", date(2020, 1, 1))
    assert earlier.rate.period == "2023" and earlier.basis == LATER


def test_quotes_are_normalised_to_units_per_dollar() -> None:
    table = _table()
    assert table.choose("EUR", date(2024, 5, 5)).per_usd == pytest.approx(1 / 1.08)


def test_dollars_need_no_rate_and_unknown_currencies_have_none() -> None:
    table = _table()
    assert table.choose("USD", None).per_usd is None
    assert "no conversion" in table.choose("USD", None).basis
    assert table.choose("TRY", date(2024, 1, 1)) is None


def test_bad_rows_are_reported_with_row_and_column() -> None:
    table, errors = rate_table(
        [
            {"currency": "CNY", "period": "2024", "rate": "7.2"},
            {"currency": "??", "period": "2024", "rate": "7.2"},
            {"currency": "INR", "period": "24", "rate": "83"},
            {"currency": "INR", "period": "2024", "rate": "-1"},
            {"currency": "INR", "start": "2024-05-01", "end": "2024-04-01", "rate": "83"},
        ],
        source="my_rates.csv",
    )
    assert list(table.rates) == ["CNY"]
    assert [(e.row, e.column) for e in errors] == [
        (2, "currency"),
        (3, "period"),
        (4, "rate"),
        (5, "end"),
    ]
    assert all(e.source == "my_rates.csv" for e in errors)


def test_user_table_takes_precedence_per_currency() -> None:
    user, _ = rate_table([{"currency": "CNY", "period": "2024", "rate": "7.0"}], source="u")
    merged = user.plus(default_rates())
    assert merged.choose("CNY", date(2024, 3, 1)).per_usd == 7.0
    assert merged.choose("EUR", date(2023, 3, 1)) is not None


def test_default_table_has_a_source_on_every_rate() -> None:
    table = default_rates()
    rates = [r for rs in table.rates.values() for r in rs]
    assert len(rates) > 100
    assert all("federalreserve.gov" in r.source or "stlouisfed.org" in r.source for r in rates)
    # the Board's 2023 average for the yuan (G.5A, 2024-02-01)
    assert table.choose("CNY", date(2023, 7, 1)).per_usd == pytest.approx(7.0809)
    # the euro is quoted in dollars per euro there
    assert table.choose("EUR", date(2023, 7, 1)).per_usd == pytest.approx(1 / 1.0817)
