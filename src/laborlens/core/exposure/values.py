"""Reading the numbers, dates, units and currencies of order lines (pure functions).

These functions are applied once per DISTINCT cell text (a million lines carry far fewer
distinct dates, units and currencies), so they favour clarity over speed. Each returns the
parsed value or ``None`` with a plain-words reason.

Numbers accept the forms ERP and customs exports use: ``1234.5``, ``1,234.50``, ``1.234,50``,
``1 234,50``, ``1'234.50``, ``(1,234.00)`` (accounting negative), ``1.2E+06``, with a currency
symbol or ISO code before or after. ``1,234`` is read as one thousand two hundred and thirty-four
(a comma followed by exactly three digits is a thousands separator); ``1.234`` as one point two
three four (a lone dot is a decimal point).

Dates: ISO ``2025-03-31`` (with or without a time), ``2025/03/31``, ``20250331``,
``2025年3月31日``, ``31.03.2025``, and ``31/03/2025`` or ``03/31/2025`` — the day/month order
of slashed dates is inferred per file from the values that are unambiguous (a part above 12), or
given by the caller; ``2025-03`` (a month) is read as the first of that month.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from laborlens.core import resources
from laborlens.core.chain.tables import load_tables

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']+")
_AFFIX = re.compile(r"^(?:[A-Za-z]{3}|US\$|[$€£¥￥₹₫৳₺])|(?:[A-Za-z]{3}|[$€£¥￥₹₫৳₺])$")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_SCIENTIFIC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d{1,3}")
_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_THOUSANDS_DOT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_YMD_SEP = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CHINESE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:\s+[\d:]+(?:\s*[AP]M)?)?", re.I)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")

#: Date orders for slashed dates.
DMY = "DMY"
MDY = "MDY"


def parse_amount(text: str | None) -> tuple[float | None, str | None]:
    """A number from a cell.

    Returns:
        ``(number, None)``, or ``(None, reason)`` when the cell is empty or not a number.
    """
    if text is None or not text.strip():
        return None, "empty"
    raw = text.strip()
    negative = raw.startswith("(") and raw.endswith(")")
    core = raw[1:-1].strip() if negative else raw
    core = _AFFIX.sub("", core.strip()).strip()
    core = _AFFIX.sub("", core).strip()
    number = _number(core)
    if number is None:
        return None, f"'{raw[:40]}' is not a number"
    if not math.isfinite(number):
        return None, f"'{raw[:40]}' is not a finite number"
    return (-number if negative else number), None


def _number(text: str) -> float | None:
    compact = _SPACES.sub("", text)
    if _PLAIN.fullmatch(compact) or _SCIENTIFIC.fullmatch(compact):
        return float(compact)
    if _THOUSANDS_COMMA.fullmatch(compact):
        return float(compact.replace(",", ""))
    if _THOUSANDS_DOT.fullmatch(compact):
        return float(compact.replace(".", "").replace(",", "."))
    if _DECIMAL_COMMA.fullmatch(compact):
        return float(compact.replace(",", "."))
    # "1 234,50" (space as thousands separator, decimal comma) is handled above once spaces
    # are removed; "1.234.567" (dots only) is a thousands-dotted integer
    if re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3}){2,}", compact):
        return float(compact.replace(".", ""))
    return None


def _day(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def slashed_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a ``dd/mm/yyyy``-like date, for inferring the order."""
    found = _SLASHED.fullmatch(text.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def infer_date_order(texts: Iterable[str]) -> str | None:
    """``DMY`` or ``MDY`` for a column of slashed dates, from the unambiguous values.

    Returns ``None`` when no value decides (every part is 12 or less) or the values disagree.
    """
    dmy = mdy = False
    for text in texts:
        parts = slashed_parts(text)
        if parts is None:
            continue
        first, second = parts
        dmy = dmy or (first > 12 >= second)
        mdy = mdy or (second > 12 >= first)
    if dmy == mdy:
        return None
    return DMY if dmy else MDY


def parse_day(text: str | None, order: str | None = None) -> tuple[date | None, str | None]:
    """A date from a cell (see the module docstring for the forms).

    Args:
        text: the cell.
        order: ``DMY`` or ``MDY`` for slashed dates; ``None`` reads an ambiguous slashed date
            (both parts 12 or less) as an error.
    """
    if text is None or not text.strip():
        return None, "empty"
    value = text.strip()
    for pattern in (_ISO, _YMD_SEP, _CHINESE, _COMPACT):
        found = pattern.fullmatch(value)
        if found:
            day = _day(*found.groups())
            return (day, None) if day else (None, f"'{value[:40]}' is not a valid date")
    found = _DOTTED.fullmatch(value)
    if found:
        day = _day(found.group(3), found.group(2), found.group(1))
        return (day, None) if day else (None, f"'{value[:40]}' is not a valid date")
    found = _SLASHED.fullmatch(value)
    if found:
        first, second, year = found.groups()
        if order is None and int(first) <= 12 and int(second) <= 12 and first != second:
            return None, (
                f"'{value[:40]}' is ambiguous (day/month or month/day); give --date-order"
            )
        day = _day(year, first, second) if order == MDY else _day(year, second, first)
        return (day, None) if day else (None, f"'{value[:40]}' is not a valid date")
    found = _MONTH.fullmatch(value)
    if found:
        day = _day(found.group(1), found.group(2), "1")
        return (day, None) if day else (None, f"'{value[:40]}' is not a valid month")
    return None, f"'{value[:40]}' is not a date (expected e.g. 2025-03-31)"


def month_of(day: date | None) -> str | None:
    """``YYYY-MM`` of a date."""
    return f"{day.year:04d}-{day.month:02d}" if day else None


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A unit as understood: its base unit and the factor into it (1 kg per kg, 1000 per t)."""

    name: str
    base: str
    factor: float
    source: str


@cache
def _extra_units() -> Mapping[str, str]:
    data = resources.read_yaml("exposure/units.yaml")
    return {str(k).casefold(): str(v["same_as"]).casefold() for k, v in data["aliases"].items()}


def parse_unit(text: str | None) -> tuple[UnitInfo | None, str | None]:
    """A unit of quantity, from the project's unit table (``resources/chain/units.yaml``)
    plus the trade spellings of ``resources/exposure/units.yaml`` (``EA``, ``PCE``, ``KGM`` …).
    """
    if text is None or not text.strip():
        return None, "empty"
    tables = load_tables()
    key = text.strip().casefold().replace(".", "").replace(" ", "_")
    unit = tables.unit(key) or tables.unit(_extra_units().get(key))
    if unit is None:
        return None, f"unknown unit '{text.strip()[:20]}'"
    base = dict(tables.base)[unit.dimension]
    return UnitInfo(unit.name, base, unit.factor, unit.source), None


_CODE = re.compile(r"[A-Z]{3}")


@cache
def _currency_aliases() -> Mapping[str, str]:
    data = resources.read_yaml("exposure/units.yaml")
    return {str(k).casefold(): str(v).upper() for k, v in data["currency_aliases"].items()}


def parse_currency(text: str | None) -> tuple[str | None, str | None]:
    """An ISO 4217 code from a currency cell (``usd``, ``RMB``, ``人民币``, ``€`` …)."""
    if text is None or not text.strip():
        return None, "empty"
    value = text.strip()
    alias = _currency_aliases().get(value.casefold())
    if alias:
        return alias, None
    if _CODE.fullmatch(value.upper()):
        return value.upper(), None
    return None, f"'{value[:20]}' is not a currency code (expected ISO 4217, e.g. USD, CNY, EUR)"
