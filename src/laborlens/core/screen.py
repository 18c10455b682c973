"""Screening: a pure function over a batch of records and a compiled, immutable index.

``ScreeningIndex.build`` compiles the reference lists, gazetteer, product tables and regimes
once; ``screen_batch`` maps records to results with no I/O, so the local engine can run it on
every core and a Spark engine over partitions, with identical results.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from laborlens.core import geo, names, products, rules
from laborlens.core import kb as kbase
from laborlens.core.lists import ListSet
from laborlens.core.model import (
    RISK_ORDER,
    SCREENABLE_FIELDS,
    Finding,
    Record,
    RowError,
    ScreenResult,
)

_KIND_ORDER = {"listed_entity": 0, "related_party": 1, "region": 2, "sector": 3, "goods_list": 4}


@dataclass(frozen=True, slots=True)
class ScreeningIndex:
    """Everything screening needs, compiled once and never mutated (safe to pickle to workers)."""

    lists: ListSet
    names: names.NameIndex
    gazetteer: geo.Gazetteer
    products: products.ProductIndex
    regimes: rules.RegimeSet
    kb: kbase.KBIndex

    @classmethod
    def build(cls, lists: ListSet, knowledge: kbase.KnowledgeBase | None = None) -> ScreeningIndex:
        """Compile ``lists`` (with the bundled knowledge base, or ``knowledge``)."""
        # the build makes a few million long-lived objects and no reference cycles: the cyclic
        # collector, run again and again while they are made, would cost a third of the time
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._build(lists, knowledge)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _build(cls, lists: ListSet, knowledge: kbase.KnowledgeBase | None) -> ScreeningIndex:
        infos = {rl.info.list_id: rl.info for rl in lists.lists}
        kb_index = kbase.build_index(knowledge if knowledge is not None else kbase.load_kb(), lists)
        regimes = rules.load_regimes()
        return cls(
            lists=lists,
            # the KB adds known names to the listed entries and indexes parents/subsidiaries
            names=names.build_name_index(kb_index.entries, infos),
            gazetteer=geo.build_gazetteer(),
            products=products.build_product_index(lists, regimes.designations()),
            regimes=regimes,
            kb=kb_index,
        )

    def algorithms(self) -> tuple[str, ...]:
        return (
            names.ALGORITHM,
            kbase.ALGORITHM,
            geo.ALGORITHM,
            products.ALGORITHM,
            rules.ALGORITHM,
        )


def _sort_key(f: Finding) -> tuple[int, float]:
    return (_KIND_ORDER.get(f.kind, 9), -f.score)


def screen_record(record: Record, index: ScreeningIndex, as_of: date) -> ScreenResult:
    """Screen one record: find, locate, classify, then decide per regime."""
    errors: list[RowError] = list(record.errors)
    if not record.is_screenable():
        errors.append(
            RowError(
                f"row has none of {', '.join(SCREENABLE_FIELDS)}; nothing to screen",
                None,
                record.row,
                record.source,
            )
        )
        outcomes = rules.evaluate(index.regimes, (), country=None, as_of=as_of)
        return ScreenResult(
            row=record.row,
            id=record.id,
            risk="none",
            regimes=outcomes,
            errors=tuple(errors),
            extra=record.extra,
            as_of=as_of,
            source=record.source,
        )
    named = names.match_record(index.names, record, as_of)
    findings: list[Finding] = kbase.annotate(index.kb, record, named.findings, as_of)
    errors.extend(named.errors)
    place = geo.locate(index.gazetteer, record)
    findings.extend(place.findings)
    errors.extend(place.errors)
    prod = products.classify(index.products, record, place.country, as_of)
    findings.extend(prod.findings)
    errors.extend(prod.errors)
    findings.sort(key=_sort_key)
    outcomes = rules.evaluate(index.regimes, findings, country=place.country, as_of=as_of)
    return ScreenResult(
        row=record.row,
        id=record.id,
        risk=rules.risk_of(outcomes, findings),
        findings=tuple(findings),
        regimes=outcomes,
        errors=tuple(_with_source(e, record) for e in errors),
        extra=record.extra,
        country=place.country,
        country_inferred=place.country_inferred,
        as_of=as_of,
        algorithms=index.algorithms(),
        source=record.source,
    )


def _with_source(error: RowError, record: Record) -> RowError:
    if error.row and error.source:
        return error
    return RowError(
        error.message, error.column, error.row or record.row, error.source or record.source
    )


def screen_batch(
    records: Iterable[Record], index: ScreeningIndex, as_of: date
) -> list[ScreenResult]:
    """Screen a batch of records; one result per record, in order. Pure."""
    return [screen_record(r, index, as_of) for r in records]


def worst_first(results: Sequence[ScreenResult]) -> list[ScreenResult]:
    """Results ordered by risk (worst first), then input order."""
    return sorted(results, key=lambda r: (-RISK_ORDER[r.risk], r.row))
