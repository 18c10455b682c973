"""Cross-script name matching of records against list entries (``names-v1``; issue 3).

Public entry points (stable; the screening pipeline calls these):
    build_name_index(entries, infos) -> NameIndex
    match_names(index, record, as_of, config=None) -> list[Finding]
    match_record(index, record, as_of, config=None) -> NameResult (findings and row errors)
    compare_names(index, a, b) -> Comparison (two free-text names, for tests and ``trace``)

See docs/names.md for the algorithm, the bands and the thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from laborlens.core.model import Finding, ListEntry, MatchBand, Record, RowError
from laborlens.core.names.analysis import (
    Lexicon,
    NameAnalysis,
    Token,
    analyse,
    load_lexicon,
)
from laborlens.core.names.compare import MIN_CONTAINED_SPECIFICITY, Comparison, Part, compare
from laborlens.core.names.index import (
    NameIndex,
    RefName,
    build_name_index,
    normalize_registration,
    token_keys,
)

ALGORITHM = "names-v1"

__all__ = [
    "ALGORITHM",
    "Comparison",
    "Lexicon",
    "MatchConfig",
    "NameAnalysis",
    "NameIndex",
    "NameResult",
    "Token",
    "analyse",
    "build_name_index",
    "clear_caches",
    "compare_names",
    "load_lexicon",
    "match_names",
    "match_record",
]


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Thresholds and limits of ``names-v1`` (documented in docs/names.md).

    Attributes:
        strong: score from which a match is ``strong``.
        possible: score from which a match is ``possible`` (below: no finding).
        related: minimum share of a listed entry's distinctive core the record must carry for a
            ``related_party`` finding.
        max_candidates: reference names fully compared per query name (after blocking).
        max_posting: blocking keys shared by more reference names than this are not used to
            generate candidates (they still count in the score), unless no other key exists.
        generate_share: only tokens carrying at least this share of the query's weight
            generate candidates (and any token shared by at most 16 reference names; the
            query's most distinctive word up to 5 × ``max_posting``).
        max_name_chars: longer names are cut (with a row error) before analysis.
        persons_vs_orgs: also compare names that look like organisations with person entries.
    """

    strong: float = 0.86
    possible: float = 0.70
    related: float = 0.99
    max_candidates: int = 10
    max_posting: int = 60
    generate_share: float = 0.15
    max_name_chars: int = 512
    persons_vs_orgs: bool = False


DEFAULT_CONFIG = MatchConfig()


@dataclass(frozen=True, slots=True)
class NameResult:
    """Findings and per-row errors of name matching for one record."""

    findings: tuple[Finding, ...]
    errors: tuple[RowError, ...]


def compare_names(index: NameIndex, a: str, b: str) -> Comparison:
    """Compare two free-text names with the index's token statistics."""
    qa = analyse(a, index.lexicon)
    qb = analyse(b, index.lexicon)
    return compare(qa, index.query_weights(qa), qb, index.query_weights(qb))


def band(score: float, config: MatchConfig = DEFAULT_CONFIG) -> MatchBand | None:
    """``strong``, ``possible`` or ``None`` for a score."""
    if score >= config.strong:
        return "strong"
    if score >= config.possible:
        return "possible"
    return None


#: Best similarity a blocking key hit can stand for (see :func:`candidates`).
_KEY_CREDIT = {"D:": 0.88, "O:": 0.88, "P:": 0.8, "I:": 1.0}


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
def _token_hits(index: NameIndex, tok: Token, limit: int, base: int) -> _Hits:
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
        hits = _token_hits(index, tok, limit, config.max_posting)
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
    return [ri for _, ri in scored[: config.max_candidates]]


def _part_text(a: NameAnalysis, idx: tuple[int, ...]) -> str:
    return " ".join(a.tokens[i].text for i in idx)


_HOW_WORDS = {
    "literal": "same word",
    "translation": "lexicon translation",
    "pinyin": "pinyin of the Han",
    "pinyin_fuzzy": "pinyin syllables with brand spelling",
    "joined": "same letters written together/apart",
    "initialism": "abbreviation of",
    "fuzzy": "typo-tolerant match",
    "legal_form": "legal form",
}


