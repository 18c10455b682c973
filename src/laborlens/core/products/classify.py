"""Classify one record's product: its HS codes and text -> sectors designated as of a date and
goods-list entries for its country (memoised per cell, with results equal to the unmemoised
computation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from laborlens.core.model import Finding, ListEntry, Record, RowError, in_force
from laborlens.core.products.hs import HsCode, parse_hs
from laborlens.core.products.index import (
    ALGORITHM,
    CONFIDENCE_SCORE,
    DOL_LIST,
    WRO_LIST,
    Classification,
    GoodHit,
    HsMapping,
    ProductIndex,
    ProductResult,
    SectorHit,
)
from laborlens.core.products.lexicon import TermMatch

_TEXT_SCORE = {True: 0.85, False: 0.5}


def _text_of(record: Record) -> str | None:
    return record.product


@dataclass(frozen=True, slots=True)
class _HsPart:
    """What a ``hs_code`` cell says, independent of the product text (memoised per cell)."""

    codes: tuple[HsCode, ...]
    problems: tuple[str, ...]
    # (sector, ((digits, mapping), ...), score, strong), in first-seen order
    sectors: tuple[tuple[str, tuple[tuple[str, HsMapping], ...], float, bool], ...]
    # (good, strong, via, code digits), in order
    goods: tuple[tuple[str, bool, str, str | None], ...]


@dataclass(frozen=True, slots=True)
class _TextPart:
    """The lexicon matches of a ``product`` cell (memoised per text)."""

    matches: tuple[TermMatch, ...]
    #: (concept, term, strong) of every match, in order: all that findings depend on
    signature: tuple[tuple[str, str, bool], ...] = ()


_NO_HS = _HsPart((), (), (), ())
_NO_TEXT = _TextPart(())


def _hs_part(index: ProductIndex, value: str | None) -> _HsPart:
    if value is None:
        return _NO_HS
    key = ("hs", value)
    hit: _HsPart | None = index.memo.data.get(key)
    if hit is not None:
        return hit
    codes, problems = parse_hs(value)
    by_sector: dict[str, tuple[list[tuple[str, HsMapping]], list[Any]]] = {}
    goods: list[tuple[str, bool, str, str | None]] = []
    for code in codes:
        if code.national:
            continue
        best: dict[str, HsMapping] = {}
        for prefix in code.prefixes():
            for m in index.hs_map.get(prefix, ()):
                best[m.sector] = m  # longer prefixes come later and win
            for good in index.goods_hs.get(prefix, ()):
                goods.append((good, True, f"hs {code.dotted()} in heading {prefix}", code.digits))
        for sector, m in best.items():
            hs, agg = by_sector.setdefault(sector, ([], [0.0, False]))
            hs.append((code.digits, m))
            agg[0] = max(agg[0], CONFIDENCE_SCORE[m.confidence])
            agg[1] = agg[1] or m.confidence != "low"
    part = _HsPart(
        codes,
        problems,
        tuple((sec, tuple(hs), agg[0], agg[1]) for sec, (hs, agg) in by_sector.items()),
        tuple(goods),
    )
    index.memo.put(key, part)
    return part


def _text_part(index: ProductIndex, text: str | None) -> _TextPart:
    if not text:
        return _NO_TEXT
    key = ("text", text)
    hit: _TextPart | None = index.memo.data.get(key)
    if hit is not None:
        return hit
    matches = index.lexicon.match(text)
    part = (
        _TextPart(tuple(matches), tuple((m.concept, m.term, m.strong) for m in matches))
        if matches
        else _NO_TEXT
    )
    index.memo.put(key, part)
    return part


def _text_agg(
    index: ProductIndex, matches: Sequence[TermMatch]
) -> tuple[list[tuple[str, tuple[TermMatch, ...], float, bool]], list[tuple[str, bool, str]]]:
    """Per sector (terms, score, strong) and the goods the text names, in match order."""
    by_sector: dict[str, tuple[list[TermMatch], list[Any]]] = {}
    goods: list[tuple[str, bool, str]] = []
    for tm in matches:
        concept = index.lexicon.concepts[tm.concept]
        for sector in concept.sectors:
            terms, agg = by_sector.setdefault(sector, ([], [0.0, False]))
            terms.append(tm)
            agg[0] = max(agg[0], _TEXT_SCORE[tm.strong])
            agg[1] = agg[1] or tm.strong
        for good in concept.goods:
            goods.append((good, tm.strong, f"product term '{tm.term}'"))
    return (
        [(sec, tuple(t), agg[0], agg[1]) for sec, (t, agg) in by_sector.items()],
        goods,
    )


def sectors_of(index: ProductIndex, record: Record) -> Classification:
    """Classify a record's ``hs_code`` and ``product`` (no dates, no country)."""
    return _combine(index, _hs_part(index, record.hs_code), _text_part(index, _text_of(record)))


