"""Screening: a pure function over a batch of records and a compiled, immutable index.

``ScreeningIndex.build`` compiles the reference lists, gazetteer, product tables and regimes
once; ``screen_batch`` maps records to results with no I/O, so the local engine can run it on
every core and a Spark engine over partitions, with identical results.

Supplier masters and customs entries repeat values: the same names, addresses, (HS code,
product, country) triples and, above all, the same few combinations of findings. ``screen_batch``
therefore screens each distinct value once and joins the result back to every record that
carries it: names by (name, aliases, registration id), places by the fields place detection
reads, products by (HS code, product, country), and regime outcomes by the signature of the
findings (:func:`laborlens.core.rules.finding_signature`) and the country. A :class:`Distinct`
memo carries these across the batches of one process; it only ever holds pure functions of its
keys, so results are identical with or without it (tested).
"""

from __future__ import annotations

import gc
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from laborlens.core import geo, names, products, rules
from laborlens.core import kb as kbase
from laborlens.core.lists import ListSet
from laborlens.core.model import (
    RISK_ORDER,
    SCREENABLE_FIELDS,
    Finding,
    Record,
    RegimeOutcome,
    Risk,
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


#: Distinct values kept per kind before a memo starts afresh (bounds a worker's memory).
MEMO_LIMIT = 50_000


@dataclass(slots=True)
class Distinct:
    """What one process has screened already: distinct value -> its part of a result.

    Valid for one index and one date only (:meth:`for_run` starts afresh otherwise). Each table
    is emptied when it reaches :data:`MEMO_LIMIT` entries: a supplier master's repeats are near
    each other or everywhere, and clearing costs nothing per row.
    """

    index: ScreeningIndex | None = None
    as_of: date | None = None
    names: dict[Hashable, names.NameResult] = field(default_factory=dict)
    places: dict[Hashable, geo.GeoResult] = field(default_factory=dict)
    products: dict[Hashable, products.ProductResult] = field(default_factory=dict)
    outcomes: dict[Hashable, tuple[tuple[RegimeOutcome, ...], Risk]] = field(default_factory=dict)
    algorithms: tuple[str, ...] = ()
    #: how many look-ups found a value already screened (names, places, products, outcomes)
    hits: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def for_run(self, index: ScreeningIndex, as_of: date) -> Distinct:
        """This memo, emptied first unless it was filled for ``index`` and ``as_of``."""
        if self.index is not index or self.as_of != as_of:
            self.index, self.as_of = index, as_of
            self.algorithms = index.algorithms()
            for table in (self.names, self.places, self.products, self.outcomes):
                table.clear()
        return self


def _remember(table: dict[Hashable, Any], key: Hashable, value: Any) -> None:
    if len(table) >= MEMO_LIMIT:
        table.clear()
    table[key] = value


def _named(index: ScreeningIndex, record: Record, as_of: date, memo: Distinct) -> names.NameResult:
    # name matching reads the name, the aliases and the registration id (row and source only
    # label errors, which _with_source fills in per record)
    key = (record.name, record.aliases, record.registration_id)
    hit = memo.names.get(key)
    if hit is not None:
        memo.hits[0] += 1
        return hit
    probe = Record(0, "", name=record.name, aliases=record.aliases,
                   registration_id=record.registration_id)  # fmt: skip
    result = names.match_record(index.names, probe, as_of)
    _remember(memo.names, key, result)
    return result


def _placed(index: ScreeningIndex, record: Record, memo: Distinct) -> geo.GeoResult:
    key = (
        record.address,
        record.name,
        record.aliases,
        record.country,
        record.phone,
        record.registration_id,
        record.lat,
        record.lon,
    )
    hit = memo.places.get(key)
    if hit is not None:
        memo.hits[1] += 1
        return hit
    probe = Record(
        0,
        "",
        name=record.name,
        aliases=record.aliases,
        address=record.address,
        country=record.country,
        registration_id=record.registration_id,
        phone=record.phone,
        lat=record.lat,
        lon=record.lon,
    )
    result = geo.locate(index.gazetteer, probe)
    _remember(memo.places, key, result)
    return result


def _classified(
    index: ScreeningIndex, record: Record, country: str | None, as_of: date, memo: Distinct
) -> products.ProductResult:
    key = (record.hs_code, record.product, country)
    hit = memo.products.get(key)
    if hit is not None:
        memo.hits[2] += 1
        return hit
    probe = Record(0, "", hs_code=record.hs_code, product=record.product)
    result = products.classify(index.products, probe, country, as_of)
    _remember(memo.products, key, result)
    return result


def _decided(
    index: ScreeningIndex,
    findings: Sequence[Finding],
    country: str | None,
    as_of: date,
    memo: Distinct,
) -> tuple[tuple[RegimeOutcome, ...], Risk]:
    regimes = index.regimes
    try:
        key = (country, tuple([rules.finding_signature(regimes, f) for f in findings]))
        hit = memo.outcomes.get(key)
    except TypeError:  # a details value that cannot be hashed: decide without the memo
        key, hit = None, None
    if hit is not None:
        memo.hits[3] += 1
        return hit
    outcomes = rules.evaluate(regimes, findings, country=country, as_of=as_of)
    decided = (outcomes, rules.risk_of(outcomes, findings, regimes))
    if key is not None:
        _remember(memo.outcomes, key, decided)
    return decided


def _unscreenable(record: Record, index: ScreeningIndex, as_of: date) -> ScreenResult:
    errors = [
        *record.errors,
        RowError(
            f"row has none of {', '.join(SCREENABLE_FIELDS)}; nothing to screen",
            None,
            record.row,
            record.source,
        ),
    ]
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


def _screen(record: Record, index: ScreeningIndex, as_of: date, memo: Distinct) -> ScreenResult:
    """Screen one record: find, locate, classify, then decide per regime."""
    if not record.is_screenable():
        return _unscreenable(record, index, as_of)
    named = _named(index, record, as_of, memo)
    # the knowledge base reads the whole record (ticker columns among the extras), so its
    # explanations are added per record, after the memoised name matching
    known = kbase.annotate(index.kb, record, named.findings, as_of)
    place = _placed(index, record, memo)
    prod = _classified(index, record, place.country, as_of, memo)
    findings = [*known, *place.findings, *prod.findings]
    if len(findings) > 1:
        findings.sort(key=_sort_key)
    outcomes, risk = _decided(index, findings, place.country, as_of, memo)
    errors = (*record.errors, *named.errors, *place.errors, *prod.errors)
    return ScreenResult(
        row=record.row,
        id=record.id,
        risk=risk,
        findings=tuple(findings),
        regimes=outcomes,
        errors=tuple(_with_source(e, record) for e in errors) if errors else (),
        extra=record.extra,
        country=place.country,
        country_inferred=place.country_inferred,
        as_of=as_of,
        algorithms=memo.algorithms,
        source=record.source,
    )


def screen_record(record: Record, index: ScreeningIndex, as_of: date) -> ScreenResult:
    """Screen one record (without a memo; :func:`screen_batch` for many)."""
    return _screen(record, index, as_of, Distinct().for_run(index, as_of))


def _with_source(error: RowError, record: Record) -> RowError:
    if error.row and error.source:
        return error
    return RowError(
        error.message, error.column, error.row or record.row, error.source or record.source
    )


def screen_batch(
    records: Iterable[Record],
    index: ScreeningIndex,
    as_of: date,
    memo: Distinct | None = None,
) -> list[ScreenResult]:
    """Screen a batch of records; one result per record, in order. Pure.

    Each distinct name, place, product and combination of findings is screened once (see the
    module docstring). Pass the same ``memo`` to successive calls to carry the distinct values
    across batches; results do not depend on it.
    """
    run = (memo or Distinct()).for_run(index, as_of)
    return [_screen(r, index, as_of, run) for r in records]


def worst_first(results: Sequence[ScreenResult]) -> list[ScreenResult]:
    """Results ordered by risk (worst first), then input order."""
    return sorted(results, key=lambda r: (-RISK_ORDER[r.risk], r.row))
