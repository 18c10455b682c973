"""Text normalisation of the geo layer: one-to-one character folding and mojibake repair.

``normalise`` keeps the length of the text, so an offset found in the normalised text is also an
offset into the original and the evidence quoted back is exactly what the user wrote.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "HAN_RE",
    "NORMALISE_TABLE",
    "TOKEN_RE",
    "detone",
    "is_latin",
    "normalise",
    "repair_mojibake",
]

HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007]")
#: Words of alphabetic scripts in normalised text (Latin, Cyrillic, Arabic).
TOKEN_RE = re.compile("[a-z0-9\u0400-\u04ff\u0600-\u06ff]+(?:'[a-z0-9]+)*")
#: Pinyin written with tone numbers ("wu1lu3mu4qi2", "kashi2").
_TONE_NUMBERS = re.compile(r"(?:[a-z]+[1-5])+[a-z]*")
_DIGITS = str.maketrans("", "", "12345")


def _build_table() -> dict[int, str]:
    """A one-character-to-one-character normalisation table (keeps offsets aligned)."""
    table: dict[int, str] = {}
    ranges = [
        range(0x80, 0x250),
        range(0x2000, 0x2070),
        range(0x3000, 0x3020),
        range(0xFF01, 0xFF5F),
    ]
    for r in ranges:
        for cp in r:
            ch = chr(cp)
            dec = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            if len(dec) == 1 and dec.isascii():
                if dec.isalnum():
                    table[cp] = dec
                elif dec == "'":
                    table[cp] = "'"
                else:
                    table[cp] = " "
            elif len(dec) != 1 and not ch.isalnum():
                table[cp] = " "
    for ch in "’‘ʼ`´":
        table[ord(ch)] = "'"
    for ch in '\t\r\n,.;:!?/\\|()[]{}<>"#*_=+&@~^%$-，。、；：？！（）【】《》「」『』·':
        table[ord(ch)] = " "
    for ch in "\u3007":  # 〇 (ideographic zero) stays Han
        table.pop(ord(ch), None)
    table[0x130] = "i"  # İ lower-cases to two characters
    table[0xDF] = "s"  # ß
    return table


NORMALISE_TABLE = _build_table()


def normalise(text: str) -> str:
    """Lower-case, accents and full-width forms folded, punctuation to spaces; same length."""
    out = text.translate(NORMALISE_TABLE).lower()
    if len(out) != len(text):  # a character outside the table changed length on lower()
        out = "".join(
            c.lower() if len(c.lower()) == 1 else c for c in text.translate(NORMALISE_TABLE)
        )
    return out


def detone(token: str) -> str:
    """A pinyin token with tone numbers without them ("wu1lu3mu4qi2" -> "wulumuqi")."""
    if _TONE_NUMBERS.fullmatch(token):
        return token.translate(_DIGITS)
    return token


def is_latin(text: str) -> bool:
    return not text or max(text) < "\u0250"


def _mojibake_bytes(text: str) -> bytes | None:
    out = bytearray()
    for ch in text:
        if ch == "\ufffd":
            continue  # a byte the wrong decoder could not map; lost
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) < 256:
                out.append(ord(ch))
            else:
                return None
    return bytes(out)


def _han_count(text: str) -> int:
    return len(HAN_RE.findall(text))


_LATIN1_LETTER = re.compile("[\u00c0-\u00ff]")


def repair_mojibake(text: str) -> tuple[str, bool]:
    """Undo Chinese text decoded with the wrong codec (``æ–°ç–†`` → ``新疆``).

    Tried only on text with no Han characters and many Latin-1 letters. UTF-8 bytes must decode
    strictly (apart from bytes the wrong decoder already lost); GBK only when nearly all of the
    text is high Latin-1, so ordinary accented European text is never "repaired".
    """
    if text.isascii() or HAN_RE.search(text) or not _LATIN1_LETTER.search(text):
        return text, False
    raw = _mojibake_bytes(text)
    if raw is None:
        return text, False
    lost = "\ufffd" in text
    try:
        fixed = raw.decode("utf-8", errors="ignore" if lost else "strict")
    except UnicodeDecodeError:
        fixed = ""
    if _han_count(fixed) >= 2:
        return fixed, True
    visible = [c for c in text if not c.isspace() and not c.isdigit()]
    high = sum(0x80 <= ord(c) <= 0xFF for c in visible)
    if visible and high / len(visible) >= 0.7:
        try:
            fixed = raw.decode("gb18030")
        except UnicodeDecodeError:
            return text, False
        if _han_count(fixed) >= 2:
            return fixed, True
    return text, False
