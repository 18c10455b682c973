"""HS / HTSUS code parsing: any punctuation, 2 to 10 digits, chapter validated.

Accepted: ``8541.43``, ``8541.43.0010``, ``8541-43``, ``HTS 6109.10.0012``, ``6109 10 00``,
full-width digits, several codes separated by ``;``, ``,``, ``|`` or ``/``. Spreadsheets drop
leading zeros (``0702.00`` becomes ``702``) and trailing zeros of decimals (``6109.10`` becomes
``6109.1``): an odd-length first group is left-padded, an odd-length last group right-padded, a
single group of 3-9 digits left-padded, and the code is marked ``repaired``.

Chapters 01-97 are HS chapters (77 is reserved, 00 does not exist); 98 and 99 are national
chapters (e.g. HTSUS special provisions, Canada's 9897.00.00): valid, but no sector.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_PREFIX = re.compile(
    r"^\s*(?:htsus|htsa|hts|hsn|hs|cn|taric)\s*(?:code|no\.?|number|#)?\s*[:#=]?\s*", re.I
)
_SPLIT = re.compile(r"[;,|/\n]+")
_ALLOWED = re.compile(r"^[0-9.\-\s_·•]+$")
_GROUPS = re.compile(r"[0-9]+")

#: HS chapters that do not exist (00) or are reserved for future use (77).
INVALID_CHAPTERS = frozenset({"00", "77"})
#: Chapters reserved for national use (HTSUS ch. 98/99, Canada 9897.00.00).
NATIONAL_CHAPTERS = frozenset({"98", "99"})


@dataclass(frozen=True, slots=True)
class HsCode:
    """A parsed code: ``digits`` (2-10), the input text, and whether digits were restored."""

    digits: str
    raw: str
    repaired: bool = False

    @property
    def chapter(self) -> str:
        return self.digits[:2]

    @property
    def national(self) -> bool:
        return self.chapter in NATIONAL_CHAPTERS

    def prefixes(self) -> tuple[str, ...]:
        """The code's own prefixes from chapter to full length (2, 4, 6, ... digits)."""
        return tuple(self.digits[:n] for n in range(2, len(self.digits) + 1, 2)) + (
            (self.digits,) if len(self.digits) % 2 else ()
        )

    def dotted(self) -> str:
        """``8541.43.00.10`` style display."""
        d = self.digits
        parts = [d[:4], d[4:6], d[6:8], d[8:10]]
        return ".".join(p for p in parts if p)


def _one(part: str) -> HsCode | str:
    text = unicodedata.normalize("NFKC", part).strip()
    if not _ALLOWED.match(text):
        return f"'{part.strip()}' is not an HS code (digits and punctuation only)"
    groups = _GROUPS.findall(text)
    repaired = False
    if not groups:
        return f"'{part.strip()}' holds no HS code"
    if len(groups) > 1:
        if len(groups[0]) % 2:
            groups[0] = "0" + groups[0]
            repaired = True
        if len(groups[-1]) % 2:
            groups[-1] = groups[-1] + "0"
            repaired = True
    digits = "".join(groups)
    if len(groups) == 1 and len(digits) % 2 and 3 <= len(digits) < 10:
        digits = "0" + digits
        repaired = True
    if not 2 <= len(digits) <= 10:
        return f"'{part.strip()}' has {len(digits)} digits; an HS/HTS code has 2 to 10"
    chapter = digits[:2]
    if chapter in INVALID_CHAPTERS:
        why = "is reserved for future use" if chapter == "77" else "does not exist"
        return f"'{part.strip()}': HS chapter {chapter} {why} (chapters are 01-97, 77 reserved)"
    return HsCode(digits, part.strip(), repaired)


def parse_hs(value: str | None) -> tuple[tuple[HsCode, ...], tuple[str, ...]]:
    """Parse an ``hs_code`` cell.

    Returns:
        ``(codes, problems)``: every code that parsed, and a message for each part that did not
        (the caller turns these into row errors on column ``hs_code``).
    """
    if value is None or not value.strip():
        return (), ()
    text = _PREFIX.sub("", unicodedata.normalize("NFKC", value).strip())
    codes: list[HsCode] = []
    problems: list[str] = []
    for part in _SPLIT.split(text):
        if not part.strip():
            continue
        parsed = _one(_PREFIX.sub("", part))
        if isinstance(parsed, str):
            problems.append(parsed)
        elif parsed.digits not in {c.digits for c in codes}:
            codes.append(parsed)
    if not codes and not problems:
        problems.append(f"'{value.strip()}' holds no HS code")
    return tuple(codes), tuple(problems)
