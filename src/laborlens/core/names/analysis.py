"""Name analysis: scripts, folding, Han segmentation, pinyin and lexicon concepts.

A name in any script becomes a tuple of :class:`Token` in one comparison space:

* lexicon words (legal forms, generic organisation words, industry words, region names) become
  *concept* tokens whose key is the same whether the name says ``新能源``, ``Xin Nengyuan`` or
  ``New Energy`` (``resources/names/lexicon.tsv``, each entry with its source);
* everything else is a *core* token: Latin text folded to lower-case ASCII (other scripts via
  ``anyascii``), Han text unified to simplified characters (OpenCC ``t2s``) and romanised to
  toneless pinyin written as one word per segment (``中泰`` → ``zhongtai``), the way pinyin is
  written in English company names;
* digits are *number* tokens (only ever compared exactly: ``Da Wang 1`` is not ``Da Wang 2``).

Stop words (``and``, ``of``, ``a.k.a.``, ``formerly known as`` …) are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from laborlens.core import resources

try:  # pragma: no cover - exercised when the optional folding library is missing
    from anyascii import anyascii as _anyascii

    HAVE_ANYASCII = True
except ImportError:  # pragma: no cover
    HAVE_ANYASCII = False

    def _anyascii(string: str) -> str:
        decomposed = unicodedata.normalize("NFKD", string)
        return "".join(c for c in decomposed if c.isascii())


LEXICON_RESOURCE = "names/lexicon.tsv"
SYLLABLES_RESOURCE = "names/pinyin_syllables.txt"
COMMON_WORDS_RESOURCE = "names/common_words.txt"

#: Roles of tokens, from most to least distinctive.
ROLES = ("core", "number", "industry", "region", "generic", "legal")

_KIND_PREFIX = {"legal": "L", "generic": "G", "industry": "W", "region": "R"}
_MAX_PHRASE_TOKENS = 10


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


@dataclass(frozen=True, slots=True)
class Token:
    """One meaningful part of a name.

    Attributes:
        key: comparison key (a concept key such as ``W:新能源`` or a folded core string).
        role: ``core``, ``number``, ``industry``, ``region``, ``generic`` or ``legal``.
        text: the part of the original name it came from.
        via: ``literal`` (Latin text), ``pinyin`` (romanised Han) or ``lexicon`` (a concept).
        syllables: the pinyin syllables of a romanised Han core part.
        common: a Latin core word that is common in general English (``Ocean``, ``Royal``),
            so unspecific as a company name on its own.
    """

    key: str
    role: str
    text: str
    via: str
    syllables: tuple[str, ...] = ()
    senses: frozenset[str] = frozenset()
    common: bool = False


@dataclass(frozen=True, slots=True)
class NameAnalysis:
    """A name analysed for matching."""

    text: str
    scripts: tuple[str, ...]
    tokens: tuple[Token, ...]
    initials: str
    #: how much the distinctive part says on its own (:func:`name_specificity`)
    specificity: float = 0.0

    @property
    def looks_like_org(self) -> bool:
        """True when the name carries a legal form, an organisation or an industry word."""
        return any(t.role in ("legal", "generic", "industry") for t in self.tokens)

    @property
    def distinctive(self) -> bool:
        """True when the name has something other than legal forms and generic words."""
        return any(t.role in ("core", "number", "industry", "region") for t in self.tokens)

    def key(self) -> str:
        """A canonical string of the token keys (handy for tests and deduplication)."""
        return " ".join(t.key for t in self.tokens)


@lru_cache(maxsize=65536)
def _pinyin_syllables(han: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    out: list[str] = []
    for s in lazy_pinyin(han, style=Style.NORMAL, v_to_u=True, errors="ignore"):
        s = _anyascii(s).lower()
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
            joined_pinyin = pinyin_col.replace(" ", "") or "".join(_pinyin_syllables(simp))
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


# --- character classes ---------------------------------------------------------------------

_HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
)


_HAN_RUN = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HAN_RANGES) + "]+")


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
_ASCII_LETTER = re.compile(r"[A-Za-z]")
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
def _t2s(text: str) -> str:
    global _t2s_converter  # noqa: PLW0603 - a lazily built, stateless converter
    if _t2s_converter is None:
        import opencc

        _t2s_converter = opencc.OpenCC("t2s").convert
    return _t2s_converter(text)


# --- analysis ------------------------------------------------------------------------------


def _latin_tokens(words: list[str], lex: Lexicon, out: list[Token]) -> None:
    start = len(out)
    _latin_pass(words, lex, out)
    # "M D S" -> "mds": initials written with dots or spaces are one word (after the lexicon
    # pass, so that "S.A." stays a legal form)
    i = start
    while i < len(out):
        j = i
        while j < len(out) and out[j].role == "core" and len(out[j].key) == 1:
            j += 1
        if j - i >= 2:
            word = "".join(t.key for t in out[i:j])
            out[i:j] = [Token(word, "core", " ".join(t.text for t in out[i:j]), "literal")]
        i += 1


def _latin_pass(original: list[str], lex: Lexicon, out: list[Token]) -> None:
    # misspelt lexicon words are read as the word they misspell (OCR: TECHNOIOGY, EXP0RT);
    # the token keeps the text as written
    words = [misspelt_lexicon_word(w, lex) or w for w in original]
    i, n = 0, len(words)
    while i < n:
        hit: Concept | None = None
        length = 0
        joined = ""
        for size in range(1, min(_MAX_PHRASE_TOKENS, n - i) + 1):
            joined += words[i + size - 1]
            if joined not in lex.prefixes:
                break
            c = lex.latin.get(joined)
            if c is not None:
                hit, length = c, size
        if hit is not None:
            if hit.kind != "stop":
                text = " ".join(original[i : i + length])
                out.append(Token(hit.key, hit.kind, text, "lexicon", (), hit.senses))
            i += length
            continue
        w = words[i]
        if w.isdigit():
            out.append(Token(w.lstrip("0") or "0", "number", w, "literal"))
        else:
            w = original[i]
            syl = pinyin_parse(w, lex.syllables)
            out.append(Token(w, "core", w, "literal", syl, frozenset(), w in lex.common))
        i += 1


def _segment(simp: str, lex: Lexicon, backward: bool) -> list[tuple[int, int, Concept | None]]:
    """Maximum matching over the lexicon: (start, end, concept or None for a core char)."""
    n = len(simp)
    segs: list[tuple[int, int, Concept | None]] = []
    han, prefixes, suffixes = lex.han, lex.han_prefixes, lex.han_suffixes
    if not backward:
        i = 0
        while i < n:
            best: tuple[int, Concept] | None = None
            for end in range(i + 1, min(n, i + lex.han_max) + 1):
                piece = simp[i:end]
                if piece not in prefixes:
                    break
                c = han.get(piece)
                if c is not None:
                    best = (end, c)
            if best is None:
                segs.append((i, i + 1, None))
                i += 1
            else:
                segs.append((i, best[0], best[1]))
                i = best[0]
        return segs
    j = n
    while j > 0:
        found: tuple[int, Concept] | None = None
        for start in range(j - 1, max(0, j - lex.han_max) - 1, -1):
            piece = simp[start:j]
            if piece not in suffixes:
                break
            c = han.get(piece)
            if c is not None:
                found = (start, c)
        if found is None:
            segs.append((j - 1, j, None))
            j -= 1
        else:
            segs.append((found[0], j, found[1]))
            j = found[0]
    segs.reverse()
    return segs


def _glue_single(
    segs: list[tuple[int, int, Concept | None]],
) -> list[tuple[int, int, Concept | None]]:
    # A one-character word (市, 县, 厂 …) counts as a word only after a region or a core of two
    # or more characters: inside a short core (泰州) it is part of the name.
    out: list[tuple[int, int, Concept | None]] = []
    core_run = 0
    for a, b, c in segs:
        if c is not None and b - a == 1 and 0 < core_run < 2:
            c = None
        if c is None:
            for k in range(a, b):
                out.append((k, k + 1, None))
            core_run += b - a
        else:
            out.append((a, b, c))
            core_run = 0
    return out


def _segmentation_cost(segs: list[tuple[int, int, Concept | None]]) -> tuple[int, int]:
    # fewer one-character core chunks, then fewer pieces (the usual FMM/BMM tie-break)
    singles = 0
    run = 0
    pieces = 0
    for _, _, c in [*segs, (0, 0, _SENTINEL)]:
        if c is None:
            run += 1
            continue
        if run:
            pieces += 1
            singles += run == 1
            run = 0
        if c is not _SENTINEL:
            pieces += 1
    return singles, pieces


_SENTINEL = Concept("", "stop", "", (), "")


@lru_cache(maxsize=65536)
def _is_simplified_char(ch: str) -> bool:
    return _t2s(ch) == ch


def _han_tokens(run: str, lex: Lexicon, out: list[Token]) -> None:
    # most names are written in simplified characters: convert only runs that need it
    simp = run if all(_is_simplified_char(c) for c in run) else _t2s(run)
    fwd = _glue_single(_segment(simp, lex, backward=False))
    bwd = _glue_single(_segment(simp, lex, backward=True))
    segs = bwd if _segmentation_cost(bwd) < _segmentation_cost(fwd) else fwd
    buf: list[str] = []
    orig_buf: list[str] = []

    def flush() -> None:
        if buf:
            syl = _pinyin_syllables("".join(buf))
            if syl:
                out.append(Token("".join(syl), "core", "".join(orig_buf), "pinyin", tuple(syl)))
            buf.clear()
            orig_buf.clear()

    for a, b, c in segs:
        if c is None:
            buf.append(simp[a:b])
            orig_buf.append(run[a:b])
            continue
        flush()
        out.append(Token(c.key, c.kind, run[a:b], "lexicon", (), c.senses))
    flush()


def analyse(text: str, lex: Lexicon, max_chars: int = 512) -> NameAnalysis:
    """Analyse one name (any script) into tokens; see the module docstring."""
    cleaned = clean(text)[:max_chars]
    tokens: list[Token] = []
    if cleaned.isascii():
        _latin_tokens(latin_words(cleaned), lex, tokens)
        scripts: tuple[str, ...] = ("latin",) if _ASCII_LETTER.search(cleaned) else ()
    else:
        # Runs of Han and of other text; each run is processed by its own path.
        pos = 0
        for m in _HAN_RUN.finditer(cleaned):
            if m.start() > pos:
                _latin_tokens(latin_words(cleaned[pos : m.start()]), lex, tokens)
            _han_tokens(m.group(), lex, tokens)
            pos = m.end()
        if pos < len(cleaned):
            _latin_tokens(latin_words(cleaned[pos:]), lex, tokens)
        scripts = scripts_of(cleaned)
    initials = "".join(
        t.key[0] if t.via != "lexicon" else _first_letter(t, lex)
        for t in tokens
        if t.role not in ("legal", "number")
    )
    frozen = tuple(tokens)
    return NameAnalysis(cleaned, scripts, frozen, initials, name_specificity(frozen))


def name_specificity(tokens: tuple[Token, ...]) -> float:
    """How much a name's distinctive part says on its own, in "uncommon words".

    An uncommon Latin word counts 1 (``Hizballah``, ``Daqo``); a word common in general English
    0.5 (``Ocean``, ``Royal``: background list ``common_words.txt``); a number, an industry or a
    region word 0.5; romanised Chinese counts by syllables over all its core words, 0.5 per
    syllable after the first (``Hua Fu`` = ``Huafu`` 0.5, ``Zhongtai`` 0.5, a three-syllable
    name 1.0), since a two-syllable Chinese name is shared by many companies.
    """
    spec = 0.0
    syllables = 0
    for t in tokens:
        if t.role == "core":
            # an English word may parse as pinyin (ocean = o-ce-an): a common word of more than
            # one syllable is read as English, a single syllable (jin, tai) as pinyin
            if t.syllables and (not t.common or len(t.syllables) == 1):
                syllables += len(t.syllables)
            elif t.common:
                spec += 0.5
            else:
                spec += 1.0
        elif t.role in ("number", "industry", "region"):
            spec += 0.5
    return spec + 0.5 * max(0, syllables - 1)


def _first_letter(token: Token, lex: Lexicon) -> str:
    return _first_letters(token.text, lex)


@lru_cache(maxsize=8192)
def _first_letters(text: str, lex: Lexicon) -> str:
    # A concept's initials are those of its surface words when Latin (New Energy -> ne), of
    # its first rendering when Han.
    if text and text[0].isascii():
        return "".join(w[0] for w in text.split())
    c = lex.han.get(text) or lex.han.get(_t2s(text))  # text may be traditional
    if c is not None and c.latin:
        return "".join(w[0] for w in latin_words(c.latin[0]))
    return ""