def explain(q: NameAnalysis, r: NameAnalysis, cmp: Comparison) -> tuple[str, list[dict[str, Any]]]:
    """A human sentence and machine-readable parts for a comparison."""
    bits: list[str] = []
    parts: list[dict[str, Any]] = []
    for p in cmp.parts:
        qt, rt = _part_text(q, p.query), _part_text(r, p.reference)
        role = q.tokens[p.query[0]].role
        parts.append(
            {"query": qt, "reference": rt, "how": p.how, "role": role, "sim": round(p.sim, 3)}
        )
        if p.how == "legal_form":
            continue
        how = _HOW_WORDS.get(p.how, p.how)
        sim = "" if p.sim >= 1.0 else f", {p.sim:.2f}"
        bits.append(f"'{qt}'→'{rt}' ({role}: {how}{sim})")
    text = "; ".join(bits) if bits else "no distinctive part matched"
    if cmp.penalties:
        text += "; lowered for " + ", ".join(x.replace("_", " ") for x in cmp.penalties)
    return text, parts


#: Entry facts copied into a finding's details, so that regime rules can test them (a CBP
#: order's status, the reason an entry was listed).
ENTRY_FACTS = ("status", "listing_reason")


def _finding(  # noqa: PLR0917 - an internal constructor, called in three places
    kind: str,
    index: NameIndex,
    entry: ListEntry,
    matched: str,
    field: str,
    score: float,
    match: MatchBand | None,
    why: str,
    details: Sequence[tuple[str, Any]],
) -> Finding:
    return Finding(
        kind=kind,
        why=why,
        score=round(score, 4),
        list=entry.list_id,
        list_version=index.versions.get(entry.list_id),
        entry_id=entry.entry_id,
        entry_name=entry.name,
        match=match,
        matched_name=matched,
        effective_date=entry.effective_date,
        field=field,
        algorithm=ALGORITHM,
        details=(
            *details,
            *((("program", "/".join(entry.programs)),) if entry.programs else ()),
            *((k, v) for k in ENTRY_FACTS if (v := entry.prop(k))),
        ),
    )


@lru_cache(maxsize=32768)
def _analyse_cached(text: str, lexicon: Lexicon, max_chars: int) -> NameAnalysis:
    # supplier masters and bills of lading repeat the same names many times
    return analyse(text, lexicon, max_chars)


@lru_cache(maxsize=16384)
def _scored(
    index: NameIndex, text: str, config: MatchConfig
) -> tuple[NameAnalysis, tuple[tuple[int, Comparison], ...]]:
    """The analysis of a query name and its comparison with every candidate that may match.

    Depends on the name, the index and the configuration only (not on the record or the
    date), so a name repeated in a supplier master is analysed and scored once.
    """
    q = _analyse_cached(text, index.lexicon, config.max_name_chars)
    if not q.distinctive:
        return q, ()
    qw = index.query_weights(q)
    skip_persons = q.looks_like_org and not config.persons_vs_orgs
    out: list[tuple[int, Comparison]] = []
    for ri in candidates(index, q, qw, config):
        ref = index.refs[ri]
        if skip_persons and _is_person_entry(index.entries[ref.entry]):
            continue
        out.append((ri, compare(q, qw, ref.analysis, list(ref.weights))))
    return q, tuple(out)


def clear_caches() -> None:
    """Forget cached analyses and scores of query names (benchmarks; a changed index)."""
    _analyse_cached.cache_clear()
    _scored.cache_clear()
    _token_hits.cache_clear()


_DISTINCT_ROLES = frozenset({"core", "number", "industry", "region"})


def _is_person_entry(entry: ListEntry) -> bool:
    return entry.schema == "Person"


