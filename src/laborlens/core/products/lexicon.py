"""The product lexicon: free-text product descriptions -> concepts (English and Chinese).

Method (documented in docs/products.md):

1. Normalise: NFKC, case-fold; traditional Chinese is converted to simplified.
2. English: the text is split into word tokens (``100%`` stays one token); every token is
   stemmed lightly (``-ies`` -> ``-y``, ``-oes`` -> ``-o``, ``-sses`` -> ``-ss``, final ``-s``
   dropped). A term matches a run of whole tokens.
3. Chinese: terms match as substrings of the CJK text.
4. A match is dropped when it lies inside an ``exclude`` phrase of its concept ("cotton candy",
   "海绵"), when it is negated ("no", "non", "not", "without", "faux", "imitation", "0%"
   before it; "free", "like", "look" after it; 不含/无/非 before a Chinese term), or when a longer
   match of another concept covers it ("tomato paste" wins over "tomato").
5. Each surviving match names its concept, the term, and its strength (``strong`` for ``en``/``zh``
   terms, ``possible`` for ``en_weak``/``zh_weak``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from laborlens.core.resources import ResourceError

_WORD = re.compile(r"\d+(?:[.,]\d+)?\s*%|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NEG_BEFORE = frozenset({"no", "non", "not", "without", "faux", "imitation", "0%", "zero"})
_NEG_AFTER = frozenset({"free", "like", "look", "less"})
_ZH_NEG = ("不含", "无", "非", "不是", "免")


def stem(token: str) -> str:
    """Light English plural stemming, applied to text and terms alike."""
    if len(token) <= 3 or token[-1] != "s":
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("oes"):
        return token[:-2]
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith(("ss", "us", "is")):
        return token
    return token[:-1]


def tokens(text: str) -> list[str]:
    """Stemmed word tokens of case-folded text; percentages become one token (``100%``)."""
    out = []
    for m in _WORD.finditer(text):
        t = m.group(0)
        if t.endswith("%"):
            out.append(re.sub(r"\s+", "", t).replace(",", "."))
        else:
            out.append(stem(t))
    return out


@cache
def _to_simplified() -> Any:
    from opencc import OpenCC  # late: only needed for CJK text

    return OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC, case-folded; CJK text converted to simplified Chinese."""
    out = unicodedata.normalize("NFKC", text).casefold()
    if _CJK.search(out):
        out = str(_to_simplified().convert(out))
    return out


@dataclass(frozen=True, slots=True)
class Concept:
    """A product concept: its sectors and DOL goods (the terms live in the :class:`Lexicon`)."""

    id: str
    sectors: tuple[str, ...]
    goods: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One lexicon hit in a text."""

    concept: str
    term: str
    strong: bool
    lang: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled lexicon (immutable; picklable)."""

    concepts: Mapping[str, Concept]
    # English: first stemmed token -> ((tokens, concept, term, strong), ...)
    en_terms: Mapping[str, tuple[tuple[tuple[str, ...], str, str, bool], ...]]
    # concept -> first token -> exclusion phrases (as token tuples)
    en_exclude: Mapping[str, Mapping[str, tuple[tuple[str, ...], ...]]]
    # Chinese: first character -> ((term, concept, strong), ...)
    zh_terms: Mapping[str, tuple[tuple[str, str, bool], ...]]
    zh_exclude: Mapping[str, tuple[str, ...]]

    def match(self, text: str) -> list[TermMatch]:
        """Every surviving concept match in ``text`` (see the module docstring)."""
        norm = normalise(text)
        found = self._match_en(norm)
        if _CJK.search(norm):
            found.extend(self._match_zh(norm))
        return _drop_covered(found)

    def _match_en(self, norm: str) -> list[TermMatch]:
        toks = tokens(norm)
        out: list[TermMatch] = []
        excl_spans: dict[str, list[tuple[int, int]]] = {}
        for i, tok in enumerate(toks):
            for term_toks, concept, term, strong in self.en_terms.get(tok, ()):
                n = len(term_toks)
                if tuple(toks[i : i + n]) != term_toks:
                    continue
                if concept not in excl_spans:
                    excl_spans[concept] = _spans(toks, self.en_exclude.get(concept, {}))
                if any(s <= i and i + n <= e for s, e in excl_spans[concept]):
                    continue
                if _negated_en(toks, i, i + n):
                    continue
                out.append(TermMatch(concept, term, strong, "en", i, i + n))
        return out

    def _match_zh(self, norm: str) -> list[TermMatch]:
        out: list[TermMatch] = []
        excl_spans: dict[str, list[tuple[int, int]]] = {}
        for i, ch in enumerate(norm):
            for term, concept, strong in self.zh_terms.get(ch, ()):
                if not norm.startswith(term, i):
                    continue
                j = i + len(term)
                if concept not in excl_spans:
                    excl_spans[concept] = [
                        (m.start(), m.end())
                        for phrase in self.zh_exclude.get(concept, ())
                        for m in re.finditer(re.escape(phrase), norm)
                    ]
                if any(s <= i and j <= e for s, e in excl_spans[concept]):
                    continue
                if norm[max(0, i - 2) : i].endswith(_ZH_NEG):
                    continue
                # offsets far beyond English token positions keep the two spaces apart
                out.append(TermMatch(concept, term, strong, "zh", 100_000 + i, 100_000 + j))
        return out


