"""Comparison features: each aligns parts of two analysed names and says how they matched.

The features run in a fixed order over the tokens not yet aligned (see ``compare.py``), so each
part of a name is explained once, by the most exact feature that links it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from laborlens.core.names.analysis import NameAnalysis, Token

_PINYIN_INITIALS = (
    "zh",
    "ch",
    "sh",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
)


@dataclass(frozen=True, slots=True)
class Part:
    """One aligned part: query tokens, reference tokens, similarity and the feature used."""

    query: tuple[int, ...]
    reference: tuple[int, ...]
    sim: float
    how: str
    note: str = ""


def _how_exact(q: Token, r: Token) -> str:
    if q.role == "legal":
        return "legal_form"
    if q.via == "lexicon" or r.via == "lexicon":
        return "literal" if q.text == r.text else "translation"
    if q.via == "pinyin" or r.via == "pinyin":
        return "pinyin" if q.via != r.via else "literal"
    return "literal"


def exact_parts(q: NameAnalysis, r: NameAnalysis, qfree: list[int], rfree: list[int]) -> list[Part]:
    """Same key on both sides (literal, translation via the lexicon, or pinyin).

    Two lexicon concepts that share a rendering (化工 and 化学 are both "chemical") also match.
    """
    parts: list[Part] = []
    for i in list(qfree):
        qt = q.tokens[i]
        for j in rfree:
            if r.tokens[j].key == qt.key:
                parts.append(Part((i,), (j,), 1.0, _how_exact(qt, r.tokens[j])))
                qfree.remove(i)
                rfree.remove(j)
                break
    for i in list(qfree):
        qt = q.tokens[i]
        if not qt.senses:
            continue
        for j in rfree:
            rt = r.tokens[j]
            if rt.role == qt.role and rt.senses and not qt.senses.isdisjoint(rt.senses):
                parts.append(Part((i,), (j,), 1.0, "translation"))
                qfree.remove(i)
                rfree.remove(j)
                break
    return parts


def _joined(
    a: NameAnalysis, b: NameAnalysis, afree: list[int], bfree: list[int], a_is_query: bool
) -> list[Part]:
    parts: list[Part] = []
    for j in list(bfree):
        target = b.tokens[j]
        if target.role != "core" or len(target.key) < 4:
            continue
        seq = [i for i in afree if a.tokens[i].role == "core"]
        if len(seq) < 2 or not any(target.key.startswith(a.tokens[i].key) for i in seq):
            continue
        done = False
        for start in range(len(seq)):
            acc = ""
            for end in range(start, min(start + 4, len(seq))):
                i = seq[end]
                if end > start and i != seq[end - 1] + 1:
                    break  # only adjacent words
                acc += a.tokens[i].key
                if len(acc) > len(target.key):
                    break
                if end > start and acc == target.key:
                    used = tuple(seq[start : end + 1])
                    for u in used:
                        afree.remove(u)
                    bfree.remove(j)
                    qi, ri = (used, (j,)) if a_is_query else ((j,), used)
                    parts.append(Part(qi, ri, 1.0, "joined"))
                    done = True
                    break
            if done:
                break
    return parts


def joined_parts(
    q: NameAnalysis, r: NameAnalysis, qfree: list[int], rfree: list[int]
) -> list[Part]:
    """Adjacent words on one side equal to one word on the other (``Zhong Tai`` = ``Zhongtai``)."""
    return _joined(q, r, qfree, rfree, True) + _joined(r, q, rfree, qfree, False)


def _initials(a: NameAnalysis, free: list[int], legal: bool = False) -> tuple[str, tuple[int, ...]]:
    skip = ("number",) if legal else ("legal", "number")
    idx = tuple(i for i in free if a.tokens[i].role not in skip)
    letters = []
    for i in idx:
        t = a.tokens[i]
        letters.append("".join(w[0] for w in t.text.split() if w[:1].isascii() and w[:1].isalnum()))
    return "".join(letters).lower(), idx


def _initialism(
    a: NameAnalysis, b: NameAnalysis, afree: list[int], bfree: list[int], a_is_query: bool
) -> list[Part]:
    short = [
        i
        for i in afree
        if a.tokens[i].role == "core"
        and a.tokens[i].via == "literal"
        and 2 <= len(a.tokens[i].key) <= 8
        and not a.tokens[i].syllables  # a pinyin word (jintai) is a name, not an abbreviation
    ]
    if not short or len(bfree) < 2:
        return []
    options = [_initials(b, bfree), _initials(b, bfree, legal=True)]  # CNPC: ...Corporation
    for i in short:
        key = a.tokens[i].key
        idx = next((ix for lt, ix in options if lt == key), ())
        if len(idx) >= 2:
            afree.remove(i)
            for j in idx:
                bfree.remove(j)
            qi, ri = ((i,), idx) if a_is_query else (idx, (i,))
            # three letters are weak evidence (26^3 combinations), longer ones less so
            parts = [Part(qi, ri, 0.75 if len(key) <= 3 else 0.9, "initialism")]
            return parts
    return []


def initialism_parts(
    q: NameAnalysis, r: NameAnalysis, qfree: list[int], rfree: list[int]
) -> list[Part]:
    """An abbreviation on one side equal to the initials of the other side's unaligned parts."""
    return _initialism(q, r, qfree, rfree, True) + _initialism(r, q, rfree, qfree, False)


