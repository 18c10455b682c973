"""Text encodings of input files: detected from the bytes (byte-order marks, UTF-8, UTF-16 by
its zero bytes, charset-normaliser's guess, GB18030 last), or checked when given."""

from __future__ import annotations

import codecs
from pathlib import Path

_CHINESE = {"gb2312", "gbk", "cp936", "gb18030", "hz", "hz_gb_2312", "hz-gb-2312", "euc_cn"}
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class EncodingError(ValueError):
    """The bytes cannot be decoded as asked (the message names the file, line and byte)."""


def _normalise_encoding(name: str) -> str:
    info = codecs.lookup(name)  # raises LookupError for unknown names
    return "gb18030" if info.name in _CHINESE or name.lower() in _CHINESE else info.name


def _decodes(sample: bytes, encoding: str, complete: bool) -> int | None:
    """None when ``sample`` decodes; else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def detect_encoding(sample: bytes, complete: bool = True) -> str | None:
    """Guess the text encoding of a sample of bytes (``None`` when nothing fits).

    Args:
        sample: the first bytes of the file.
        complete: whether the sample is the whole file (else a cut multi-byte character at the
            end is not an error).
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if _decodes(sample, "utf-8", complete) is None:
        return "utf-8"
    head = sample[:4096]
    if len(head) >= 4:
        even_zero = head[0::2].count(0) / max(1, len(head[0::2]))
        odd_zero = head[1::2].count(0) / max(1, len(head[1::2]))
        if odd_zero > 0.3 and even_zero < 0.05 and _decodes(sample, "utf-16-le", complete) is None:
            return "utf-16-le"
        if even_zero > 0.3 and odd_zero < 0.05 and _decodes(sample, "utf-16-be", complete) is None:
            return "utf-16-be"
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        best = None
    else:
        best = from_bytes(sample[:262144]).best()
    candidates = []
    if best is not None and best.encoding:
        candidates.append(_normalise_encoding(best.encoding))
    candidates.append("gb18030")
    for name in candidates:
        if _decodes(sample, name, complete) is None:
            return name
    return None


def _line_of(sample: bytes, offset: int) -> int:
    return sample[:offset].count(b"\n") + 1


def choose_encoding(path: Path, sample: bytes, complete: bool, encoding: str | None) -> str:
    if encoding:
        try:
            chosen = _normalise_encoding(encoding)
        except LookupError as exc:
            raise EncodingError(f"{path}: unknown encoding '{encoding}'") from exc
        bad = _decodes(sample, chosen, complete)
        if bad is not None:
            raise EncodingError(
                f"{path}: line {_line_of(sample, bad)}: bytes that are not valid {encoding} "
                f"(at byte {bad}); check --encoding"
            )
        return chosen
    detected = detect_encoding(sample, complete)
    if detected is None:
        raise EncodingError(
            f"{path}: cannot tell the text encoding (not UTF-8, UTF-16 or GB18030); "
            "pass --encoding, e.g. --encoding cp1252"
        )
    return detected
