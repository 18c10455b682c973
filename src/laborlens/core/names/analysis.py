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

from dataclasses import dataclass
from functools import lru_cache

from laborlens.core.names.lexicon import (
    MAX_PHRASE_TOKENS,
    Concept,
    Lexicon,
    misspelt_lexicon_word,
    pinyin_parse,
    pinyin_syllables,
)
from laborlens.core.names.text import (
    ASCII_LETTER,
    HAN_RUN,
    clean,
    latin_words,
    scripts_of,
    t2s,
)


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
        for size in range(1, min(MAX_PHRASE_TOKENS, n - i) + 1):
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
def is_simplified_char(ch: str) -> bool:
    """True when OpenCC leaves the character unchanged from traditional to simplified."""
    return t2s(ch) == ch


def simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC only when a character needs it)."""
    return text if all(is_simplified_char(c) for c in text) else t2s(text)


def _han_tokens(run: str, lex: Lexicon, out: list[Token]) -> None:
    # most names are written in simplified characters: convert only runs that need it
    simp = run if all(is_simplified_char(c) for c in run) else t2s(run)
    fwd = _glue_single(_segment(simp, lex, backward=False))
    bwd = _glue_single(_segment(simp, lex, backward=True))
    segs = bwd if _segmentation_cost(bwd) < _segmentation_cost(fwd) else fwd
    buf: list[str] = []
    orig_buf: list[str] = []

    def flush() -> None:
        if buf:
            syl = pinyin_syllables("".join(buf))
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
    if "(股)" in cleaned:
        # Taiwan writes 股份有限公司 as (股)公司
        cleaned = cleaned.replace("(股)", "股份")
    tokens: list[Token] = []
    if cleaned.isascii():
        _latin_tokens(latin_words(cleaned), lex, tokens)
        scripts: tuple[str, ...] = ("latin",) if ASCII_LETTER.search(cleaned) else ()
    else:
        # Runs of Han and of other text; each run is processed by its own path.
        pos = 0
        for m in HAN_RUN.finditer(cleaned):
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
    c = lex.han.get(text) or lex.han.get(t2s(text))  # text may be traditional
    if c is not None and c.latin:
        return "".join(w[0] for w in latin_words(c.latin[0]))
    return ""