def match_record(
    index: NameIndex, record: Record, as_of: date, config: MatchConfig | None = None
) -> NameResult:
    """Match a record's name, aliases and registration id against the index.

    Returns at most one finding per list entry (its best-scoring name pair), ``listed_entity``
    findings first, and row errors for unusable names (empty after cleaning, only legal forms
    or punctuation, cut because too long).
    """
    cfg = config or DEFAULT_CONFIG
    errors: list[RowError] = []
    best: dict[int, tuple[float, Finding]] = {}
    related: dict[int, tuple[float, Finding]] = {}

    if record.registration_id:
        reg = normalize_registration(record.registration_id)
        for ei in index.registration.get(reg, ()):
            entry = index.entries[ei]
            if not entry.in_force(as_of):
                continue
            why = (
                f"registration id '{record.registration_id}' equals the listed registration id "
                f"of '{entry.name}' ({entry.list_id})"
            )
            best[ei] = (
                2.0,
                _finding(
                    "listed_entity",
                    index,
                    entry,
                    entry.prop("registration_id") or reg,
                    "registration_id",
                    1.0,
                    "strong",
                    why,
                    (("feature", "registration_id"), ("query", record.registration_id)),
                ),
            )

    queries: list[tuple[str, str]] = []
    if record.name:
        queries.append(("name", record.name))
    queries.extend(("aliases", a) for a in record.aliases if a)
    for column, text in queries:
        if len(text) > cfg.max_name_chars:
            errors.append(
                RowError(
                    f"{column} is {len(text)} characters long; only the first "
                    f"{cfg.max_name_chars} were screened",
                    column,
                    record.row,
                    record.source,
                )
            )
        q, scored = _scored(index, text, cfg)
        if not q.distinctive:
            errors.append(
                RowError(
                    f"{column} '{text[:60]}' has no distinctive part (only punctuation, legal "
                    "forms or generic words); it was not matched against the lists",
                    column,
                    record.row,
                    record.source,
                )
            )
            continue
        for ri, cmp in scored:
            ref: RefName = index.refs[ri]
            entry = index.entries[ref.entry]
            if not entry.in_force(as_of) or not entry.name_in_force(ref.name, as_of):
                continue
            level = band(cmp.score, cfg)
            # the whole listed name inside the record's name, plus distinctive words of its own:
            # a subsidiary, branch or project of the listed entity rather than the entity
            ref_inside = (
                cmp.ref_coverage >= 0.95
                and cmp.query_extra_core > 0
                and cmp.ref_core_coverage >= cfg.related
            )
            if level is not None and not (ref_inside and level != "strong"):
                prev = best.get(ref.entry)
                if prev is not None and prev[0] >= cmp.score:
                    continue
                text_why, parts = explain(q, ref.analysis, cmp)
                why = (
                    f"{column} '{text}' matches '{ref.name}' ({ref.field} of {entry.list_id} "
                    f"entry) with score {cmp.score:.2f} [{level}]: {text_why}"
                )
                details: tuple[tuple[str, Any], ...] = (
                    ("query", text),
                    ("query_field", column),
                    ("parts", tuple(parts)),
                    ("penalties", cmp.penalties),
                    ("scripts", q.scripts),
                )
                best[ref.entry] = (
                    cmp.score,
                    _finding(
                        "listed_entity",
                        index,
                        entry,
                        ref.name,
                        ref.field,
                        cmp.score,
                        level,
                        why,
                        details,
                    ),
                )
                continue
            # related party: the record carries the whole distinctive core of an entry listed
            # "and subsidiaries", or the whole name of a listed (parent) entry plus more
            if _is_person_entry(entry) or ref.core_total <= 0:
                continue
            if cmp.ref_core_coverage < cfg.related or cmp.query_extra_core <= 0:
                continue
            # a listed parent must be named by two or more distinctive words: a one-word name
            # (CAMEL, TIMBER CORPORATION) inside a longer name says nothing about ownership
            whole = cmp.ref_coverage >= 0.95 and (
                sum(1 for t in ref.analysis.tokens if t.role in _DISTINCT_ROLES) >= 2
            )
            if not (entry.subsidiaries or whole):
                continue
            score = round(0.5 + 0.3 * cmp.ref_coverage, 4)
            prev_rel = related.get(ref.entry)
            if prev_rel is not None and prev_rel[0] >= score:
                continue
            text_why, parts = explain(q, ref.analysis, cmp)
            reason = (
                "listed with its subsidiaries"
                if entry.subsidiaries
                else "the record's name contains the listed name plus more (a possible "
                "subsidiary or branch of the listed entity)"
            )
            why = (
                f"{column} '{text}' carries the distinctive core of '{ref.name}' "
                f"({entry.list_id}), {reason}: {text_why}"
            )
            rel_details: tuple[tuple[str, Any], ...] = (
                ("query", text),
                ("query_field", column),
                ("parts", tuple(parts)),
                ("ref_core_coverage", round(cmp.ref_core_coverage, 3)),
                ("basis", "subsidiaries" if entry.subsidiaries else "parent_name"),
            )
            related[ref.entry] = (
                score,
                _finding(
                    "related_party",
                    index,
                    entry,
                    ref.name,
                    ref.field,
                    score,
                    None,
                    why,
                    rel_details,
                ),
            )
    findings = [f for _, f in sorted(best.values(), key=lambda x: -x[0])]
    findings += [
        f for ei, (_, f) in sorted(related.items(), key=lambda x: -x[1][0]) if ei not in best
    ]
    return NameResult(tuple(findings), tuple(errors))


def match_names(
    index: NameIndex, record: Record, as_of: date, config: MatchConfig | None = None
) -> list[Finding]:
    """Findings (``listed_entity`` / ``related_party``) for one record; see :func:`match_record`."""
    return list(match_record(index, record, as_of, config).findings)


__all__ += ["Part", "RefName", "band", "candidates", "explain"]
