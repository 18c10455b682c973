"""Comparison features of ``names-v1``: each aligns parts of two analysed names and explains how.

The features run in a fixed order over the tokens not yet aligned, so each part of a name is
explained once, by the most exact feature that links it:

1. :func:`exact_parts` — same key: the same Latin word (``literal``), the same concept from the
   lexicon in either script (``translation``: ``新能源`` ↔ ``New Energy``), or romanised Han equal
   to the Latin word (``pinyin``: ``大全`` ↔ ``Daquan``).
2. :func:`joined_parts` — words written apart on one side and together on the other
   (``Zhong Tai`` ↔ ``Zhongtai``).
3. :func:`initialism_parts` — an abbreviation equal to the initials of the other side's parts
   (``XPCC``, ``BAT``).
4. :func:`fuzzy_parts` — typos / OCR errors on Latin words (optimal-string-alignment distance:
   1 edit from 4 letters, 2 edits from 9), and for romanised Han a syllable-wise comparison that
   accepts brand spellings that keep each syllable's initial (``大全`` da-quan ↔ ``Daqo``).

The score is a weighted Dice coefficient: matched weight on both sides over total weight, each
token weighted by how distinctive its key is in the reference lists (IDF) times a role factor
(a legal form or ``Xinjiang`` carries little, ``Daqo`` much). Conflicts (different regions,
different numbers, different industries on both sides) lower the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from laborlens.core.names.analysis import NameAnalysis, Token

#: How much of its IDF weight a token of each role carries.
ROLE_FACTOR: Mapping[str, float] = {
    "core": 1.0,
    "number": 0.8,
    "industry": 0.5,
    "region": 0.35,
    "generic": 0.12,
    "legal": 0.04,
}

#: Score multipliers when both names state something and they disagree.
REGION_CONFLICT = 0.85
NUMBER_CONFLICT = 0.75
INDUSTRY_CONFLICT = 0.9
#: Score multipliers when only one name states a region (an industry) and nothing on the other
#: side matched it: the same company, or its parent / a subsidiary / a namesake elsewhere
#: ("JA Solar Technology" vs "Donghai JA Solar Technology").
ONE_SIDED_REGION = 0.9
ONE_SIDED_INDUSTRY = 0.95
#: Score of a name wholly contained in the other (plus up to 0.1 by coverage of the other).
CONTAINMENT_BASE = 0.72
#: Weight factor of a core word common in general English (background frequency).
COMMON_WORD_FACTOR = 0.5
#: Score multiplier when one name is unspecific (see :func:`specificity`: one common word, one
#: two-syllable Chinese name) and does not cover the other's distinctive part near-exactly.
UNSPECIFIC_PARTIAL = 0.85
#: Score multiplier when both names are unspecific and a generic word differs.
UNSPECIFIC_GENERIC = 0.9
#: A one-word name of at most this many letters matched only by a typo is lowered once more.
SHORT_WORD = 6
SHORT_WORD_TYPO = 0.8
#: How specific the contained name must be (see :func:`specificity`) for containment to count:
#: one uncommon word, two common words, three pinyin syllables, a common word and an industry.
MIN_CONTAINED_SPECIFICITY = 1.0
#: Score multiplier when every distinctive part matched only approximately (typo, brand pinyin).
APPROXIMATE_ONLY = 0.9
#: Score caps when the only distinctive link is an abbreviation (4+ letters / 2-3 letters).
INITIALISM_ONLY_CAP = 0.75
SHORT_INITIALISM_ONLY_CAP = 0.6

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


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of comparing a query name with a reference name."""

    score: float
    parts: tuple[Part, ...]
    penalties: tuple[str, ...]
    ref_core_coverage: float
    ref_coverage: float
    query_extra_core: float


def weights(tokens: tuple[Token, ...], idf: Mapping[str, float], max_idf: float) -> list[float]:
    """The weight of each token: IDF of its key (unknown keys: the maximum) × role factor.

    :func:`compare` further multiplies a word common in English by ``COMMON_WORD_FACTOR`` (the
    lists' IDF alone would call ``Ocean`` rare: few listed names hold it, but many companies
    do); candidate generation uses these plain weights.
    """
    return [idf.get(t.key, max_idf) * ROLE_FACTOR[t.role] for t in tokens]


