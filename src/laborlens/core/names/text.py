"""Text primitives of name analysis: cleaning, scripts, Latin words, traditional to simplified."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

try:  # pragma: no cover - exercised when the optional folding library is missing
    from anyascii import anyascii as _anyascii

    HAVE_ANYASCII = True
except ImportError:  # pragma: no cover
    HAVE_ANYASCII = False

    def _anyascii(string: str) -> str:
        decomposed = unicodedata.normalize("NFKD", string)
        return "".join(c for c in decomposed if c.isascii())


def fold_ascii(text: str) -> str:
    """Any script folded to ASCII (``anyascii`` when installed)."""
    return _anyascii(text)


_HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
)


HAN_RUN = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HAN_RANGES) + "]+")


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (any extension block)."""
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _HAN_RANGES)


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> str:
    if is_han(ch):
        return "han"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    return name.split(" ", 1)[0].lower()


def scripts_of(text: str) -> tuple[str, ...]:
    """The scripts of the letters in ``text`` (``latin``, ``han``, ``cyrillic``, ``arabic`` …)."""
    found: list[str] = []
    for ch in text:
        if not ch.isalpha():
            continue
        s = "latin" if ch.isascii() else _script_of(ch)
        if s not in found:
            found.append(s)
    return tuple(found)


def clean(text: str) -> str:
    """NFKC, control/format characters and symbols (emoji …) removed, whitespace collapsed."""
    if text.isascii():
        return " ".join(text.translate(_ASCII_CONTROLS).split())
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if unicodedata.category(c)[0] in "CSZ" and c not in "&'" else c for c in text
    )
    return " ".join(text.split())


_ASCII_CONTROLS = {i: " " for i in (*range(32), 127)}


_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
ASCII_LETTER = re.compile(r"[A-Za-z]")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_APOSTROPHES = re.compile(r"(?<=[a-z])['’`](?=[a-z])")


def latin_words(text: str) -> list[str]:
    """Folded lower-case ASCII words of a non-Han text (``&`` becomes ``and``)."""
    if not text.isascii():
        text = _anyascii(text)
    text = text.casefold()
    text = _APOSTROPHES.sub("", text)
    text = text.replace("&", " and ")
    text = _ORDINAL.sub(r"\1", text)
    return [w for w in _WORD_SPLIT.split(text) if w]


_t2s_converter: Callable[[str], str] | None = None


@lru_cache(maxsize=65536)
def t2s(text: str) -> str:
    global _t2s_converter  # noqa: PLW0603 - a lazily built, stateless converter
    if _t2s_converter is None:
        import opencc

        _t2s_converter = opencc.OpenCC("t2s").convert
    return _t2s_converter(text)
