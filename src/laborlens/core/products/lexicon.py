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
5. Context rules (English; :class:`Context`): a match inside a purpose phrase ("for ...",
   "used in ...") is dropped; a concept's matches are dropped next to its ``not_with`` words
   (apparel next to "doll") unless an ``unless`` word is present; weak matches are dropped when
   the text states one of the concept's ``weak_overridden_by`` words (another fibre).
6. Each surviving match names its concept, the term, and its strength (``strong`` for ``en``/``zh``
   terms, ``possible`` for ``en_weak``/``zh_weak``).

Speed: English texts sharing no word with a term's first word are skipped at once; stems are
cached per token; Chinese terms are found with an Aho-Corasick automaton (pyahocorasick) that
gives the same matches, in the same order, as the character scan it replaces. The lexicon is
compiled from its resource file by :mod:`laborlens.core.products.lexicon_file`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

_WORD = re.compile(r"\d+(?:[.,]\d+)?\s*%|[a-z0-9]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
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


#: token -> stemmed token (bounded; the vocabulary of product descriptions is small)
_STEMS: dict[str, str] = {}
_STEMS_MAX = 200_000


def _token(raw: str) -> str:
    if raw.endswith("%"):
        return re.sub(r"\s+", "", raw).replace(",", ".")
    return stem(raw)


def tokens(text: str) -> list[str]:
    """Stemmed word tokens of case-folded text; percentages become one token (``100%``)."""
    stems = _STEMS
    return [stems[raw] if raw in stems else _new_token(raw) for raw in _WORD.findall(text)]


def _new_token(raw: str) -> str:
    t = _token(raw)
    if len(_STEMS) < _STEMS_MAX:
        _STEMS[raw] = t
    return t


@cache
def _to_simplified() -> Any:
    from opencc import OpenCC  # late: only needed for CJK text

    return OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC, case-folded; CJK text converted to simplified Chinese."""
    if text.isascii():  # NFKC is the identity on ASCII, and casefold is lower
        return text.lower()
    out = unicodedata.normalize("NFKC", text).casefold()
    if CJK.search(out):
        out = _NON_ASCII.sub(_simplified_run, out)
    return out


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: traditional -> simplified conversions of non-ASCII runs (OpenCC's t2s dictionaries hold no
#: ASCII, so converting run by run equals converting the whole text)
_RUNS: dict[str, str] = {}
_RUNS_MAX = 100_000


def _simplified_run(m: re.Match[str]) -> str:
    run = m.group(0)
    out = _RUNS.get(run)
    if out is None:
        out = str(_to_simplified().convert(run))
        if len(_RUNS) < _RUNS_MAX:
            _RUNS[run] = out
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


_BOUNDARY = re.compile(r"[,;:()\[\]/]|\.(?:\s|$)")
_Phrases = tuple[tuple[str, ...], ...]


def _has(toks: Sequence[str], tokset: frozenset[str], phrases: _Phrases) -> bool:
    """Whether any phrase (a token tuple) occurs in ``toks`` (``tokset``: its token set)."""
    for phrase in phrases:
        if phrase[0] not in tokset:
            continue
        n = len(phrase)
        if n == 1:
            return True
        for i, tok in enumerate(toks):
            if tok == phrase[0] and tuple(toks[i : i + n]) == phrase:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Context:
    """Context rules applied to English matches (documented in docs/products.md).

    * purpose: a term inside a purpose phrase -- from a marker ("for", "used in",
      "converting", ...) to the end of its clause (punctuation, a ``purpose_ends`` word, or a
      percentage) -- names what the product is for, not what it is or is made of, and is dropped
      ("additive for making stainless steel", "slurry for lithium-ion battery cathodes"). A
      marker followed by a wearer ("for men", "for the child") is not a purpose.
    * not_with: a concept's matches are dropped when the text names one of its ``not_with``
      phrases (garments of a doll or figurine are not apparel) unless it also names one of its
      ``unless`` phrases (a child's costume sold with a doll is).
    * weak_overridden_by: a concept's weak matches are dropped when the text states one of
      these (another fibre for a weak cotton term: "canvas of man-made fibers").
    """

    purpose_markers: _Phrases = ()
    purpose_wearers: frozenset[str] = frozenset()
    purpose_ends: frozenset[str] = frozenset()
    #: nouns after which "of" continues the purpose phrase ("for the production of ...")
    purpose_process_nouns: frozenset[str] = frozenset()
    not_with: Mapping[str, _Phrases] = field(default_factory=dict)
    unless: Mapping[str, _Phrases] = field(default_factory=dict)
    weak_overridden_by: Mapping[str, _Phrases] = field(default_factory=dict)

    def apply(self, norm: str, toks: list[str], found: list[TermMatch]) -> list[TermMatch]:
        scope = self._purpose_scope(norm, toks) if self.purpose_markers else set()
        tokset = frozenset(toks)
        dropped: dict[tuple[str, bool], bool] = {}  # (concept, strong) -> dropped by context
        out = []
        for m in found:
            if scope and all(i in scope for i in range(m.start, m.end)):
                continue
            key = (m.concept, m.strong)
            drop = dropped.get(key)
            if drop is None:
                drop = dropped[key] = self._dropped(m.concept, m.strong, toks, tokset)
            if not drop:
                out.append(m)
        return out

    def _dropped(self, c: str, strong: bool, toks: list[str], tokset: frozenset[str]) -> bool:
        if (
            c in self.not_with
            and _has(toks, tokset, self.not_with[c])
            and not _has(toks, tokset, self.unless.get(c, ()))
        ):
            return True
        return (
            not strong
            and c in self.weak_overridden_by
            and _has(toks, tokset, self.weak_overridden_by[c])
        )

    def _purpose_scope(self, norm: str, toks: list[str]) -> set[int]:
        """Token positions inside purpose phrases."""
        firsts = {m[0] for m in self.purpose_markers}
        if firsts.isdisjoint(toks):
            return set()
        # a clause boundary (punctuation) lies before token j when the gap holds one
        boundary = []
        last = 0
        for w in _WORD.finditer(norm):
            boundary.append(bool(_BOUNDARY.search(norm, last, w.start())))
            last = w.end()
        if len(boundary) != len(toks):  # cannot happen (same regex); stay safe
            return set()
        scope: set[int] = set()
        n = len(toks)
        for i, tok in enumerate(toks):
            if tok not in firsts:
                continue
            for marker in self.purpose_markers:
                k = len(marker)
                if tuple(toks[i : i + k]) != marker:
                    continue
                j = i + k
                nxt = j + 1 if j < n and toks[j] in ("the", "a", "an") else j
                if nxt < n and toks[nxt] in self.purpose_wearers:
                    break  # "for men", "for the child": a wearer, not a purpose
                while j < n and not boundary[j] and not toks[j].endswith("%"):
                    if toks[j] in self.purpose_ends and not (
                        toks[j] == "of" and toks[j - 1] in self.purpose_process_nouns
                    ):
                        break
                    scope.add(j)
                    j += 1
                break
        return scope


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
    #: every first token of an English term (a text sharing none of them has no English match)
    en_first: frozenset[str] = frozenset()
    #: concept -> length (tokens) of its longest English exclusion phrase
    en_exclude_len: Mapping[str, int] = field(default_factory=dict)
    #: Aho-Corasick automata over the Chinese terms and exclusion phrases (built from the
    #: tables above; see :func:`_zh_automata`)
    zh_auto: Any = field(default=None, compare=False, repr=False)
    #: context rules (step 5 of the module docstring; English text)
    context: Context = field(default_factory=Context)

    def match(self, text: str) -> list[TermMatch]:
        """Every surviving concept match in ``text`` (see the module docstring)."""
        norm = normalise(text)
        toks = tokens(norm)
        found = self._match_en(toks)
        if found:
            found = self.context.apply(norm, toks, found)
        if not norm.isascii() and CJK.search(norm):
            found.extend(self._match_zh(norm))
        return _drop_covered(found) if len(found) > 1 else found

    def _match_en(self, toks: list[str]) -> list[TermMatch]:
        out: list[TermMatch] = []
        if self.en_first.isdisjoint(toks):
            return out  # fast path: no term can start anywhere
        en_terms = self.en_terms
        first = self.en_first
        for i in [i for i, tok in enumerate(toks) if tok in first]:
            for term_toks, concept, term, strong in en_terms[toks[i]]:
                n = len(term_toks)
                if n > 1 and tuple(toks[i : i + n]) != term_toks:
                    continue
                if self._excluded_en(toks, concept, i, i + n):
                    continue
                if _negated_en(toks, i, i + n):
                    continue
                out.append(TermMatch(concept, term, strong, "en", i, i + n))
        return out

    def _excluded_en(self, toks: Sequence[str], concept: str, start: int, end: int) -> bool:
        """Whether an exclusion phrase of ``concept`` covers tokens ``start:end``."""
        longest = self.en_exclude_len.get(concept, 0)
        if not longest:
            return False
        phrases = self.en_exclude[concept]
        for j in range(max(0, start - longest + 1), start + 1):
            for phrase in phrases.get(toks[j], ()):
                k = j + len(phrase)
                if k >= end and tuple(toks[j:k]) == phrase:
                    return True
        return False

    def _match_zh(self, norm: str) -> list[TermMatch]:
        if self.zh_auto is not None:
            return self._match_zh_auto(norm)
        return self._match_zh_scan(norm)

    def _match_zh_auto(self, norm: str) -> list[TermMatch]:
        """Same result as :meth:`_match_zh_scan`, found with the Aho-Corasick automaton."""
        terms_auto, excl_auto = self.zh_auto
        hits: list[tuple[int, int, str, str, bool]] = []
        for end, entries in terms_auto.iter(norm):
            for rank, term, concept, strong in entries:
                hits.append((end + 1 - len(term), rank, term, concept, strong))
        if not hits:
            return []
        hits.sort()
        excl: dict[str, list[tuple[int, int]]] = {}
        last: dict[str, int] = {}  # phrase -> end of its last kept occurrence (non-overlapping)
        for end, entries in excl_auto.iter(norm):
            for phrase, concepts in entries:
                s = end + 1 - len(phrase)
                if s < last.get(phrase, 0):
                    continue
                last[phrase] = end + 1
                for c in concepts:
                    excl.setdefault(c, []).append((s, end + 1))
        out: list[TermMatch] = []
        for i, _, term, concept, strong in hits:
            j = i + len(term)
            if any(s <= i and j <= e for s, e in excl.get(concept, ())):
                continue
            if norm[max(0, i - 2) : i].endswith(_ZH_NEG):
                continue
            out.append(TermMatch(concept, term, strong, "zh", 100_000 + i, 100_000 + j))
        return out

    def _match_zh_scan(self, norm: str) -> list[TermMatch]:
        out: list[TermMatch] = []
        excl_spans: dict[str, list[tuple[int, int]]] = {}
        for i, ch in enumerate(norm):
            for term, concept, strong in self.zh_terms.get(ch, ()):
                if not norm.startswith(term, i):
                    continue
                j = i + len(term)
                if concept not in excl_spans:
                    excl_spans[concept] = [
                        span
                        for phrase in self.zh_exclude.get(concept, ())
                        for span in _occurrences(norm, phrase)
                    ]
                if any(s <= i and j <= e for s, e in excl_spans[concept]):
                    continue
                if norm[max(0, i - 2) : i].endswith(_ZH_NEG):
                    continue
                # offsets far beyond English token positions keep the two spaces apart
                out.append(TermMatch(concept, term, strong, "zh", 100_000 + i, 100_000 + j))
        return out


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``phrase`` in ``text``, left to right."""
    out: list[tuple[int, int]] = []
    if not phrase:
        return out
    i = text.find(phrase)
    while i >= 0:
        out.append((i, i + len(phrase)))
        i = text.find(phrase, i + len(phrase))
    return out


def _negated_en(toks: Sequence[str], start: int, end: int) -> bool:
    before = toks[max(0, start - 2) : start]
    if before and before[-1] in _NEG_BEFORE:
        return True
    if len(before) == 2 and before == ["free", "of"]:
        return True
    return end < len(toks) and toks[end] in _NEG_AFTER


def _drop_covered(found: list[TermMatch]) -> list[TermMatch]:
    """Drop a match strictly inside a longer match of another concept."""
    if len({m.end - m.start for m in found}) == 1:
        return found  # all of one length: none is strictly inside a longer one
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
