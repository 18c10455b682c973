"""Stock tickers: the canonical ``CODE.EXCHANGE`` form and the notations people write.

The knowledge base stores one canonical form per listing (``688303.SH``, ``2899.HK``, ``DQ.US``);
a record may carry any common notation of it: exchange suffixes (``688303.SS``), exchange
prefixes (``SHA:688303``, ``HKG:2899``), Bloomberg codes (``688303 CH``, ``2899 HK``), the
five-digit HKEX form (``02899``) and so on. :func:`notations` lists them for a canonical ticker;
:func:`parse` maps any of them back to the canonical candidates.
"""

from __future__ import annotations

import re

#: Canonical exchange codes (KB schema) -> (prefixes, suffixes, Bloomberg code).
EXCHANGES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "SH": (("SHA", "SSE", "SH"), ("SH", "SS"), "CH"),
    "SZ": (("SHE", "SZSE", "SZ"), ("SZ",), "CH"),
    "BJ": (("BSE", "BJ"), ("BJ",), "CH"),
    "HK": (("HKG", "SEHK", "HKEX", "HK"), ("HK",), "HK"),
    "US": (("NYSE", "NASDAQ", "NYSEARCA", "NYSEAMERICAN", "AMEX"), ("US",), "US"),
    "TW": (("TPE", "TWSE"), ("TW",), "TT"),
    "SG": (("SGX",), ("SG", "SI"), "SP"),
}
_CANONICAL = re.compile(r"^([0-9A-Z]{1,6})\.([A-Z]{2})$")
_A_SHARE = re.compile(r"^\d{6}$")


class TickerError(ValueError):
    """Not a canonical ``CODE.EXCHANGE`` ticker."""


def canonical(code: str, exchange: str) -> str:
    """``2899`` + ``HK`` -> ``2899.HK`` (HKEX codes padded to four digits)."""
    code = code.upper()
    if exchange == "HK":
        code = f"{int(code):04d}"
    return f"{code}.{exchange}"


def split(ticker: str) -> tuple[str, str]:
    """A canonical ticker's code and exchange; raises :class:`TickerError`."""
    m = _CANONICAL.match(ticker.strip())
    if not m or m.group(2) not in EXCHANGES:
        raise TickerError(
            f"'{ticker}' is not CODE.EXCHANGE with exchange one of {', '.join(EXCHANGES)}"
        )
    code, exchange = m.group(1), m.group(2)
    if exchange in ("SH", "SZ", "BJ") and not _A_SHARE.match(code):
        raise TickerError(f"'{ticker}': mainland codes have six digits")
    if exchange == "HK" and not ((code.isdigit() and len(code) == 4) or len(code) == 5):
        raise TickerError(f"'{ticker}': HKEX codes are written with four digits (0700.HK)")
    return code, exchange


def notations(ticker: str) -> list[str]:
    """Every notation of a canonical ticker, the canonical form first."""
    code, exchange = split(ticker)
    prefixes, suffixes, bloomberg = EXCHANGES[exchange]
    codes = [code]
    if exchange == "HK":
        n = int(code)
        codes = [f"{n:04d}", f"{n:05d}", str(n)]
    out = [f"{code}.{exchange}"]
    for c in codes:
        out += [f"{c}.{s}" for s in suffixes]
        out += [f"{p}:{c}" for p in prefixes]
        out.append(f"{c} {bloomberg}")
        if exchange in ("SH", "SZ", "BJ"):
            out.append(f"{exchange}{c}")
    if exchange == "HK":
        out.append(f"{int(code):05d}")  # the form HKEX and many data vendors print
    return list(dict.fromkeys(out))


_PATTERNS = (
    re.compile(r"^(?P<code>[0-9A-Z]{1,6})\s*\.\s*(?P<suf>[A-Z]{2})$"),
    re.compile(r"^(?P<pre>[A-Z]{2,12})\s*[:：]\s*(?P<code>[0-9A-Z]{1,6})$"),
    re.compile(r"^(?P<code>[0-9A-Z]{1,6})\s+(?P<bbg>[A-Z]{2})(?:\s+EQUITY)?$"),
    re.compile(r"^(?P<pre>SH|SZ|BJ)(?P<code>\d{6})$"),
)


def _by_prefix(code: str) -> str | None:
    """The mainland exchange of a bare six-digit A-share code, by its leading digits."""
    if code[:2] in ("60", "68", "90"):
        return "SH"
    if code[:2] in ("00", "30", "20"):
        return "SZ"
    if code[:1] in ("4", "8") or code[:2] == "92":
        return "BJ"
    return None


def parse(text: str, *, bare: bool = True) -> set[str]:
    """Canonical tickers a written notation may stand for (empty when it is none).

    Args:
        text: a cell, e.g. ``SHA:600000``, ``600000 CH``, ``00700.HK`` or ``02899``.
        bare: also read a bare number (``600000``, ``02899``) as a ticker; use only for cells
            that name a party or a ticker, not for registration numbers.
    """
    value = " ".join(text.strip().upper().split())
    if not value or len(value) > 24:
        return set()
    out: set[str] = set()
    for pattern in _PATTERNS:
        m = pattern.match(value)
        if not m:
            continue
        code = m.group("code")
        groups = m.groupdict()
        for exchange, (prefixes, suffixes, bbg) in EXCHANGES.items():
            if (groups.get("suf") and groups["suf"] in suffixes) or (
                groups.get("pre") and groups["pre"] in prefixes
            ):
                out |= _candidates(code, exchange)
            elif groups.get("bbg") and groups["bbg"] == bbg:
                # Bloomberg's "CH" covers every mainland exchange: the code tells which
                mainland = exchange in ("SH", "SZ", "BJ")
                out |= _candidates(code, (_by_prefix(code) or exchange) if mainland else exchange)
    if bare and not out:
        if _A_SHARE.match(value) and (ex := _by_prefix(value)):
            out.add(f"{value}.{ex}")
        elif re.fullmatch(r"0\d{4}", value):
            out.add(canonical(value, "HK"))  # five digits with a leading zero: HKEX
    return out


def _candidates(code: str, exchange: str) -> set[str]:
    if exchange == "HK":
        return {canonical(code, "HK")} if code.isdigit() else set()
    if exchange in ("SH", "SZ", "BJ") and not _A_SHARE.match(code):
        return set()
    if exchange not in ("SH", "SZ", "BJ") and code.isdigit() and exchange == "US":
        return set()
    return {f"{code}.{exchange}"}
