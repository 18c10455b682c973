"""Matching records against the name index: findings with explanations, and row errors.

Entry points (re-exported by the package): :func:`match_record`, :func:`match_names`,
:func:`compare_names`, :func:`clear_caches`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from laborlens.core.model import Finding, ListEntry, MatchBand, Record, RowError
from laborlens.core.names.analysis import NameAnalysis, analyse
from laborlens.core.names.blocking import candidates, token_hits
from laborlens.core.names.compare import Comparison, compare
from laborlens.core.names.config import ALGORITHM, DEFAULT_CONFIG, MatchConfig, band
from laborlens.core.names.crossscript import clear_profiles
from laborlens.core.names.index import NameIndex, RefName, normalize_registration
from laborlens.core.names.lexicon import Lexicon


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
    "romanised": "romanised (Wade-Giles / Cantonese / variant)",
    "translated": "translation (CC-CEDICT)",
    "rendered": "part translated, part romanised",
}


def explain(q: NameAnalysis, r: NameAnalysis, cmp: Comparison) -> tuple[str, list[dict[str, Any]]]:
    """A human sentence and machine-readable parts for a comparison."""
    bits: list[str] = []
    parts: list[dict[str, Any]] = []
    for p in cmp.parts:
        qt, rt = _part_text(q, p.query), _part_text(r, p.reference)
        role = q.tokens[p.query[0]].role
        part = {"query": qt, "reference": rt, "how": p.how, "role": role, "sim": round(p.sim, 3)}
        if p.note:
            part["chain"] = p.note
        parts.append(part)
        if p.how == "legal_form":
            continue
        how = _HOW_WORDS.get(p.how, p.how)
        sim = "" if p.sim >= 1.0 else f", {p.sim:.2f}"
        chain = f": {p.note}" if p.note else ""
        bits.append(f"'{qt}'→'{rt}' ({role}: {how}{sim}{chain})")
    text = "; ".join(bits) if bits else "no distinctive part matched"
    if cmp.short_form:
        text += "; " + cmp.short_form.replace("_", " ")
    if cmp.penalties:
        text += "; lowered for " + ", ".join(x.replace("_", " ") for x in cmp.penalties)
    return text, parts


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
        details=tuple(details),
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
    skip_assets = (q.looks_like_org or "han" in q.scripts) and not config.assets_vs_orgs
    out: list[tuple[int, Comparison]] = []
    for ri in candidates(index, q, qw, config):
        ref = index.refs[ri]
        schema = index.entries[ref.entry].schema
        if (skip_persons and schema == "Person") or (skip_assets and schema in ASSET_SCHEMAS):
            continue
        out.append((ri, compare(q, qw, ref.analysis, list(ref.weights))))
    return q, tuple(out)


#: Entry schemas of things, not parties: a vessel or aircraft named VICTORY or NOAH is not the
#: company "Victory Co., Ltd." (compared only with names that do not look like organisations).
ASSET_SCHEMAS = frozenset({"Vessel", "Aircraft"})


def clear_caches() -> None:
    """Forget cached analyses and scores of query names (benchmarks; a changed index)."""
    _analyse_cached.cache_clear()
    clear_profiles()
    _scored.cache_clear()
    token_hits.cache_clear()


_DISTINCT_ROLES = frozenset({"core", "number", "industry", "region"})


def _is_person_entry(entry: ListEntry) -> bool:
    return entry.schema == "Person"


def _registration_findings(
    index: NameIndex, record: Record, as_of: date, best: dict[int, tuple[float, Finding]]
) -> None:
    if not record.registration_id:
        return
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


def _name_errors(
    record: Record, column: str, text: str, q: NameAnalysis | None, cfg: MatchConfig
) -> list[RowError]:
    errors: list[RowError] = []
    if q is None and len(text) > cfg.max_name_chars:
        errors.append(
            RowError(
                f"{column} is {len(text)} characters long; only the first "
                f"{cfg.max_name_chars} were screened",
                column,
                record.row,
                record.source,
            )
        )
    if q is not None and not q.distinctive:
        errors.append(
            RowError(
                f"{column} '{text[:60]}' has no distinctive part (only punctuation, legal "
                "forms or generic words); it was not matched against the lists",
                column,
                record.row,
                record.source,
            )
        )
    return errors


def _listed_finding(
    index: NameIndex,
    ref: RefName,
    q: NameAnalysis,
    cmp: Comparison,
    *,
    column: str,
    text: str,
    level: MatchBand,
) -> Finding:
    entry = index.entries[ref.entry]
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
    return _finding(
        "listed_entity", index, entry, ref.name, ref.field, cmp.score, level, why, details
    )


def _related_score(index: NameIndex, ref: RefName, cmp: Comparison, cfg: MatchConfig) -> float:
    """Score of a related-party finding (0 for none): the record carries the whole distinctive
    core of an entry listed "and subsidiaries", or the whole name of a listed (parent) entry
    plus distinctive words of its own."""
    entry = index.entries[ref.entry]
    if _is_person_entry(entry) or ref.core_total <= 0:
        return 0.0
    if cmp.ref_core_coverage < cfg.related or cmp.query_extra_core <= 0:
        return 0.0
    # a listed parent must be named by two or more distinctive words: a one-word name
    # (CAMEL, TIMBER CORPORATION) inside a longer name says nothing about ownership
    whole = cmp.ref_coverage >= 0.95 and (
        sum(1 for t in ref.analysis.tokens if t.role in _DISTINCT_ROLES) >= 2
    )
    if not (entry.subsidiaries or whole):
        return 0.0
    return round(0.5 + 0.3 * cmp.ref_coverage, 4)


def _related_finding(  # noqa: PLR0917 - an internal constructor
    index: NameIndex,
    ref: RefName,
    q: NameAnalysis,
    cmp: Comparison,
    column: str,
    text: str,
    score: float,
) -> Finding:
    entry = index.entries[ref.entry]
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
    details: tuple[tuple[str, Any], ...] = (
        ("query", text),
        ("query_field", column),
        ("parts", tuple(parts)),
        ("ref_core_coverage", round(cmp.ref_core_coverage, 3)),
        ("basis", "subsidiaries" if entry.subsidiaries else "parent_name"),
    )
    return _finding("related_party", index, entry, ref.name, ref.field, score, None, why, details)


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
    _registration_findings(index, record, as_of, best)
    queries: list[tuple[str, str]] = []
    if record.name:
        queries.append(("name", record.name))
    queries.extend(("aliases", a) for a in record.aliases if a)
    for column, text in queries:
        errors += _name_errors(record, column, text, None, cfg)
        q, scored = _scored(index, text, cfg)
        if not q.distinctive:
            errors += _name_errors(record, column, text, q, cfg)
            continue
        for ri, cmp in scored:
            ref: RefName = index.refs[ri]
            if not index.entries[ref.entry].in_force(as_of):
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
                if prev is None or prev[0] < cmp.score:
                    best[ref.entry] = (
                        cmp.score,
                        _listed_finding(index, ref, q, cmp, column=column, text=text, level=level),
                    )
                continue
            score = _related_score(index, ref, cmp, cfg)
            prev_rel = related.get(ref.entry)
            if score > 0 and (prev_rel is None or prev_rel[0] < score):
                related[ref.entry] = (
                    score,
                    _related_finding(index, ref, q, cmp, column, text, score),
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
