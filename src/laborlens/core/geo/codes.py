"""Codes that carry a place: postal codes, telephone area codes (in their column or inside
the text) and the division code inside a Unified Social Credit Code."""

from __future__ import annotations

import re

from stdnum.cn import uscc as _uscc

from laborlens.core.geo.gazetteer import Gazetteer
from laborlens.core.geo.signals import Signal
from laborlens.core.geo.text import normalise
from laborlens.core.model import RowError

__all__ = ["phone", "phones_in_text", "postal_codes", "uscc"]

# No look-behind at the start, so the regex engine can skip to candidate characters; the
# characters around a match are checked in Python.
_RE_POSTAL = re.compile(r"[0-9oil]{6}")
_WORD = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_OCR = str.maketrans({"o": "0", "i": "1", "l": "1"})
#: "邮编 830000", "Postcode: 830000", "P.C. 830000", "Zip 830000": the number is a postal code.
_POSTAL_LABEL = re.compile(r"(?:邮编|邮政编码|post\s?code|postal\s?code|zip(?:\s?code)?|p\s?c)\s*$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
#: A telephone number written inside free text: +86 / 0086 / (0…) forms with an area code.
_RE_PHONE_TEXT = re.compile(
    r"(?:(?:\+|00)\s?86[\s-]*(?:\(0\)\s*)?\(?[1-9][0-9]{1,2}\)?|\(?0[1-9][0-9]{1,2}\)?)"
    r"[\s-]?[0-9]{3,4}[\s-]?[0-9]{3,4}(?![0-9])"
)
POSTAL_WEIGHT = 0.45
POSTAL_WEIGHT_STRONG = 0.6


def postal_codes(
    gaz: Gazetteer, text: str, field: str, norm: str | None = None, *, strong: bool = False
) -> list[Signal]:
    """Six-digit postal codes in ``text`` (OCR letters o/i/l read as 0/1).

    A code is weak (decides only with support) unless ``strong`` (the record is known to be in
    China) or a label such as 邮编 / Postcode stands right before it. ``norm`` is
    ``normalise(text)`` when the caller already has it.
    """
    if norm is None:
        norm = normalise(text)
    out: list[Signal] = []
    for m in _RE_POSTAL.finditer(norm):
        if (m.start() and norm[m.start() - 1] in _WORD) or norm[m.end() : m.end() + 1] in _WORD:
            continue
        raw = m.group()
        if not raw.isdigit() and (sum(c.isdigit() for c in raw) < 4 or not raw[0].isdigit()):
            continue
        code = raw.translate(_OCR)
        prov = gaz.postal_prefixes.get(code[:2])
        if prov is None:
            continue
        labelled = bool(_POSTAL_LABEL.search(norm[max(0, m.start() - 14) : m.start()]))
        label = gaz.provinces[prov].label
        fixed = "" if code == raw else f" (read as {code})"
        span = text[m.start() : m.end()]
        why = (
            f"{field} has postal code {span}{fixed}, in the range of {label} ({code[:2]}xxxx; "
            f"source {gaz.sources.get('postal_cn', 'postal_cn')})"
        )
        out.append(
            Signal(
                prov,
                f"{prov}0000",
                POSTAL_WEIGHT_STRONG if strong or labelled else POSTAL_WEIGHT,
                "postal_code",
                field,
                span,
                why + (" after a postal-code label" if labelled else ""),
                weak=not (strong or labelled),
                start=m.start(),
            )
        )
    return out


#: Digits of the shortest Chinese fixed-line number without its trunk 0 (a 3-digit area code
#: and a 7-digit subscriber number are 10; 9 admits one digit short, as :func:`phone` does for
#: numbers written with their trunk 0). Fewer digits are noise, not a place.
_NATIONAL_DIGITS = 9


def phone(gaz: Gazetteer, value: str, field: str = "phone") -> tuple[list[Signal], str | None]:
    """Signals from a Chinese area code, and the country its country code names (if one)."""
    raw = value.strip()
    digits = re.sub(r"[^0-9]", "", raw)
    if len(digits) < 7:
        return [], None
    international = raw.startswith("+") or digits.startswith("00")
    national: str | None = None
    country: str | None = None
    if international:
        body = digits[2:] if digits.startswith("00") else digits
        for n in (3, 2, 1):
            isos = gaz.phone_country_codes.get(body[:n])
            if isos:
                country = isos[0] if len(isos) == 1 else None
                if body[:n] == "86":
                    national = body[2:]
                break
    elif digits.startswith("86") and len(digits) >= 12:
        country, national = "CN", digits[2:]
    elif digits.startswith("0") and len(digits) >= 10:
        national = digits[1:]
    if national is None:
        return [], country
    if national.startswith("0"):
        national = national[1:]
    if len(national) < _NATIONAL_DIGITS:
        return [], country  # too short for an area code and a subscriber number
    if _MOBILE.match(national):
        return [], country or ("CN" if international else None)
    # Area codes are prefix-free (2 digits for the metropolitan codes, 3 elsewhere); the table
    # also holds a few longer prefixes of the same codes, so the longest key wins.
    for n in (6, 5, 4, 3, 2):
        code = gaz.phone_area_codes.get(national[:n])
        if code is None:
            continue
        area = national[:2] if national[0] in "12" else national[:3]
        name = gaz.divisions.get(code, code)
        w = 0.75 if international or country == "CN" else 0.6
        where = "phone" if field == "phone" else f"{field} has phone number"
        sig = Signal(
            code[:2],
            code,
            w,
            "phone_area_code",
            field,
            raw,
            f"{where} {raw} has area code 0{area} ({name}; source "
            f"{gaz.sources.get('libphonenumber', 'libphonenumber')})",
        )
        return [sig], country or "CN"
    return [], country


def phones_in_text(gaz: Gazetteer, text: str, field: str) -> list[Signal]:
    """Area codes of telephone numbers written inside free text ("电话 0991-2345678")."""
    out: list[Signal] = []
    for m in _RE_PHONE_TEXT.finditer(text):
        if m.start() and text[m.start() - 1].isdigit():
            continue  # inside a longer number
        sigs, _country = phone(gaz, m.group(), field)
        out.extend(s._replace(start=m.start()) for s in sigs)
    return out


def uscc(gaz: Gazetteer, value: str) -> tuple[list[Signal], list[RowError], bool]:
    """The division code inside a Unified Social Credit Code; (signals, errors, is_uscc)."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if len(compact) != 18 or not re.fullmatch(r"[0-9A-Z]{18}", compact):
        return [], [], False
    if not compact[2:8].isdigit():
        return [], [], False
    if not _uscc.is_valid(compact):
        err = RowError(
            f"registration_id '{value}' has the shape of a Chinese Unified Social Credit Code "
            "but its check character is wrong; its division code was not used",
            "registration_id",
        )
        return [], [err], False
    div = compact[2:8]
    prov = div[:2]
    # Only GB/T 2260 province prefixes are read (an unassigned "66" prefix gives no place).
    if prov not in gaz.provinces:
        return [], [], True
    name = gaz.divisions.get(div) or gaz.divisions.get(div[:4] + "00") or gaz.provinces[prov].label
    code = div if div in gaz.divisions else f"{prov}0000"
    sig = Signal(
        prov,
        code,
        0.95,
        "uscc_division",
        "registration_id",
        value,
        f"Unified Social Credit Code {compact} (check character valid) was issued by "
        f"a registration authority in division {div} ({name}); source "
        f"{gaz.sources.get('uscc_gb32100', 'GB 32100-2015')}",
    )
    return [sig], [], True
