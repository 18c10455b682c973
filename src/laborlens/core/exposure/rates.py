"""Exchange rates: a table of (currency, period, rate) and the rule for choosing one.

A rate table has columns ``currency`` (ISO 4217), ``period`` (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``; or ``start``/``end`` dates), ``rate`` and optionally ``quote`` (``per_usd``:
currency units per US dollar, the default; ``usd_per_unit``: dollars per unit) and ``source``.
The package ships a small default table (``resources/exposure/rates.csv``: Federal Reserve
averages of the rates certified for customs purposes); a user table given with ``--rates``
takes precedence for the currencies it has.

The rule for a line dated D in currency C: the shortest period of C that contains D (a month
before a year); else the latest period of C that ended before D ("latest earlier rate"); else
the earliest period of C after D ("earliest later rate"). Every conversion says which rate it
used and why, so a figure can be checked by hand.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from laborlens.core import resources
from laborlens.core.exposure.values import parse_amount, parse_currency
from laborlens.core.model import RowError

DEFAULT_FILE = "exposure/rates.csv"
USD = "USD"

#: Why a rate was chosen for a date.
COVERING = "period contains the date"
EARLIER = "latest earlier rate (no rate for the date's period)"
LATER = "earliest later rate (no rate for the date's period)"

_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True, slots=True)
class Rate:
    """One rate: ``per_usd`` currency units buy one US dollar over [start, end]."""

    currency: str
    start: date
    end: date
    per_usd: float
    source: str
    table: str = "default"

    @property
    def period(self) -> str:
        if (
            self.start.month == 1
            and self.start.day == 1
            and (self.end.month, self.end.day)
            == (
                12,
                31,
            )
            and self.start.year == self.end.year
        ):
            return f"{self.start.year}"
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        if self.start.day == 1 and self.end == self.start.replace(day=last):
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def label(self) -> str:
        """``CNY 2023: 7.0809 per USD (default table)``."""
        return f"{self.currency} {self.period}: {self.per_usd:.6g} per USD ({self.table} table)"


@dataclass(frozen=True, slots=True)
class RateChoice:
    """The rate used for one (currency, date), and why."""

    rate: Rate | None
    basis: str

    @property
    def per_usd(self) -> float | None:
        return self.rate.per_usd if self.rate else None


_IDENTITY = RateChoice(None, "US dollars: no conversion")


@dataclass(frozen=True, slots=True)
class RateTable:
    """Rates by currency (sorted by start), immutable."""

    rates: Mapping[str, tuple[Rate, ...]] = field(default_factory=dict)

    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted({USD, *self.rates}))

    def choose(self, currency: str, day: date | None) -> RateChoice | None:
        """The rate for ``currency`` on ``day`` (``None`` when the table has none at all).

        An undated line uses the currency's latest rate.
        """
        if currency == USD:
            return _IDENTITY
        options = self.rates.get(currency)
        if not options:
            return None
        if day is None:
            return RateChoice(options[-1], "latest rate (the line has no date)")
        covering = [r for r in options if r.start <= day <= r.end]
        if covering:
            return RateChoice(min(covering, key=lambda r: (r.end - r.start, r.start)), COVERING)
        earlier = [r for r in options if r.end < day]
        if earlier:
            return RateChoice(max(earlier, key=lambda r: (r.end, r.start)), EARLIER)
        return RateChoice(min(options, key=lambda r: (r.start, r.end)), LATER)

    def plus(self, other: RateTable) -> RateTable:
        """This table, with ``other``'s currencies added where this one has none."""
        merged = dict(other.rates)
        merged.update(self.rates)
        return RateTable(merged)


def _period(text: str) -> tuple[date, date] | None:
    value = text.strip()
    try:
        if _YEAR.fullmatch(value):
            year = int(value)
            return date(year, 1, 1), date(year, 12, 31)
        found = _MONTH.fullmatch(value)
        if found:
            year, month = int(found.group(1)), int(found.group(2))
            start = date(year, month, 1)
            return start, start.replace(day=calendar.monthrange(year, month)[1])
        day = date.fromisoformat(value)
        return day, day
    except ValueError:
        return None


def _cell(row: Mapping[str, str | None], *keys: str) -> str | None:
    for key in keys:
        value = row.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _row_rate(
    row: Mapping[str, str | None], n: int, source: str, table: str
) -> tuple[Rate | None, RowError | None]:
    def err(message: str, column: str | None) -> tuple[None, RowError]:
        return None, RowError(message, column, n, source)

    code, problem = parse_currency(_cell(row, "currency", "currency_code", "code"))
    if code is None:
        return err(f"currency: {problem}", "currency")
    period_text = _cell(row, "period", "year", "month")
    if period_text is not None:
        span = _period(period_text)
        if span is None:
            return err(f"'{period_text}' is not a period (YYYY, YYYY-MM or YYYY-MM-DD)", "period")
    else:
        start, end = _cell(row, "start", "from", "valid_from"), _cell(row, "end", "to", "valid_to")
        first = _period(start) if start else None
        last = _period(end) if end else first
        if first is None or last is None:
            return err(
                "needs a period (YYYY, YYYY-MM, YYYY-MM-DD) or start and end dates", "period"
            )
        span = (first[0], last[1])
    if span[1] < span[0]:
        return err("the period ends before it starts", "end")
    value, why = parse_amount(_cell(row, "rate", "per_usd", "value"))
    if value is None or value <= 0:
        return err(f"rate: {why or 'must be above zero'}", "rate")
    quote = (_cell(row, "quote") or "per_usd").casefold()
    if quote not in ("per_usd", "usd_per_unit"):
        return err(f"quote '{quote}' is not per_usd or usd_per_unit", "quote")
    per_usd = value if quote == "per_usd" else 1.0 / value
    cited = _cell(row, "source") or f"{source}, row {n}"
    return Rate(code, span[0], span[1], per_usd, cited, table), None


def rate_table(
    rows: Iterable[Mapping[str, str | None]], *, source: str, table: str = "user"
) -> tuple[RateTable, tuple[RowError, ...]]:
    """A rate table from rows (``{column: text}``); bad rows are skipped with an error each."""
    by_currency: dict[str, list[Rate]] = {}
    errors: list[RowError] = []
    for n, row in enumerate(rows, start=1):
        lowered = {str(k).strip().casefold(): v for k, v in row.items()}
        rate, error = _row_rate(lowered, n, source, table)
        if error is not None:
            errors.append(error)
        elif rate is not None:
            by_currency.setdefault(rate.currency, []).append(rate)
    return (
        RateTable(
            {c: tuple(sorted(rs, key=lambda r: (r.start, r.end))) for c, rs in by_currency.items()}
        ),
        tuple(errors),
    )


def default_rates() -> RateTable:
    """The rate table shipped with the package."""
    lines = [ln for ln in resources.read_text(DEFAULT_FILE).splitlines() if not ln.startswith("#")]
    reader = csv.DictReader(lines)
    table, errors = rate_table(reader, source=DEFAULT_FILE, table="default")
    if errors:
        raise resources.ResourceError(f"{DEFAULT_FILE}: {errors[0]}")
    return table
