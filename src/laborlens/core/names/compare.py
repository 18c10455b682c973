"""The ``names-v2`` comparison of two analysed names: features in order, then the score.

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

from laborlens.core.names.analysis import NameAnalysis, Token
from laborlens.core.names.crossscript import rendered_parts, short_form
from laborlens.core.names.features import (
    Part,
    exact_parts,
    fuzzy_parts,
    initialism_parts,
    joined_parts,
    look_alike,
)

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
#: Parts rendered across scripts (crossscript.rendered_parts): renderings, not typos.
RENDERED_HOWS = frozenset({"romanised", "translated", "rendered"})
#: Short forms (crossscript.short_form) are looked for only below this score.
SHORT_FORM_CEILING = 0.82
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


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of comparing a query name with a reference name."""

    score: float
    parts: tuple[Part, ...]
    penalties: tuple[str, ...]
    ref_core_coverage: float
    ref_coverage: float
    query_extra_core: float
    #: how one name is a short form of the other (crossscript.short_form), with its chain
    short_form: str = ""


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
        parts += rendered_parts(q, r, qfree, rfree)
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
    elif distinctive and all(p.sim < 1.0 and p.how not in RENDERED_HOWS for p in distinctive):
        score *= APPROXIMATE_ONLY
        penalties.append("approximate_only")
        if (_short_single_word(q) or _short_single_word(r)) and not all(
            look_alike(q.tokens[p.query[0]].key, r.tokens[p.reference[0]].key) for p in distinctive
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
    score = _caps(q, r, parts, score, penalties)
    short = ""
    if score < SHORT_FORM_CEILING and "number_conflict" not in penalties:
        sf = short_form(q, r)
        if sf is not None and sf.score > score:
            score = sf.score
            short = f"{sf.how}: {sf.note}"
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
        short_form=short,
    )


_DISTINCT = ("core", "number", "industry", "region")
#: Cap of a match whose evidence is thin: a short acronym or one common word equal on both
#: sides, names made only of lexicon words, or Han words only translated to English.
THIN_EVIDENCE_CAP = 0.8
#: Factor when a short acronym (up to 3 letters) is one name's whole distinctive part and the
#: other name says more: ``ITE`` is not ``EP-ITE``, ``PTC`` not ``PTC Inc. Holdings``.
SHORT_ACRONYM = 0.75
SHORT_ACRONYM_LETTERS = 3
#: A name whose whole distinctive part is one word of up to this many letters is capped at
#: ``possible`` even when equal on both sides (PTC, AST: too many companies share them).
SHORT_NAME_LETTERS = 3
#: Factor when the only linked core part is a CC-CEDICT translation.
TRANSLATION_ONLY = 0.9
#: Containment base (plus up to 0.1 by coverage: below ``possible``) when the contained name is
#: one Latin word and the other has core words of its own (EVEREST in DESARROLLOS EVEREST): a
#: namesake as often as the same party.
NAMESAKE_CONTAINMENT = 0.58


def _only_core(a: NameAnalysis) -> Token | None:
    dist = [t for t in a.tokens if t.role in _DISTINCT]
    return dist[0] if len(dist) == 1 and dist[0].role == "core" else None


def _caps(
    q: NameAnalysis, r: NameAnalysis, parts: list[Part], score: float, penalties: list[str]
) -> float:
    """Caps and factors for thin evidence (names-v2 precision rules, docs/names.md)."""
    qs, rs = _only_core(q), _only_core(r)
    abbreviated = any(p.how == "initialism" for p in parts)
    for one, other in ((qs, rs), (rs, qs)):
        if one is None or one.via != "literal" or len(one.key) > SHORT_ACRONYM_LETTERS:
            continue
        if abbreviated or (other is not None and other.key == one.key):
            break
        score *= SHORT_ACRONYM
        penalties.append("short_acronym")
        return score
    thin = ""
    linked = [p for p in parts if q.tokens[p.query[0]].role in ("core", "number")]
    if linked and all(p.how == "translated" for p in linked):
        # a dictionary sense of a Chinese word (北方 → north, 蓝天 → blue sky) starts many
        # English names: with nothing else linked it is a lead at most
        score *= TRANSLATION_ONLY
        thin = "translation_only"
        penalties.append(thin)
    elif (qs is not None and qs.common) or (rs is not None and rs.common):
        thin = "one_common_word"
    elif not any(t.role in ("core", "number") for t in (*q.tokens, *r.tokens)) and not any(
        q.tokens[p.query[0]].role == "region" for p in parts
    ):
        thin = "lexicon_words_only"
    if (qs is not None and len(qs.key) <= SHORT_NAME_LETTERS and qs.via == "literal") or (
        rs is not None and len(rs.key) <= SHORT_NAME_LETTERS and rs.via == "literal"
    ):
        thin = thin or "short_name"
    if thin and score > THIN_EVIDENCE_CAP:
        if thin not in penalties:
            penalties.append(thin)
        return THIN_EVIDENCE_CAP
    return score


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
        p.sim >= 0.85
        and any(
            q.tokens[i].role == "number"
            or (q.tokens[i].role == "core" and len(q.tokens[i].key) > 1)
            for i in p.query
        )
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
        return _contained(q, r, hit_r) + 0.1 * cov_r
    if cov_r >= 0.95 and r_specific:
        return _contained(r, q, hit_q) + 0.1 * cov_q
    return 0.0


def _contained(small: NameAnalysis, big: NameAnalysis, hit_big: dict[int, float]) -> float:
    """Base score of ``small`` wholly inside ``big``: lower when ``small`` is one Latin word and
    ``big`` has unmatched core words of its own (a namesake more often than the party)."""
    one = _only_core(small)
    if (
        one is not None
        and one.via == "literal"
        and any(t.role == "core" and j not in hit_big for j, t in enumerate(big.tokens))
    ):
        return NAMESAKE_CONTAINMENT
    return CONTAINMENT_BASE


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
