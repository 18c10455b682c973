"""Place names, XPCC regiments and country names in one free-text value.

Names are found with two Aho-Corasick automata (Han names anywhere; alphabetic names as whole
tokens); the longest match wins. What follows a name decides how it is read: a road or street
word makes it a street name (``乌鲁木齐中路``, ``Wulumuqi Zhong Lu``, ``Kashi Road``: not
evidence), a town word a town below a county (``天山镇``), an administrative word an explicit
division (``喀什地区``, ``Kashgar Prefecture``), a facility word (``库车机场``, ``Kuqa Airport``)
lifts a name that was weak only for being short.
"""

from __future__ import annotations

import re

from laborlens.core.geo.gazetteer import (
    ADMIN_AFTER_HAN,
    FACILITY_WEIGHT,
    TOWN_AFTER_HAN,
    WEAK_WEIGHT,
    Gazetteer,
    Pattern,
    Place,
)
from laborlens.core.geo.signals import Signal, TextScan
from laborlens.core.geo.text import HAN_RE, TOKEN_RE, detone, normalise

__all__ = ["NAME_FIELD_FACTOR", "scan_text"]

NAME_FIELD_FACTOR = 0.85  # a place in a company name is a weaker signal than in an address

#: Last characters of a Han name that make it a full administrative name, and the words that
#: make a bare name explicit when they follow it.
ADMIN_END_HAN = frozenset("省市县区州旗盟师团")
ADMIN_LATIN = frozenset(
    [
        "city",
        "county",
        "district",
        "prefecture",
        "province",
        "region",
        "shi",
        "xian",
        "qu",
        "zhou",
        "sheng",
        "diqu",
    ]
)
_TOWN_LATIN = frozenset(["town", "township", "village", "zhen", "cun", "subdistrict", "community"])
_ORDINAL_HAN = tuple(f"第{n}" for n in "一二三四五六七八九十")
_BREAK = frozenset(",;，、；")

_RE_REGIMENT_HAN = re.compile(r"([〇零一二三四五六七八九]{3})团")
_RE_REGIMENT_NUM = re.compile(r"(?<![0-9])([0-9]{1,3})\s?团(?:场)?")
_RE_REGIMENT_LATIN = re.compile(
    r"(?<![a-z0-9])(?:regiment|tuan|tuanchang)\s?(?:no\s?)?([0-9]{1,3})(?![0-9])"
    r"|(?<![a-z0-9])([0-9]{1,3})(?:st|nd|rd|th)?\s(?:regiment|tuan|tuanchang)(?![a-z])"
)
_TONE_DIGIT = re.compile("[a-z][1-5]")
#: Every alphabetic name has a letter: text without one skips the alphabetic automaton.
_ANY_LETTER = re.compile("[a-z\u0400-\u04ff\u0600-\u06ff]")


def _next_words(text: str, norm: str, end: int) -> list[str]:
    """The next few words after a Latin name, unless punctuation closes the name."""
    rest = text[end : end + 40].lstrip()
    if not rest or rest[0] in _BREAK:
        return []
    return norm[end : end + 40].split()[:4]


def _street_latin(gaz: Gazetteer, words: list[str]) -> bool:
    w = gaz.words
    if not words:
        return False
    if words[0] in w.street_latin:
        after = words[1:3]
    elif len(words) > 1 and words[0] in w.direction and words[1] in w.road:
        after = words[2:4]
    else:
        return False
    tail = " ".join(after)
    return not any(tail == n or tail.startswith(n + " ") for n in w.street_not)


def _context(gaz: Gazetteer, text: str, norm: str, end: int, pat: Pattern) -> str:
    """How the words after a name read: street, town, admin, facility or ''."""
    w = gaz.words
    if not pat.latin:
        rest = norm[end : end + 12]
        if not rest or rest[0] not in w.han_first:
            return ""
        if rest.startswith(w.street_han) and not rest.startswith(w.street_han_not):
            return "street"
        if rest.startswith(ADMIN_AFTER_HAN):
            return "admin"
        if rest.startswith(TOWN_AFTER_HAN):
            return "town"
        if rest.startswith(_ORDINAL_HAN):
            rest = rest.lstrip("第").lstrip("一二三四五六七八九十")
        return "facility" if rest.startswith(w.facility_han) else ""
    words = _next_words(text, norm, end)
    if not words:
        return ""
    if _street_latin(gaz, words):
        return "street"
    if words[0] in ADMIN_LATIN:
        return "admin"
    if words[0] in _TOWN_LATIN:
        return "town"
    if words[0] in w.facility_latin or " ".join(words[:2]) in w.facility_latin:
        return "facility"
    return ""