def _spans(
    toks: Sequence[str], phrases: Mapping[str, tuple[tuple[str, ...], ...]]
) -> list[tuple[int, int]]:
    spans = []
    for i, tok in enumerate(toks):
        for phrase in phrases.get(tok, ()):
            if tuple(toks[i : i + len(phrase)]) == phrase:
                spans.append((i, i + len(phrase)))
    return spans


def _negated_en(toks: Sequence[str], start: int, end: int) -> bool:
    before = toks[max(0, start - 2) : start]
    if before and before[-1] in _NEG_BEFORE:
        return True
    if len(before) == 2 and before == ["free", "of"]:
        return True
    return end < len(toks) and toks[end] in _NEG_AFTER


def _drop_covered(found: list[TermMatch]) -> list[TermMatch]:
    """Drop a match strictly inside a longer match of another concept."""
    keep = []
    for m in found:
        covered = any(
            o.concept != m.concept
            and o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            for o in found
        )
        if not covered:
            keep.append(m)
    return keep


# --- compile from the resource -----------------------------------------------------------------


def _err(file: str, field: str, message: str) -> ResourceError:
    return ResourceError(f"{file}: field '{field}': {message}")


def _texts(file: str, field: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(file, field, f"expected a list of text, got {value!r}")
    return [str(v) for v in value]


def compile_lexicon(
    file: str, data: Any, *, sectors: frozenset[str], goods: frozenset[str]
) -> Lexicon:
    """Validate the lexicon document and compile it; sector and good names are checked."""
    if not isinstance(data, Mapping) or not isinstance(data.get("concepts"), list):
        raise _err(file, "concepts", "expected a list of concepts")
    concepts: dict[str, Concept] = {}
    en: dict[str, list[tuple[tuple[str, ...], str, str, bool]]] = {}
    zh: dict[str, list[tuple[str, str, bool]]] = {}
    en_ex: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {}
    zh_ex: dict[str, tuple[str, ...]] = {}
    for n, item in enumerate(data["concepts"]):
        where = f"concepts[{n}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise _err(file, f"{where}.id", "each concept needs a text id")
        cid = item["id"]
        if cid in concepts:
            raise _err(file, f"{where}.id", f"duplicate concept '{cid}'")
        csectors = _texts(file, f"{where}.sectors", item.get("sectors"))
        cgoods = [
            unicodedata.normalize("NFC", g)
            for g in _texts(file, f"{where}.goods", item.get("goods"))
        ]
        for s in csectors:
            if s not in sectors:
                raise _err(file, f"{where}.sectors", f"unknown sector '{s}'")
        for g in cgoods:
            if g not in goods:
                raise _err(file, f"{where}.goods", f"unknown DOL good '{g}'")
        source = item.get("source")
        if not isinstance(source, str) or not source.strip():
            raise _err(file, f"{where}.source", "every concept needs a source")
        concepts[cid] = Concept(cid, tuple(csectors), tuple(cgoods), source)
        seen_en: set[tuple[str, ...]] = set()  # "cotton" and "cottons" stem alike: keep one
        for key, strong in (("en", True), ("en_weak", False)):
            for term in _texts(file, f"{where}.{key}", item.get(key)):
                toks = tuple(tokens(normalise(term)))
                if toks and toks not in seen_en:
                    seen_en.add(toks)
                    en.setdefault(toks[0], []).append((toks, cid, term, strong))
        seen_zh: set[str] = set()
        for key, strong in (("zh", True), ("zh_weak", False)):
            for term in _texts(file, f"{where}.{key}", item.get(key)):
                t = normalise(term)
                if t not in seen_zh:
                    seen_zh.add(t)
                    zh.setdefault(t[0], []).append((t, cid, strong))
        en_phr: list[tuple[str, ...]] = []
        zh_phr: list[str] = []
        for phrase in _texts(file, f"{where}.exclude", item.get("exclude")):
            norm = normalise(phrase)
            if _CJK.search(norm):
                zh_phr.append(norm)
            else:
                en_phr.append(tuple(tokens(norm)))
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phr in en_phr:
            if phr:
                by_first.setdefault(phr[0], []).append(phr)
        en_ex[cid] = {k: tuple(v) for k, v in by_first.items()}
        zh_ex[cid] = tuple(zh_phr)
    if not concepts:
        raise _err(file, "concepts", "no concepts")
    # longest terms first so the cover rule sees them; order does not change the result set
    return Lexicon(
        concepts=concepts,
        en_terms={k: tuple(sorted(v, key=lambda t: -len(t[0]))) for k, v in en.items()},
        en_exclude=en_ex,
        zh_terms={k: tuple(sorted(v, key=lambda t: -len(t[0]))) for k, v in zh.items()},
        zh_exclude=zh_ex,
    )
