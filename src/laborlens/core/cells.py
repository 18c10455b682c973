"""Spreadsheet-safe cell values: no text that a spreadsheet would run as a formula.

Supplier files are untrusted. A name such as ``=HYPERLINK("http://x", "Click")`` or
``-2+3+cmd|' /C calc'!A0`` copied into a CSV or XLSX output becomes a live formula when the file is
opened in Excel or LibreOffice (CSV injection, OWASP). Every CSV and XLSX writer of laborlens
passes each cell through :func:`safe_cell`, which follows the OWASP guidance: a text cell whose
first character is ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``, so the
spreadsheet shows it as text. Leading spaces or line breaks before such a character do not help an
attacker either, and the full-width forms (``＝`` …) that some East-Asian spreadsheet locales
convert are treated the same way.

Numbers stay numbers: a real ``int``/``float`` is returned as it is (the XLSX writers store it as
a number cell), and a text cell that is just a number (``-12.5``, ``+3``, ``-1e5``) is left alone,
since a spreadsheet reads it as that number and nothing else. Pure (no I/O).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "FORMULA_TRIGGERS",
    "XLSX_MAX_CHARS",
    "is_formula_like",
    "safe_cell",
    "safe_row",
    "safe_text",
    "xlsx_row",
    "xlsx_text",
]

#: Characters that make a spreadsheet read a cell as a formula (or a DDE command) when they come
#: first: the OWASP list plus the full-width forms.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_LEADING_BLANK = " \n\u3000"
#: Excel's limit of characters in one cell.
XLSX_MAX_CHARS = 32_767
# characters that XML 1.0 (so an XLSX cell) cannot hold; tab, LF and CR are allowed
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (after any leading blanks)."""
    if not text:
        return False
    stripped = text.lstrip(_LEADING_BLANK)
    if not stripped or stripped[0] not in FORMULA_TRIGGERS:
        return False
    return _PLAIN_NUMBER.fullmatch(stripped) is None


def safe_text(text: str) -> str:
    """``text``, with a leading ``'`` when a spreadsheet would run it as a formula."""
    return "'" + text if is_formula_like(text) else text


def safe_cell(value: object) -> object:
    """A cell value for a CSV or XLSX writer: text made inert, numbers and the rest unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[object]) -> list[object]:
    """:func:`safe_cell` on every value of a row."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def xlsx_text(text: str) -> str:
    """Text for an XLSX cell: characters XML cannot hold removed, made inert, cut to Excel's
    cell limit."""
    return safe_text(_XML_ILLEGAL.sub("", text))[:XLSX_MAX_CHARS]


def xlsx_row(values: Iterable[object]) -> list[object]:
    """:func:`xlsx_text` on every text value of a row; numbers, dates and ``None`` unchanged."""
    return [xlsx_text(v) if isinstance(v, str) else v for v in values]