def _bare(pat: Pattern, context: str) -> bool:
    """A name without its administrative word: 喀什 (not 喀什市), Kashi (not Kashi City)."""
    if context == "admin":
        return False
    if pat.latin:
        return pat.text.rsplit(" ", 1)[-1] not in ADMIN_LATIN
    return pat.text[-1] not in ADMIN_END_HAN


def _find(gaz: Gazetteer, norm: str, han: bool) -> list[tuple[int, int, Pattern]]:
    """Every gazetteer name in the normalised text, longest first where they overlap."""
    patterns = gaz.patterns
    # (start - end, start, end, pattern index): sorting puts the longest match first.
    found: list[tuple[int, int, int, int]] = []
    if han:
        for end_idx, idx in gaz.automaton.iter(norm):
            start = end_idx + 1 - len(patterns[idx].text)
            found.append((start - end_idx - 1, start, end_idx + 1, idx))
    # Alphabetic names: whole tokens only. The tokens are joined by single spaces and the
    # space-wrapped names are found with a second automaton, so "xinjiang" never matches inside
    # "xinjiangroad" and any punctuation or spacing between the words of a name is tolerated.
    # Tone numbers are dropped from pinyin tokens ("wu1lu3mu4qi2").
    matches = list(TOKEN_RE.finditer(norm)) if _ANY_LETTER.search(norm) else []
    if matches:
        tokens = [m.group() for m in matches]
        if _TONE_DIGIT.search(norm):
            tokens = [detone(t) for t in tokens]
        joined = " " + " ".join(tokens) + " "
        for end_idx, (idx, ntok) in gaz.latin_automaton.iter(joined):
            # " name " ends at end_idx; its first token starts at end_idx - len(name), and the
            # token's index is the number of spaces before that position, minus one
            first = joined.count(" ", 0, end_idx - len(patterns[idx].text)) - 1
            start = matches[first].start()
            end = matches[first + ntok - 1].end()
            found.append((start - end, start, end, idx))
    if len(found) <= 1:
        return [(s, e, patterns[i]) for _n, s, e, i in found]
    found.sort()
    kept: list[tuple[int, int, Pattern]] = []
    taken = bytearray(len(norm))  # 1 where a longer match already sits
    for _neg, start, end, idx in found:
        if taken.find(1, start, end) >= 0:
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append((start, end, patterns[idx]))
    kept.sort(key=_first)
    return kept


def _first(m: tuple[int, int, Pattern]) -> int:
    return m[0]


def _signal(
    pl: Place, field: str, evidence: str, start: int, *, context: str, bare: bool
) -> Signal:
    weight, weak, note = pl.weight, pl.weak, ""
    if field == "name":
        if pl.target.kind in ("county_latin", "county_short", "town_latin"):
            # company names reuse county words ("Fukang", "Tianshan"): support needed
            weak = True
            weight = min(weight, WEAK_WEIGHT)
        weight *= NAME_FIELD_FACTOR
    elif weak and pl.liftable and context == "facility":
        weak, weight = False, FACILITY_WEIGHT
        note = "followed by a facility word: a facility named after its place"
    return Signal(
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
        pl,
        bare,
        context == "town",
        note,
    )


def scan_text(gaz: Gazetteer, text: str, field: str) -> TextScan:
    """Find gazetteer names, XPCC regiments and country names in one free-text value."""
    norm = normalise(text)
    signals: list[Signal] = []
    countries: list[tuple[str, str]] = []
    streets: list[str] = []
    han = HAN_RE.search(norm) is not None
    for start, end, pat in _find(gaz, norm, han):
        evidence = text[start:end]
        context = _context(gaz, text, norm, end, pat) if pat.places else ""
        if context == "street":
            streets.append(evidence)
            continue
        for iso in pat.countries:
            countries.append((iso, evidence))
        bare = _bare(pat, context)
        for pl in pat.places:
            signals.append(_signal(pl, field, evidence, start, context=context, bare=bare))
    factor = NAME_FIELD_FACTOR if field == "name" else 1.0
    signals.extend(_regiments(norm, text, field, factor))
    return TextScan(tuple(signals), tuple(countries), tuple(streets), norm, han)


_REGIMENT_FORMS = (
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


def _regiments(norm: str, text: str, field: str, factor: float) -> list[Signal]:
    out: list[Signal] = []
    if "团" not in norm and "regiment" not in norm and "tuan" not in norm:
        return out
    for pattern, weight, weak, tail in _REGIMENT_FORMS:
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