def _background(a: NameAnalysis, w: list[float]) -> list[float]:
    if not any(t.common for t in a.tokens):
        return w
    return [x * COMMON_WORD_FACTOR if t.common else x for t, x in zip(a.tokens, w, strict=True)]


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


def compare(
    q: NameAnalysis,
    qw: list[float],
    r: NameAnalysis,
    rw: list[float],
) -> Comparison:
    """Compare two analysed names with their token weights (see the module docstring)."""
    qw, rw = _background(q, qw), _background(r, rw)
    qfree = [i for i, w in enumerate(qw) if w > 0]
    rfree = [j for j, w in enumerate(rw) if w > 0]
    parts = exact_parts(q, r, qfree, rfree)
    if qfree and rfree:
        parts += joined_parts(q, r, qfree, rfree)
    if qfree and rfree:
        parts += initialism_parts(q, r, qfree, rfree)
    if qfree and rfree:
        fuzzy = fuzzy_parts(q, r, qfree, rfree)
        parts += fuzzy
        qw, rw = _misspelt_lexicon_weights(q, qw, r, rw, fuzzy)
    wq = sum(qw)
    wr = sum(rw)
    if wq <= 0 or wr <= 0:
        return Comparison(0.0, (), (), 0.0, 0.0, 0.0)
    matched = 0.0
    ref_matched = 0.0
    for p in parts:
        rsum = sum(rw[j] for j in p.reference)
        matched += p.sim * (sum(qw[i] for i in p.query) + rsum)
        ref_matched += p.sim * rsum
    score = matched / (wq + wr)
    penalties: list[str] = []
    q_roles = _roles(q)
    r_roles = _roles(r)
    hit_q = {i for p in parts for i in p.query}
    hit_r = {j for p in parts for j in p.reference}
    for role, factor in (
        ("region", REGION_CONFLICT),
        ("number", NUMBER_CONFLICT),
        ("industry", INDUSTRY_CONFLICT),
    ):
        qs, rs = q_roles.get(role), r_roles.get(role)
        if not qs or not rs:
            continue
        mq = sum(1 for i in qs if i in hit_q)
        mr = sum(1 for j in rs if j in hit_r)
        # numbers must all agree ("No. 2 Prison" is not "No. 4 Prison"); regions and
        # industries conflict when none of either side's matched
        if (mq < len(qs) or mr < len(rs)) if role == "number" else (mq == 0 and mr == 0):
            score *= factor
            penalties.append(f"{role}_conflict")
    for role, factor in (("region", ONE_SIDED_REGION), ("industry", ONE_SIDED_INDUSTRY)):
        if _one_sided(q_roles, r_roles, hit_q, hit_r, role):
            score *= factor
            penalties.append(f"{role}_on_one_side")
    distinctive = [p for p in parts if q.tokens[p.query[0]].role not in ("legal", "generic")]
    if distinctive and all(p.how == "initialism" for p in distinctive):
        # an abbreviation alone is weak evidence: at most "possible" (4+ letters) or nothing
        longest = max(
            len(q.tokens[p.query[0]].key)
            if len(p.query) == 1
            else len(r.tokens[p.reference[0]].key)
            for p in distinctive
        )
        cap = INITIALISM_ONLY_CAP if longest >= 4 else SHORT_INITIALISM_ONLY_CAP
        if score > cap:
            score = cap
            penalties.append("abbreviation_only")
    elif distinctive and all(p.sim < 1.0 for p in distinctive):
        score *= APPROXIMATE_ONLY
        penalties.append("approximate_only")
        if (_short_single_word(q) or _short_single_word(r)) and not all(
            _look_alike(q.tokens[p.query[0]].key, r.tokens[p.reference[0]].key) for p in distinctive
        ):
            # one edit in a one-word name of up to 6 letters (MIDEA / MIDSEA) is another name
            # as often as a typo
            score *= SHORT_WORD_TYPO
            penalties.append("short_word_typo")
    if _unspecific_partial(q, qw, r, rw, parts):
        score *= UNSPECIFIC_PARTIAL
        penalties.append("short_name_partial")
    elif max(q.specificity, r.specificity) < MIN_CONTAINED_SPECIFICITY and _unmatched_generic(
        q, parts, True
    ) | _unmatched_generic(r, parts, False):
        # both names unspecific (CRYSTAL / Crystal International Group): the few words that
        # differ are all the evidence there is
        score *= UNSPECIFIC_GENERIC
        penalties.append("short_name_generic_differs")
    if not penalties or all(p.endswith("_on_one_side") for p in penalties):
        contained = _containment(q, qw, r, rw, parts)
        if contained > score:
            score = contained
            penalties.append("containment")
    core_r = [j for j in distinctive_core(r) if rw[j] > 0]
    core_total = sum(rw[j] for j in core_r)
    core_hit = sum(p.sim * rw[j] for p in parts for j in p.reference if j in core_r)
    q_matched = {i for p in parts for i in p.query}
    extra = sum(
        qw[i] for i, t in enumerate(q.tokens) if t.role in ("core", "number") and i not in q_matched
    )
    return Comparison(
        score=min(1.0, max(0.0, score)),
        parts=tuple(parts),
        penalties=tuple(penalties),
        ref_core_coverage=core_hit / core_total if core_total > 0 else 0.0,
        ref_coverage=ref_matched / wr,
        query_extra_core=extra,
    )


