"""Candidate generation (blocking): which reference names are worth comparing with a query.

See ``index.py`` for the keys. Keys of the query's tokens are looked up in the inverted index;
each hit is credited with the best similarity it can stand for, and candidates whose optimistic
Dice bound stays below ``possible`` are dropped unless one name could contain the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from laborlens.core.names.analysis import NameAnalysis, Token
from laborlens.core.names.compare import MIN_CONTAINED_SPECIFICITY
from laborlens.core.names.config import MatchConfig
from laborlens.core.names.crossscript import query_cross_keys, short_form
from laborlens.core.names.index import NameIndex, token_keys

#: Best similarity a blocking key hit can stand for (see :func:`candidates`).
_KEY_CREDIT = {"D:": 0.88, "O:": 0.88, "P:": 0.8, "I:": 1.0}


#: Rank of cross-script blocking keys (added to the key's length): a Han short-name start
#: (``S:``) before a reading prefix (``Y:``) before a gloss (``G:``, ``H:``).
_CROSS_PRIORITY = {"S:": 20, "Y:": 0, "G:": 0, "H:": 0}
_VERIFIED = 100


@dataclass(frozen=True, slots=True)
class _Hits:
    """What one query token finds in the index: reference name -> best similarity a key hit
    stands for (capped at 1), the names holding the very word, the smallest posting too
    large to generate candidates, and names found by an abbreviation key."""

    hit: Mapping[int, float]
    same: frozenset[int]
    fallback: tuple[int, ...] | None
    forced: tuple[int, ...]


@lru_cache(maxsize=8192)
def token_hits(index: NameIndex, tok: Token, limit: int, base: int) -> _Hits:
    # cached by token: supplier names reuse the same words and syllables all the time
    syllables = tok.syllables if tok.via == "pinyin" else ()
    hit: dict[int, float] = {}
    same: set[int] = set()
    forced: list[int] = []
    fallback: tuple[int, ...] | None = None
    for key in token_keys(tok, index.postings):
        post = index.postings.get(key)
        if not post:
            continue
        # the raised limit of the query's most distinctive word is for the word itself, not
        # for its typo variants, prefixes and syllables
        if len(post) > (limit if key == tok.key else base):
            if fallback is None or len(post) < len(fallback):
                fallback = post
            continue
        if syllables and key in syllables and key != tok.key:
            # one syllable of a romanised Han word: its share of the word
            share = 1.0 / len(syllables)
            for ri in post:
                got = hit.get(ri, 0.0) + share
                hit[ri] = got
                if got >= 0.999:
                    same.add(ri)
            continue
        credit = _KEY_CREDIT.get(key[:2], 1.0)
        for ri in post:
            if hit.get(ri, 0.0) < credit:
                hit[ri] = credit
        if key[:2] not in _KEY_CREDIT:
            same.update(post)
        elif key.startswith("I:"):
            forced.extend(post)  # an abbreviation: its weight is only known on comparison
    capped = {ri: min(1.0, c) for ri, c in hit.items()}
    return _Hits(capped, frozenset(same), fallback, tuple(forced))


def candidates(
    index: NameIndex, q: NameAnalysis, qw: list[float], config: MatchConfig
) -> list[int]:
    """Reference names worth comparing with a query (blocking; see index.py).

    Keys of tokens that carry at least ``generate_share`` of the query's weight generate
    candidates; lighter tokens (a region, a generic industry word) only add to the evidence of
    candidates found otherwise. Candidates whose optimistic Dice bound stays under the
    ``possible`` threshold are dropped (unless they could be a listed parent of the query).
    """
    acc: dict[int, float] = {}
    wq = sum(qw)
    fallback: tuple[int, ...] | None = None
    forced: set[int] = set()
    later: list[tuple[float, Mapping[int, float]]] = []
    exact: dict[int, float] = {}  # weight of query words found verbatim in a reference name
    heavy: list[tuple[float, str]] = []
    # the query's most distinctive word always generates candidates (up to a hard cap), so a
    # name made only of common words ("Beirut Trade SAL") still finds its entry
    top = max(range(len(qw)), key=lambda i: (q.tokens[i].role != "legal", qw[i]), default=-1)
    groups: list[tuple[int, _Hits]] = []
    prev: str | None = None
    for ti, tok in enumerate(q.tokens):
        if tok.role in ("legal", "generic"):
            prev = None
            continue
        limit = max(config.max_posting, 5 * config.max_posting if ti == top else 0)
        hits = token_hits(index, tok, limit, config.max_posting)
        if tok.role == "core":
            if prev is not None:
                # adjacent words written together in the reference name (zhong tai: zhongtai)
                post = index.postings.get(prev + tok.key)
                if post and len(post) <= limit:
                    merged = dict(hits.hit)
                    merged.update(dict.fromkeys(post, 1.0))
                    hits = _Hits(merged, hits.same | frozenset(post), hits.fallback, hits.forced)
            prev = tok.key
        else:
            prev = None
        groups.append((ti, hits))
    if len(q.initials) >= 2:
        post = index.postings.get(q.initials)
        if post and len(post) <= config.max_posting:
            groups.append((-1, _Hits(dict.fromkeys(post, 1.0), frozenset(post), None, ())))
    # short forms and renderings: their weight is only known on comparison; the longest
    # shared reading prefix ranks first
    cross: dict[int, int] = {}
    starts: set[int] = set()
    for key in query_cross_keys(q, index.han_refs):
        post = index.postings.get(key)
        if post and len(post) <= config.max_posting:
            prio = _CROSS_PRIORITY.get(key[:2], 0) + len(key)
            if key.startswith("S:"):
                starts.update(post)
            for ri in post:
                if cross.get(ri, 0) < prio:
                    cross[ri] = prio
    for ri in starts:
        # a Han short name's candidates share two characters with it: those it really
        # abbreviates come first (a cheap test on at most max_posting names)
        if short_form(q, index.refs[ri].analysis) is not None:
            cross[ri] += _VERIFIED
    for ti, hits in groups:
        weight = qw[ti] if ti >= 0 else 0.5 * wq
        if hits.fallback is not None and (fallback is None or len(hits.fallback) < len(fallback)):
            fallback = hits.fallback
        forced.update(hits.forced)
        hit = hits.hit
        if not hit:
            if ti >= 0 and weight > 0:
                # a word too common to generate candidates still counts for the ones found
                heavy.append((weight, q.tokens[ti].key))
            continue
        exact_get = exact.get  # local names: this loop is the matcher's hottest
        for ri in hits.same:
            exact[ri] = exact_get(ri, 0.0) + weight
        # light tokens generate candidates only when that is cheap (few reference names share
        # them): "Western Gold" is found by its two lexicon words
        if weight >= config.generate_share * wq or len(hit) <= 16:
            acc_get = acc.get
            for ri, credit in hit.items():
                acc[ri] = acc_get(ri, 0.0) + weight * credit
        else:
            later.append((weight, hit))
    if not acc and fallback is not None:
        acc = dict.fromkeys(fallback, 0.0)
    for weight, hit in later:
        for ri, credit in hit.items():
            if ri in acc:
                acc[ri] += weight * credit
    refs = index.refs
    if heavy:
        for ri in acc:
            ref_keys = refs[ri].keys
            for weight, key in heavy:
                if key in ref_keys:
                    acc[ri] += weight
    scored: list[tuple[float, int]] = []
    possible = config.possible
    # containment needs every distinctive query part (core, number, industry, region) found
    contained_q = 0.9 * sum(
        w
        for w, t in zip(qw, q.tokens, strict=True)
        if t.role in ("core", "number", "industry", "region")
    ) or float("inf")
    if q.specificity < MIN_CONTAINED_SPECIFICITY:
        contained_q = float("inf")  # too unspecific to count as contained (compare.py)
    for ri, got in acc.items():
        ref = refs[ri]
        total = wq + ref.total
        # Dice bound when every shared key matches exactly (a fuzzy part scores less)
        bound = 2.0 * got / total if total > 0 else 0.0
        if forced and ri in forced:
            # an abbreviation's weight is only known on comparison; rank it after candidates
            # whose shared words already promise a match
            bound = max(bound, possible)
        if (
            bound >= possible
            or got >= contained_q  # the query may be wholly inside the reference name
            or (  # or the reverse: the query holds the reference's core verbatim
                ri in exact
                and ref.containable
                and ref.core_total > 0
                and exact[ri] >= 0.8 * ref.core_total
            )
        ):
            scored.append((bound, ri))
    scored.sort(key=lambda s: (-s[0], s[1]))
    out = [ri for _, ri in scored[: config.max_candidates]]
    if cross:
        seen = set(out)
        ranked = sorted((ri for ri in cross if ri not in seen), key=lambda ri: (-cross[ri], ri))
        out += ranked[: config.max_cross_candidates]
    return out