_OCR_SKELETON = (
    ("rn", "m"),
    ("cl", "d"),
    ("vv", "w"),
    ("0", "o"),
    ("1", "l"),
    ("5", "s"),
    ("8", "b"),
)


@lru_cache(maxsize=65536)
def ocr_skeleton(word: str) -> str:
    """The word with look-alike letter groups unified (rn→m, cl→d, 0→o, 1→l …)."""
    for a, b in _OCR_SKELETON:
        word = word.replace(a, b)
    return word


@lru_cache(maxsize=65536)
def latin_similarity(a: str, b: str) -> float:
    """Typo similarity of two Latin words: 1 edit allowed from 4 letters, 2 edits from 9.

    Look-alike groups that OCR confuses (``rn``/``m``, ``cl``/``d``, ``0``/``o``) count as one
    edit. Words that differ in both their first and last letters are not compared (a typo
    rarely hits both ends). Returns 0 when not similar enough, else ``1 - 0.12 × edits``
    (0.88 for one edit).
    """
    shorter = min(len(a), len(b))
    if shorter < 4 or abs(len(a) - len(b)) > 2 or (a[0] != b[0] and a[-1] != b[-1]):
        return 0.0
    if a.isdigit() or b.isdigit():
        return 0.0
    allowed = 2 if shorter >= 9 else 1
    d = OSA.distance(a, b, score_cutoff=allowed)
    if d <= allowed:
        return 1.0 - 0.12 * d
    if ocr_skeleton(a) == ocr_skeleton(b):
        return 0.88
    return 0.0


def _initial(syllable: str) -> str:
    for ini in _PINYIN_INITIALS:
        if syllable.startswith(ini):
            return ini
    return syllable[:1]


@lru_cache(maxsize=65536)
def pinyin_similarity(syllables: tuple[str, ...], latin: str) -> float:
    """How well a Latin word renders a sequence of pinyin syllables.

    Splits the Latin word into as many pieces as there are syllables; an identical piece counts
    1, a piece no longer than the syllable that keeps its initial consonant followed by a vowel
    counts 0.6 (brand spellings: ``quan`` → ``qo``). The best split's mean is returned (0 when
    no split fits).
    """
    n = len(syllables)
    if n == 0 or not latin or n > 6 or len(latin) > 30:
        return 0.0
    joined = "".join(syllables)
    if latin[0] != joined[0] and latin[-1] != joined[-1]:
        return 0.0  # neither the first initial kept nor a typo (typos keep one end)
    if joined == latin:
        return 1.0
    typo = latin_similarity(joined, latin)
    best = typo
    if latin[0] != joined[0] or len(latin) < n:
        return best  # every piece starts with its syllable's initial, the first one too
    # dynamic programme over split points: best[k][p] = best total for first k syllables
    # covering latin[:p]
    neg = -1.0
    table = [[neg] * (len(latin) + 1) for _ in range(n + 1)]
    table[0][0] = 0.0
    for k in range(n):
        syl = syllables[k]
        ini = _initial(syl)
        for p in range(len(latin)):
            if table[k][p] < 0:
                continue
            for e in range(p + 1, len(latin) + 1):
                piece = latin[p:e]
                if piece == syl:
                    val = 1.0
                elif (
                    piece.startswith(ini)
                    and len(piece) > len(ini)
                    and piece[len(ini)] in "aeiouy"
                    and len(piece) <= len(syl)
                ):
                    val = 0.6
                else:
                    continue
                table[k + 1][e] = max(table[k + 1][e], table[k][p] + val)
    total = table[n][len(latin)]
    if total > 0:
        best = max(best, total / n)
    return best