_DISTINCT = ("core", "number", "industry", "region")


def _misspelt_lexicon_weights(
    q: NameAnalysis, qw: list[float], r: NameAnalysis, rw: list[float], fuzzy: list[Part]
) -> tuple[list[float], list[float]]:
    """A core word that is a misspelt lexicon word (``HOIDING`` for ``holding``) weighs what the
    lexicon word weighs: a typo in ``Company`` must not make a name look more distinctive."""
    for p in fuzzy:
        i, j = p.query[0], p.reference[0]
        qt, rt = q.tokens[i], r.tokens[j]
        if qt.role == "core" and rt.role != "core" and qw[i] > rw[j]:
            qw = list(qw)
            qw[i] = rw[j]
        elif rt.role == "core" and qt.role != "core" and rw[j] > qw[i]:
            rw = list(rw)
            rw[j] = qw[i]
    return qw, rw


def _containment(
    q: NameAnalysis, qw: list[float], r: NameAnalysis, rw: list[float], parts: list[Part]
) -> float:
    """Score when every distinctive part of one name is found in the other (plus more).

    ``HIZBALLAH`` in ``LEBANESE HIZBALLAH``: not the same string, but worth a review. Returns
    ``CONTAINMENT_BASE`` plus up to 0.1 by the share of the longer name covered, or 0 when
    neither side is contained or no core word matched closely.
    """
    qd = [i for i, t in enumerate(q.tokens) if t.role in _DISTINCT]
    rd = [j for j, t in enumerate(r.tokens) if t.role in _DISTINCT]
    if not qd or not rd:
        return 0.0
    q_specific = specificity(q) >= MIN_CONTAINED_SPECIFICITY
    r_specific = specificity(r) >= MIN_CONTAINED_SPECIFICITY
    if not (q_specific or r_specific):
        return 0.0
    hit_q = {i: p.sim for p in parts for i in p.query}
    hit_r = {j: p.sim for p in parts for j in p.reference}
    core_hit = any(
        p.sim >= 0.85 and any(q.tokens[i].role in ("core", "number") for i in p.query)
        for p in parts
    )
    if not core_hit:
        return 0.0
    wq = sum(qw[i] for i in qd)
    wr = sum(rw[j] for j in rd)
    cov_q = sum(qw[i] * hit_q.get(i, 0.0) for i in qd) / wq if wq else 0.0
    cov_r = sum(rw[j] * hit_r.get(j, 0.0) for j in rd) / wr if wr else 0.0
    # the contained side must say enough on its own: "Ocean" (a common word) or "Hua Fu" (one
    # Chinese given name) inside a longer name is a namesake more often than the same party
    if cov_q >= 0.95 and q_specific:
        return CONTAINMENT_BASE + 0.1 * cov_r
    if cov_r >= 0.95 and r_specific:
        return CONTAINMENT_BASE + 0.1 * cov_q
    return 0.0


