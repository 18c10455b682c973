"""Numbers as people read them in a report: ``2.7 million pcs``, ``40,000 pcs``, ``0.85``."""

from __future__ import annotations

_LARGE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def number(x: float | None) -> str:
    """``2_700_000`` -> ``2.7 million``; ``40000`` -> ``40,000``; ``12.5`` -> ``12.5``."""
    if x is None:
        return ""
    sign = "-" if x < 0 else ""
    a = abs(x)
    for size, word in _LARGE:
        if a >= size:
            return f"{sign}{_trim(f'{a / size:,.2f}')} {word}"
    if a >= 1000:
        return f"{sign}{_trim(f'{a:,.1f}')}"
    return f"{sign}{_trim(f'{a:,.3f}')}"


def quantity(x: float | None, unit: str | None) -> str:
    """A number with its unit, empty when there is no number."""
    if x is None:
        return ""
    return f"{number(x)} {unit or ''}".strip()


def share(x: float | None) -> str:
    """``0.625`` -> ``62.5 %``."""
    if x is None:
        return ""
    return f"{_trim(f'{x * 100:.1f}')} %"


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text