def fuzzy_parts(
    q: NameAnalysis,
    r: NameAnalysis,
    qfree: list[int],
    rfree: list[int],
    *,
    min_sim: float = 0.75,
    min_pinyin: float = 0.8,
) -> list[Part]:
    """Typo-tolerant (Latin) and syllable-wise (pinyin) matches of remaining core words."""
    cands: list[tuple[float, int, int, str]] = []
    for i in qfree:
        qt = q.tokens[i]
        if qt.role != "core":
            # a misspelt lexicon word stays a core word on the other side (SBIPPING, HOLDLNG)
            if qt.via == "lexicon" and qt.text.isascii():
                for j in rfree:
                    rt = r.tokens[j]
                    if rt.role == "core" and rt.via == "literal":
                        sim = _lexicon_word_similarity(qt.text, rt.key)
                        if sim >= min_sim:
                            cands.append((sim, i, j, "fuzzy"))
            continue
        for j in rfree:
            rt = r.tokens[j]
            if rt.role != "core":
                if rt.via == "lexicon" and qt.via == "literal" and rt.text.isascii():
                    sim = _lexicon_word_similarity(rt.text, qt.key)
                    if sim >= min_sim:
                        cands.append((sim, i, j, "fuzzy"))
                continue
            if qt.syllables and not rt.syllables:
                sim, how = pinyin_similarity(qt.syllables, rt.key), "pinyin_fuzzy"
            elif rt.syllables and not qt.syllables:
                sim, how = pinyin_similarity(rt.syllables, qt.key), "pinyin_fuzzy"
            else:
                sim, how = latin_similarity(qt.key, rt.key), "fuzzy"
                if (
                    qt.syllables
                    and rt.syllables
                    and sim < 1.0
                    and max(len(qt.syllables), len(rt.syllables)) <= 3
                ):
                    # two different well-formed pinyin words (zhongtai / zhongtian, anli /
                    # panli) are different Chinese names, not a typo of each other
                    sim = 0.0
            if how == "pinyin_fuzzy" and sim < min_pinyin:
                continue
            if sim >= min_sim:
                cands.append((sim, i, j, how))
    parts: list[Part] = []
    for sim, i, j, how in sorted(cands, key=lambda c: (-c[0], c[1], c[2])):
        if i in qfree and j in rfree:
            qfree.remove(i)
            rfree.remove(j)
            parts.append(Part((i,), (j,), sim, how))
    return parts


_LOOK_ALIKE = frozenset(
    {("i", "l"), ("l", "i"), ("i", "1"), ("1", "i"), ("l", "1"), ("1", "l"), ("o", "0")}
    | {("0", "o"), ("s", "5"), ("5", "s"), ("b", "8"), ("8", "b")}
)


def look_alike(a: str, b: str) -> bool:
    """True when two words differ only by OCR look-alikes (UNLDAS / UNIDAS, rn / m)."""
    if ocr_skeleton(a) == ocr_skeleton(b):
        return True
    if len(a) != len(b):
        return False
    return all(x == y or (x, y) in _LOOK_ALIKE for x, y in zip(a, b, strict=True))


def _lexicon_word_similarity(phrase: str, word: str) -> float:
    # a misspelt word of a lexicon phrase ("HOIDING COMPANY" for "holding company")
    return max((latin_similarity(w, word) for w in phrase.split()), default=0.0)
