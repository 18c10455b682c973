"""The names lexicon (legal forms, organisation, industry and region words with renderings) and
pinyin helpers (syllables of Han text, parsing a Latin word into pinyin syllables)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from laborlens.core import resources
from laborlens.core.names.text import fold_ascii, latin_words

LEXICON_RESOURCE = "names/lexicon.tsv"
SYLLABLES_RESOURCE = "names/pinyin_syllables.txt"
COMMON_WORDS_RESOURCE = "names/common_words.txt"

#: Roles of tokens, from most to least distinctive.
ROLES = ("core", "number", "industry", "region", "generic", "legal")

_KIND_PREFIX = {"legal": "L", "generic": "G", "industry": "W", "region": "R"}
MAX_PHRASE_TOKENS = 10


@dataclass(frozen=True, slots=True)
class Concept:
    """One lexicon entry: a word with its renderings and its source."""

    key: str
    kind: str
    han: str
    latin: tuple[str, ...]
    source: str
    #: every joined rendering (and pinyin): two concepts sharing one mean the same thing
    senses: frozenset[str] = frozenset()

    def label(self) -> str:
        """A short human label, e.g. ``新能源 (new energy)``."""
        first = self.latin[0] if self.latin else ""
        if self.han and first:
            return f"{self.han} ({first})"
        return self.han or first


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """The compiled lexicon: Han words and joined Latin phrases (spaces removed) to concepts.

    ``prefixes`` holds every prefix of every joined Latin phrase, so that phrase lookup over a
    word sequence stops as soon as the words joined so far cannot start a phrase.
    """

    han: dict[str, Concept]
    han_max: int
    latin: dict[str, Concept]
    prefixes: frozenset[str]
    concepts: tuple[Concept, ...]
    syllables: frozenset[str] = frozenset()
    #: common words of general English (background frequencies, ``common_words.txt``)
    common: frozenset[str] = frozenset()
    #: one-deletion variants of single-word Latin renderings of 6+ letters -> their concepts
    #: (a misspelt lexicon word: ``HOIDING`` for ``holding``, ``EXP0RT`` for ``export``)
    typos: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: every prefix / suffix of every Han word (maximum matching stops early)
    han_prefixes: frozenset[str] = frozenset()
    han_suffixes: frozenset[str] = frozenset()


@lru_cache(maxsize=65536)
def pinyin_syllables(han: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    out: list[str] = []
    for s in lazy_pinyin(han, style=Style.NORMAL, v_to_u=True, errors="ignore"):
        s = fold_ascii(s).lower()
        s = re.sub(r"[^a-z]", "", s)
        if s:
            out.append(s)
    return tuple(out)


def load_lexicon(
    text: str | None = None, syllables: str | None = None, common: str | None = None
) -> Lexicon:
    """Parse the lexicon TSV, pinyin syllable table and common-word list (bundled by default)."""
    if text is None:
        text = resources.read_text(LEXICON_RESOURCE)
    if syllables is None:
        syllables = resources.read_text(SYLLABLES_RESOURCE)
    if common is None:
        common = resources.read_text(COMMON_WORDS_RESOURCE)
    common_words = frozenset(
        w.strip() for w in common.splitlines() if w.strip() and not w.startswith("#")
    )
    # syllables without a vowel (m, ng, hm) are interjections, never parts of names
    syl = frozenset(
        s.strip()
        for s in syllables.splitlines()
        if s.strip() and not s.startswith("#") and any(v in s for v in "aeiou")
    )
    han: dict[str, Concept] = {}
    latin: dict[str, Concept] = {}
    concepts: list[Concept] = []
    header_seen = False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if not header_seen:
            header_seen = True
            if cols[0] == "kind":
                continue
        if len(cols) < 4:
            raise ValueError(f"lexicon line needs 4 tab-separated columns: {line!r}")
        kind, han_word, latin_col, source = cols[0], cols[1], cols[2], cols[3]
        pinyin_col = cols[4] if len(cols) > 4 else ""
        renderings = tuple(r.strip() for r in latin_col.split("|") if r.strip())
        simp = han_word  # simplified already (checked by scripts/build_names_lexicon.py)
        if kind == "stop":
            key = "S:" + renderings[0]
        elif kind == "legal":
            key = "L"
        else:
            key = f"{_KIND_PREFIX[kind]}:{simp or _join(renderings[0])}"
        joined_all = [j for j in (_join(r) for r in renderings) if j]
        joined_pinyin = ""
        if simp and len(simp) >= 2:
            # the pinyin column is filled by scripts/build_names_lexicon.py; computed here
            # only for a lexicon that lacks it. "v" stands for ü (lv = lü), often written "u".
            joined_pinyin = pinyin_col.replace(" ", "") or "".join(pinyin_syllables(simp))
        senses = frozenset(joined_all + ([joined_pinyin] if joined_pinyin else []))
        concept = Concept(key, kind, simp, renderings, source, senses)
        concepts.append(concept)
        if simp:
            han.setdefault(simp, concept)
        if joined_pinyin:
            latin.setdefault(joined_pinyin, concept)
            latin.setdefault(joined_pinyin.replace("v", "u"), concept)
        for joined in joined_all:
            latin.setdefault(joined, concept)
    prefixes = frozenset(k[:i] for k in latin for i in range(1, len(k) + 1))
    typos: dict[str, set[str]] = {}
    for c in concepts:
        if c.kind == "stop":
            continue
        for rendering in c.latin:
            for w in latin_words(rendering):
                if len(w) >= 6 and w.isalpha():
                    for variant in {w} | {w[:k] + w[k + 1 :] for k in range(len(w))}:
                        typos.setdefault(variant, set()).add(w)
    return Lexicon(
        han,
        max((len(k) for k in han), default=1),
        latin,
        prefixes,
        tuple(concepts),
        syl,
        common_words,
        {k: tuple(sorted(v)) for k, v in typos.items()},
        frozenset(k[:i] for k in han for i in range(1, len(k) + 1)),
        frozenset(k[-i:] for k in han for i in range(1, len(k) + 1)),
    )


@lru_cache(maxsize=65536)
def pinyin_parse(word: str, syllables: frozenset[str]) -> tuple[str, ...]:
    """Split a Latin word into pinyin syllables (fewest pieces), or ``()`` if it is not pinyin.

    ``daquan`` → ``('da', 'quan')``; ``hoshine`` → ``()``.
    """
    n = len(word)
    if n < 2 or n > 24 or not word.isalpha():
        return ()
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        cur = best[i]
        if cur is None:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            piece = word[i:j]
            if piece in syllables:
                cand = (*cur, piece)
                old = best[j]
                if old is None or len(cand) < len(old):
                    best[j] = cand
    return best[n] or ()


@lru_cache(maxsize=65536)
def misspelt_lexicon_word(word: str, lex: Lexicon) -> str | None:
    """The lexicon word that a word of 6+ characters misspells by one edit (``hoiding`` →
    ``holding``, ``technoiogy`` → ``technology``, ``exp0rt`` → ``export``), or ``None``.

    One substitution, insertion, deletion or adjacent transposition, keeping the first letter
    and one candidate only; words of the lexicon, words common in English (``grading``) and
    pinyin words are never taken for typos.
    """
    if (
        len(word) < 6
        or word in lex.typos.get(word, ())  # a lexicon word itself
        or word in lex.common
        or word.isdigit()
        or pinyin_parse(word, lex.syllables)
    ):
        return None
    from rapidfuzz.distance import OSA

    found: set[str] = set()
    for k in range(len(word) + 1):
        variant = word if k == len(word) else word[:k] + word[k + 1 :]
        for target in lex.typos.get(variant, ()):
            if (
                target != word
                and target[0] == word[0]
                and OSA.distance(word, target, score_cutoff=1) <= 1
            ):
                found.add(target)
    return found.pop() if len(found) == 1 else None


def _join(text: str) -> str:
    return "".join(latin_words(text))
