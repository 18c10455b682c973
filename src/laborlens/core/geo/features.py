"""Feature functions of the geo layer: each turns one input value into explained signals.

A :class:`Signal` says which province (GB/T 2260 prefix) a value points to, how strongly, by
which feature, from which field, and quoting the evidence. ``locate`` combines them.

Features (documented in docs/geo.md):

* ``name_match`` — a gazetteer name found in the text (Aho-Corasick, token boundaries).
* ``xpcc_regiment`` — an XPCC regiment (``一五〇团``, ``150团``, ``Regiment 150``).
* ``postal_code`` — a six-digit Chinese postal code (OCR letters O/I/l read as digits).
* ``phone_area_code`` — a Chinese long-distance area code in the phone number.
* ``uscc_division`` — the registration authority's division code inside a valid USCC.
* ``coordinates`` — nearest bundled place to lat/lon (offline reverse geocoding).
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from stdnum.cn import uscc as _uscc

from laborlens.core.geo.gazetteer import (
    GRID_CELL_DEG,
    HAN_RE,
    KIND_WEIGHT,
    SECONDARY_SOURCE_FACTOR,
    SECONDARY_SOURCES,
    TOKEN_RE,
    WEAK_WEIGHT,
    Gazetteer,
    Pattern,
    Target,
    describe,
    normalise,
)
from laborlens.core.model import RowError

__all__ = [
    "KIND_WEIGHT",
    "SECONDARY_SOURCES",
    "SECONDARY_SOURCE_FACTOR",
    "WEAK_WEIGHT",
    "Signal",
    "TextScan",
    "coordinates",
    "phone",
    "postal_codes",
    "scan_text",
    "signal_why",
    "uscc",
]

NAME_FIELD_FACTOR = 0.85  # a place in a company name is a weaker signal than in an address

_HAN_DIGITS = "〇零一二三四五六七八九"
_RE_REGIMENT_HAN = re.compile(r"([〇零一二三四五六七八九]{3})团")
_RE_REGIMENT_NUM = re.compile(r"(?<![0-9])([0-9]{1,3})\s?团(?:场)?")
_RE_REGIMENT_LATIN = re.compile(
    r"(?<![a-z0-9])(?:regiment|tuan|tuanchang)\s?(?:no\s?)?([0-9]{1,3})(?![0-9])"
    r"|(?<![a-z0-9])([0-9]{1,3})(?:st|nd|rd|th)?\s(?:regiment|tuan|tuanchang)(?![a-z])"
)
_RE_POSTAL = re.compile(r"(?<![0-9a-z])([0-9oil]{6})(?![0-9a-z])")
_OCR = str.maketrans({"o": "0", "i": "1", "l": "1"})
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_ANY_TOKEN_CHAR = re.compile("[a-z0-9\u0400-\u04ff\u0600-\u06ff]")


class Signal(NamedTuple):
    """One explained piece of geographic evidence (a named tuple: cheap in the hot loop)."""

    province: str  # GB/T 2260 prefix ("65")
    code: str  # most specific division code known ("650100"), or the province code
    weight: float
    feature: str
    field: str
    evidence: str
    why: str
    weak: bool = False  # decides only with support
    ambiguous: tuple[str, ...] = ()  # the other provinces the same evidence could mean
    start: int = -1  # offset in the field's text, for overlap checks
    target: Target | None = None  # name matches: the gazetteer entry (``why`` built lazily)


def signal_why(gaz: Gazetteer, s: Signal) -> str:
    """The explanation of a signal; for name matches built only when a finding needs it."""
    if s.why or s.target is None:
        return s.why
    return f"{s.field} names '{s.evidence}': {describe(gaz.divisions, s.target)}"


class TextScan(NamedTuple):
    """What a free-text field yielded: place signals, country names, street-only names."""

    signals: tuple[Signal, ...]
    countries: tuple[tuple[str, str], ...]  # (alpha-2, evidence)
    streets: tuple[str, ...]  # place names used as street/building names (not evidence)
    norm: str = ""  # the normalised text that was scanned


def _latin_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _street_after(gaz: Gazetteer, norm: str, end: int, latin: bool) -> bool:
    rest = norm[end : end + 24]
    if not latin:
        return rest.startswith(gaz.street_han)
    words = rest.split()
    if not words:
        return False
    if words[0] in gaz.street_latin:
        return True
    return len(words) > 1 and f"{words[0]} {words[1]}" in gaz.street_latin


def _first(m: tuple[int, int, Pattern]) -> int:
    return m[0]


def scan_text(gaz: Gazetteer, text: str, field: str) -> TextScan:
    """Find gazetteer names, XPCC regiments and country names in one free-text value."""
    norm = normalise(text)
    patterns = gaz.patterns
    # (start - end, start, end, pattern index): sorting puts the longest match first.
    found: list[tuple[int, int, int, int]] = []
    if HAN_RE.search(norm):
        for end_idx, idx in gaz.automaton.iter(norm):
            start = end_idx + 1 - len(patterns[idx].text)
            found.append((start - end_idx - 1, start, end_idx + 1, idx))
    # Alphabetic names: whole tokens only. The tokens are joined by single spaces and the
    # space-wrapped names are found with a second automaton, so "xinjiang" never matches inside
    # "xinjiangroad" and any punctuation or spacing between the words of a name is tolerated.
    matches = list(TOKEN_RE.finditer(norm)) if _ANY_TOKEN_CHAR.search(norm) else []
    if matches:
        joined = " " + " ".join([m.group() for m in matches]) + " "
        for end_idx, (idx, ntok) in gaz.latin_automaton.iter(joined):
            # " name " ends at end_idx; its first token starts at end_idx - len(name), and the
            # token's index is the number of spaces before that position, minus one
            first = joined.count(" ", 0, end_idx - len(patterns[idx].text)) - 1
            start = matches[first].start()
            end = matches[first + ntok - 1].end()
            found.append((start - end, start, end, idx))
    # Longest match wins; contained or overlapping shorter matches are dropped.
    kept: list[tuple[int, int, Pattern]] = []
    if found:
        found.sort()
        if len(found) == 1:
            _neg, start, end, idx = found[0]
            kept.append((start, end, patterns[idx]))
        else:
            taken = bytearray(len(norm))  # 1 where a longer match already sits
            for _neg, start, end, idx in found:
                if taken.find(1, start, end) >= 0:
                    continue
                taken[start:end] = b"\x01" * (end - start)
                kept.append((start, end, patterns[idx]))
            kept.sort(key=_first)

    factor = NAME_FIELD_FACTOR if field == "name" else 1.0
    in_name = field == "name"
    signals: list[Signal] = []
    countries: list[tuple[str, str]] = []
    streets: list[str] = []
    for start, end, pat in kept:
        evidence = text[start:end]
        if _street_after(gaz, norm, end, pat.latin):
            streets.append(evidence)
            continue
        for iso in pat.countries:
            countries.append((iso, evidence))
        # Weights and weakness are precomputed per pattern for the address field
        # (gazetteer.Place); a party's name weighs less and needs support for county names.
        for pl in pat.places:
            weight = pl.weight
            weak = pl.weak
            if in_name:
                if pl.target.kind in ("county_latin", "county_short"):
                    # company names reuse county words ("Fukang", "Tianshan"): support needed
                    weak = True
                    weight = min(weight, WEAK_WEIGHT)
                weight *= factor
            signals.append(
                Signal(
                    pl.province,
                    pl.code,
                    weight,
                    "name_match",
                    field,
                    evidence,
                    "",
                    weak,
                    pl.others,
                    start,
                    pl.target,
                )
            )
    signals.extend(_regiments(norm, text, field, factor))
    return TextScan(tuple(signals), tuple(countries), tuple(streets), norm)


def _regiments(norm: str, text: str, field: str, factor: float) -> list[Signal]:
    out: list[Signal] = []
    if "团" not in norm and "regiment" not in norm and "tuan" not in norm:
        return out
    # (pattern, weight, weak, explanation after the quoted span)
    forms = (
        (
            _RE_REGIMENT_HAN,
            0.9,
            False,
            " (digit-by-digit Chinese numeral + 团, the Corps' regiment naming)",
        ),
        (
            _RE_REGIMENT_NUM,
            WEAK_WEIGHT,
            True,
            ", the form of an XPCC regiment (团/团场); counts only with other Xinjiang support",
        ),
        (
            _RE_REGIMENT_LATIN,
            WEAK_WEIGHT,
            True,
            ", the form of an XPCC regiment; counts only with other Xinjiang support",
        ),
    )
    for pattern, weight, weak, tail in forms:
        for m in pattern.finditer(norm):
            span = text[m.start() : m.end()]
            lead = (
                f"{field} names XPCC regiment '{span}'" if not weak else f"{field} names '{span}'"
            )
            out.append(
                Signal(
                    "65",
                    "650000",
                    weight * factor,
                    "xpcc_regiment",
                    field,
                    span,
                    lead + tail,
                    weak=weak,
                    start=m.start(),
                )
            )
    return out
    for m in _RE_REGIMENT_HAN.finditer(norm):
        out.append(
            Signal(
                "65",
                "650000",
                0.9 * factor,
                "xpcc_regiment",
                field,
                text[m.start() : m.end()],
                f"{field} names XPCC regiment '{text[m.start() : m.end()]}' (digit-by-digit "
                "Chinese numeral + 团, the Corps' regiment naming)",
                start=m.start(),
            )
        )
    for m in _RE_REGIMENT_NUM.finditer(norm):
        out.append(
            Signal(
                "65",
                "650000",
                WEAK_WEIGHT * factor,
                "xpcc_regiment",
                field,
                text[m.start() : m.end()],
                f"{field} names '{text[m.start() : m.end()]}', the form of an XPCC regiment "
                "(团/团场); counts only with other Xinjiang support",
                weak=True,
                start=m.start(),
            )
        )
    for m in _RE_REGIMENT_LATIN.finditer(norm):
        out.append(
            Signal(
                "65",
                "650000",
                WEAK_WEIGHT * factor,
                "xpcc_regiment",
                field,
                text[m.start() : m.end()],
                f"{field} names '{text[m.start() : m.end()]}', the form of an XPCC regiment; "
                "counts only with other Xinjiang support",
                weak=True,
                start=m.start(),
            )
        )
    return out


def postal_codes(gaz: Gazetteer, text: str, field: str, norm: str | None = None) -> list[Signal]:
    """Six-digit postal codes in ``text`` (OCR letters o/i/l read as 0/1).

    ``norm`` is ``normalise(text)`` when the caller already has it.
    """
    if norm is None:
        norm = normalise(text)
    out: list[Signal] = []
    for m in _RE_POSTAL.finditer(norm):
        raw = m.group(1)
        if sum(c.isdigit() for c in raw) < 4 or not raw[0].isdigit():
            continue
        code = raw.translate(_OCR)
        prov = gaz.postal_prefixes.get(code[:2])
        if prov is None:
            continue
        label = gaz.provinces[prov].label
        fixed = "" if code == raw else f" (read as {code})"
        out.append(
            Signal(
                prov,
                f"{prov}0000",
                0.45,
                "postal_code",
                field,
                text[m.start() : m.end()],
                f"{field} has postal code {text[m.start() : m.end()]}{fixed}, in the range of "
                f"{label} ({code[:2]}xxxx; source {gaz.sources.get('postal_cn', 'postal_cn')})",
                weak=True,
                start=m.start(),
            )
        )
    return out


def phone(gaz: Gazetteer, value: str) -> tuple[list[Signal], str | None]:
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
    if _MOBILE.match(national):
        return [], country or ("CN" if international else None)
    # Area codes are prefix-free (2 digits for the metropolitan codes, 3 elsewhere); the table
    # also holds a few longer prefixes of the same codes, so the longest key wins.
    for n in (6, 5, 4, 3, 2):
        code = gaz.phone_area_codes.get(national[:n])
        if code is None:
            continue
        prov = code[:2]
        area = national[:2] if national[0] in "12" else national[:3]
        name = gaz.divisions.get(code, code)
        w = 0.75 if international or country == "CN" else 0.6
        sig = Signal(
            prov,
            code,
            w,
            "phone_area_code",
            "phone",
            raw,
            f"phone {raw} has area code 0{area} ({name}; source "
            f"{gaz.sources.get('libphonenumber', 'libphonenumber')})",
        )
        return [sig], country or "CN"
    return [], country


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
    # Only GB/T 2260 province prefixes are read. (geo-v1 also read an unassigned "66" prefix as
    # the XPCC; no public source confirms that, so it was removed: docs/geo.md.)
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


MAX_POINT_KM = 150.0


def _nearest(gaz: Gazetteer, lat: float, lon: float) -> tuple[int, float] | None:
    """Nearest bundled point (index, km), searching grid rings outwards until no closer
    point can exist outside the rings searched; None when that is not settled within eight
    rings (then the nearest point is more than ~200 km away, beyond ``MAX_POINT_KM``)."""
    best_i = -1
    best_d2 = math.inf
    cell = GRID_CELL_DEG
    ci, cj = int(lat // cell), int(lon // cell)
    coslat = max(math.cos(math.radians(lat)), 0.01)
    grid = gaz.grid
    points = gaz.points
    for ring in range(8):
        for di in range(-ring, ring + 1):
            edge = abs(di) == ring
            for dj in range(-ring, ring + 1) if edge else (-ring, ring):
                for i in grid.get((ci + di, cj + dj), ()):
                    p = points[i]
                    dy = p[0] - lat
                    dx = (p[1] - lon) * coslat
                    d2 = dy * dy + dx * dx
                    if d2 < best_d2:
                        best_d2, best_i = d2, i
        if best_i >= 0:
            # distance (degrees) from the point to the edge of the searched square
            margin = min(
                lat - (ci - ring) * cell,
                (ci + ring + 1) * cell - lat,
                (lon - (cj - ring) * cell) * coslat,
                ((cj + ring + 1) * cell - lon) * coslat,
            )
            if best_d2 <= margin * margin:
                return best_i, math.sqrt(best_d2) * 111.2
    return None


def coordinates(
    gaz: Gazetteer, lat: float | None, lon: float | None
) -> tuple[list[Signal], list[RowError], str | None]:
    """Reverse-geocode lat/lon to a province; (signals, errors, country)."""
    if lat is None and lon is None:
        return [], [], None
    if lat is None or lon is None:
        missing = "lat" if lat is None else "lon"
        return (
            [],
            [
                RowError(
                    f"{missing} is missing while the other coordinate is given; "
                    "coordinates not used",
                    missing,
                )
            ],
            None,
        )
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return [], [RowError("coordinates are not finite numbers; not used", "lat")], None
    if abs(lat) > 90 or abs(lon) > 180:
        if abs(lon) <= 90 and abs(lat) <= 180:
            return (
                [],
                [
                    RowError(
                        f"lat {lat} is out of range but lon {lon} is not: latitude "
                        "and longitude look swapped; coordinates not used",
                        "lat",
                    )
                ],
                None,
            )
        col = "lat" if abs(lat) > 90 else "lon"
        return [], [RowError(f"{col} out of range (lat {lat}, lon {lon}); not used", col)], None
    if lat == 0 and lon == 0:
        return (
            [],
            [RowError("coordinates 0,0 are a placeholder, not a site; not used", "lat")],
            None,
        )
    hit = _nearest(gaz, lat, lon)
    if hit is None or hit[1] > MAX_POINT_KM:
        swapped = _nearest(gaz, lon, lat) if abs(lon) <= 90 else None
        if swapped is not None and swapped[1] <= MAX_POINT_KM:
            return (
                [],
                [
                    RowError(
                        f"coordinates lat {lat}, lon {lon} match no bundled place, "
                        f"but swapped they would: latitude and longitude look "
                        "swapped; not used",
                        "lat",
                    )
                ],
                None,
            )
        return [], [], None
    plat, plon, region, code = gaz.points[hit[0]]
    if not region.startswith("CN-"):
        return [], [], region
    prov = next((p for p, v in gaz.provinces.items() if v.iso == region), None)
    if prov is None:
        return [], [], "CN"
    name = gaz.divisions.get(code, "") if code else ""
    place = f"{name} (GB/T 2260 {code})" if code else f"a GeoNames place at {plat},{plon}"
    sig = Signal(
        prov,
        code or f"{prov}0000",
        0.9,
        "coordinates",
        "lat/lon",
        f"{lat},{lon}",
        f"coordinates {lat},{lon} are {hit[1]:.0f} km from {place} in "
        f"{gaz.provinces[prov].label} (offline nearest-place look-up)",
    )
    return [sig], [], "CN"