def _combine(index: ProductIndex, hp: _HsPart, tp: _TextPart) -> Classification:
    t_sectors, t_goods = _text_agg(index, tp.matches) if tp.matches else ([], [])
    if not hp.sectors and not hp.goods and not t_sectors and not t_goods:
        return Classification(codes=hp.codes, concepts=tp.matches, problems=hp.problems)
    # sector -> [hs mappings, terms, score, strong]
    by_sector: dict[str, list[Any]] = {}
    for sector, hs, score, strong in hp.sectors:
        by_sector[sector] = [hs, (), score, strong]
    for sector, terms, score, strong in t_sectors:
        s = by_sector.get(sector)
        if s is None:
            by_sector[sector] = [(), terms, score, strong]
        else:
            s[1] = terms
            s[2] = max(s[2], score)
            s[3] = s[3] or strong
    goods: dict[str, list[Any]] = {}  # good -> [strong, via, code]

    def add_good(good: str, strong: bool, via: str, code: str | None) -> None:
        g = goods.get(good)
        if g is None:
            goods[good] = [strong, [via], code]
            return
        g[0] = g[0] or strong
        if via not in g[1]:
            g[1].append(via)
        g[2] = g[2] or code

    for good, strong, via, code in hp.goods:
        add_good(good, strong, via, code)
    for good, strong, via in t_goods:
        add_good(good, strong, via, None)
    hits = []
    for sector in index.designations:
        s = by_sector.get(sector)
        if s is None:
            continue
        hs, terms, score, strong = s
        if hs and terms:
            score = min(1.0, score + 0.05)  # code and text agree
        hits.append(SectorHit(sector, score, strong, hs, terms))
        for good in index.goods_sectors.get(sector, ()):
            add_good(good, strong, f"sector {sector}", hs[0][0] if hs else None)
    return Classification(
        codes=hp.codes,
        sectors=tuple(hits),
        goods=tuple(GoodHit(g, v[0], tuple(v[1]), v[2]) for g, v in goods.items()),
        concepts=tp.matches,
        problems=hp.problems,
    )


def _dotted(digits: str) -> str:
    return ".".join(p for p in (digits[:4], digits[4:6], digits[6:8], digits[8:10]) if p)


def _sector_why(hit: SectorHit) -> tuple[str, str]:
    parts = []
    fields = []
    if hit.hs:
        fields.append("hs_code")
        for digits, m in hit.hs:
            parts.append(
                f"HS {_dotted(digits)} falls under {_dotted(m.prefix)} ({m.basis}; "
                f"{m.confidence} confidence, "
                f"{m.status} mapping)"
            )
    if hit.terms:
        fields.append("product")
        terms = sorted({f"'{t.term}'" + ("" if t.strong else " (weak)") for t in hit.terms})
        parts.append(f"product text matched lexicon term {', '.join(terms)}")
    return "; ".join(parts), ",".join(fields)


def _flag(entry: ListEntry, key: str) -> bool:
    return (entry.prop(key) or "").strip().lower() == "yes"


def classify(
    index: ProductIndex, record: Record, country: str | None, as_of: date
) -> ProductResult:
    """Sector and goods-list findings for one record, as of a date.

    Sector findings are emitted for sectors a regime has designated on or before ``as_of``
    (``regime`` names it). Goods-list findings need the record's country: a DOL good listed for
    that country (forced and/or child labour, or derived inputs), or a CBP WRO covering that
    good from that whole country.
    """
    cc = (country or "").upper()
    hp = _hs_part(index, record.hs_code)
    tp = _text_part(index, _text_of(record))
    # findings depend on the text only through the matched (concept, term, strength) sequence
    key = ("classify", record.hs_code, tp.signature, cc, as_of)
    findings: tuple[Finding, ...] | None = index.memo.data.get(key)
    if findings is None:
        findings = _findings(index, _combine(index, hp, tp), cc, as_of)
        index.memo.put(key, findings)
    problems = hp.problems
    if not problems:
        return ProductResult(findings) if findings else _EMPTY
    errors = tuple(RowError(f"hs_code {p}", "hs_code", record.row, record.source) for p in problems)
    return ProductResult(findings, errors)