_LOOK_ALIKE = frozenset(
    {("i", "l"), ("l", "i"), ("i", "1"), ("1", "i"), ("l", "1"), ("1", "l"), ("o", "0")}
    | {("0", "o"), ("s", "5"), ("5", "s"), ("b", "8"), ("8", "b")}
)


def _look_alike(a: str, b: str) -> bool:
    """True when two words differ only by OCR look-alikes (UNLDAS / UNIDAS, rn / m)."""
    if ocr_skeleton(a) == ocr_skeleton(b):
        return True
    if len(a) != len(b):
        return False
    return all(x == y or (x, y) in _LOOK_ALIKE for x, y in zip(a, b, strict=True))


def _unmatched_generic(a: NameAnalysis, parts: list[Part], query: bool) -> bool:
    hit = {i for p in parts for i in (p.query if query else p.reference)}
    return any(t.role == "generic" and i not in hit for i, t in enumerate(a.tokens))


def _short_single_word(a: NameAnalysis) -> bool:
    core = [t for t in a.tokens if t.role in ("core", "number")]
    return len(core) == 1 and len(core[0].key) <= SHORT_WORD


def _unspecific_partial(
    q: NameAnalysis, qw: list[float], r: NameAnalysis, rw: list[float], parts: list[Part]
) -> bool:
    """True when one name is unspecific and the other's distinctive part is not all matched.

    ``ATLANTIC`` (one common word) against ``Atlantic Foods``, ``HUA FU`` against ``Xinjiang
    Huafu Textile``: a short name needs near-exact coverage of the other name's distinctive
    part (core, number, industry, region words; 95 % of their weight).
    """
    q_spec, r_spec = specificity(q), specificity(r)
    if min(q_spec, r_spec) >= MIN_CONTAINED_SPECIFICITY:
        return False
    for spec, other_spec, side in ((q_spec, r_spec, 0), (r_spec, q_spec, 1)):
        if spec >= MIN_CONTAINED_SPECIFICITY or spec > other_spec:
            continue  # not the short side (the other side is shorter still)
        # this side is short: the other side must be covered near-exactly
        o, ow = (r, rw) if side == 0 else (q, qw)
        hit = {j: p.sim for p in parts for j in (p.reference if side == 0 else p.query)}
        idx = [j for j, t in enumerate(o.tokens) if t.role in _DISTINCT]
        total = sum(ow[j] for j in idx)
        if total > 0 and sum(ow[j] * hit.get(j, 0.0) for j in idx) < 0.95 * total:
            return True
    return False


def specificity(a: NameAnalysis) -> float:
    """How much a name's distinctive part says on its own (see :func:`name_specificity`);
    computed once per analysed name."""
    return a.specificity


def _lexicon_word_similarity(phrase: str, word: str) -> float:
    # a misspelt word of a lexicon phrase ("HOIDING COMPANY" for "holding company")
    return max((latin_similarity(w, word) for w in phrase.split()), default=0.0)


def distinctive_core(a: NameAnalysis) -> list[int]:
    """Indexes of a name's distinctive core: its core words and numbers, or, for a name made
    only of lexicon words (``Western Gold``), its two or more industry words."""
    core = [i for i, t in enumerate(a.tokens) if t.role in ("core", "number")]
    if core:
        return core
    industry = [i for i, t in enumerate(a.tokens) if t.role == "industry"]
    return industry if len(industry) >= 2 else []


def _roles(a: NameAnalysis) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, t in enumerate(a.tokens):
        out.setdefault(t.role, []).append(i)
    return out


def _one_sided(
    q_roles: dict[str, list[int]],
    r_roles: dict[str, list[int]],
    hit_q: set[int],
    hit_r: set[int],
    role: str,
) -> bool:
    qs, rs = q_roles.get(role, []), r_roles.get(role, [])
    if bool(qs) == bool(rs):
        return False
    # the side that has it: is any of its tokens of that role matched (e.g. by a typo)?
    if qs:
        return not any(i in hit_q for i in qs)
    return not any(j in hit_r for j in rs)
