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
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Token:
    """One meaningful part of a name.

    Attributes:
        key: comparison key (a concept key such as ``W:新能源`` or a folded core string).
        role: ``core``, ``number``, ``industry``, ``region``, ``generic`` or ``legal``.
        text: the part of the original name it came from.
        via: ``literal`` (Latin text), ``pinyin`` (romanised Han) or ``lexicon`` (a concept).
        syllables: the pinyin syllables of a romanised Han core part.
    """

    key: str
    role: str
    text: str
    via: str
    syllables: tuple[str, ...] = ()
    senses: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class NameAnalysis:
    """A name analysed for matching."""

    text: str
    scripts: tuple[str, ...]
    tokens: tuple[Token, ...]
    initials: str

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


def load_lexicon(text: str | None = None, syllables: str | None = None) -> Lexicon:
    """Parse the lexicon TSV and pinyin syllable table (the bundled resources by default)."""
    if text is None:
        text = resources.read_text(LEXICON_RESOURCE)
    if syllables is None:
        syllables = resources.read_text(SYLLABLES_RESOURCE)
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
    return Lexicon(
        han, max((len(k) for k in han), default=1), latin, prefixes, tuple(concepts), syl
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


def _latin_pass(words: list[str], lex: Lexicon, out: list[Token]) -> None:
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
                text = " ".join(words[i : i + length])
                out.append(Token(hit.key, hit.kind, text, "lexicon", (), hit.senses))
            i += length
            continue
        w = words[i]
        if w.isdigit():
            out.append(Token(w.lstrip("0") or "0", "number", w, "literal"))
        else:
            out.append(Token(w, "core", w, "literal", pinyin_parse(w, lex.syllables)))
        i += 1


def _segment(simp: str, lex: Lexicon, backward: bool) -> list[tuple[int, int, Concept | None]]:
    """Maximum matching over the lexicon: (start, end, concept or None for a core char)."""
    n = len(simp)
    segs: list[tuple[int, int, Concept | None]] = []
    if not backward:
        i = 0
        while i < n:
            for size in range(min(lex.han_max, n - i), 0, -1):
                c = lex.han.get(simp[i : i + size])
                if c is not None:
                    segs.append((i, i + size, c))
                    i += size
                    break
            else:
                segs.append((i, i + 1, None))
                i += 1
        return segs
    j = n
    while j > 0:
        for size in range(min(lex.han_max, j), 0, -1):
            c = lex.han.get(simp[j - size : j])
            if c is not None:
                segs.append((j - size, j, c))
                j -= size
                break
        else:
            segs.append((j - 1, j, None))
            j -= 1
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


def _han_tokens(run: str, lex: Lexicon, out: list[Token]) -> None:
    simp = _t2s(run)
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
    return NameAnalysis(cleaned, scripts, tuple(tokens), initials)


def _first_letter(token: Token, lex: Lexicon) -> str:
    # A concept's initials are those of its surface words when Latin (New Energy -> ne), of
    # its first rendering when Han.
    if token.text and token.text[0].isascii():
        return "".join(w[0] for w in token.text.split())
    c = lex.han.get(token.text) or lex.han.get(_t2s(token.text))  # text may be traditional
    if c is not None and c.latin:
        return "".join(w[0] for w in latin_words(c.latin[0]))
    return ""