_EMPTY = ProductResult()


def _findings(
    index: ProductIndex, cls: Classification, cc: str, as_of: date
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for hit in cls.sectors:
        designated = [
            (r, on) for r, on in index.designations.get(hit.sector, ()) if in_force(as_of, on)
        ]
        if not designated:
            continue
        regime, on = designated[0]
        why, fields = _sector_why(hit)
        details: list[tuple[str, Any]] = [
            ("designated_on", on),
            ("regime_rule", "high_priority_sector"),
        ]
        if hit.hs:
            details.append(
                (
                    "hs_mappings",
                    tuple(f"{d}->{m.prefix}:{m.confidence}:{m.status}" for d, m in hit.hs),
                )
            )
        if hit.terms:
            details.append(("terms", tuple(sorted({t.term for t in hit.terms}))))
        findings.append(
            Finding(
                kind="sector",
                sector=hit.sector,
                hs_code=hit.hs[0][0] if hit.hs else None,
                regime=regime,
                score=round(hit.score, 4),
                match="strong" if hit.strong else "possible",
                field=fields,
                algorithm=ALGORITHM,
                why=f"{hit.sector} (UFLPA high-priority sector since {on.isoformat()}): {why}",
                details=tuple(details),
            )
        )
    if cc and cls.goods:
        findings.extend(_goods_findings(index, cls, cc, as_of))
    return tuple(findings)


def _goods_findings(
    index: ProductIndex, cls: Classification, country: str, as_of: date
) -> list[Finding]:
    out: list[Finding] = []
    for g in cls.goods:
        via = "; ".join(g.via)
        for entry in index.dol.get((g.good, country), ()):
            if not entry.in_force(as_of):
                continue
            fl, cl, fcl = (
                _flag(entry, k) for k in ("forced_labor", "child_labor", "forced_child_labor")
            )
            derived = _flag(entry, "derived_labor_exploitation")
            kinds = [
                k
                for k, on in (
                    ("forced labour", fl),
                    ("forced child labour", fcl),
                    ("child labour", cl),
                    ("forced-labour inputs", derived),
                )
                if on
            ]
            details: tuple[tuple[str, Any], ...] = (
                ("forced_labor", fl),
                ("child_labor", cl),
                ("forced_child_labor", fcl),
                ("derived", derived),
                ("derived_input_country", entry.prop("derived_input_country") or "No"),
                ("list_edition", entry.prop("list_edition") or ""),
                ("via", g.via),
            )
            out.append(
                Finding(
                    kind="goods_list",
                    list=DOL_LIST,
                    list_version=index.versions.get(DOL_LIST),
                    entry_id=entry.entry_id,
                    entry_name=entry.name,
                    good=g.good,
                    country=country,
                    hs_code=g.hs_code,
                    score=0.9 if g.strong else 0.5,
                    match="strong" if g.strong else "possible",
                    field="hs_code,product",
                    algorithm=ALGORITHM,
                    details=details,
                    why=f"DOL List of Goods: {g.good} from {country} "
                    f"({', '.join(kinds) or 'listed'}); product matched by {via}",
                )
            )
        for entry, band in index.wro_orders.get((g.good, country), ()):
            if not entry.in_force(as_of):
                continue
            out.append(
                Finding(
                    kind="goods_list",
                    list=WRO_LIST,
                    list_version=index.versions.get(WRO_LIST),
                    entry_id=entry.entry_id,
                    entry_name=entry.name,
                    good=g.good,
                    country=country,
                    hs_code=g.hs_code,
                    score=0.9 if g.strong and band == "strong" else 0.5,
                    match="strong" if g.strong and band == "strong" else "possible",
                    effective_date=entry.effective_date,
                    field="hs_code,product",
                    algorithm=ALGORITHM,
                    details=(("program", "/".join(entry.programs) or "WRO"), ("via", g.via)),
                    why=f"CBP {'/'.join(entry.programs) or 'WRO'} '{entry.name}' covers {g.good} "
                    f"from {country}; product matched by {via}",
                )
            )
    return out
