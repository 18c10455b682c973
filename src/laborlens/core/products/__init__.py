"""Products: HS codes and product text -> UFLPA sectors and DOL List of Goods entries.

Public entry points (stable):
    build_product_index(lists) -> ProductIndex
    classify(index, record, country, as_of) -> ProductResult
    sectors_of(index, record) -> Classification   # date-free classification (for explain/bench)

Resources (``resources/products/``): ``hs_sectors.yaml`` (HS prefix -> sector, each mapping
``proposed`` with its heading text), ``dol_goods.yaml`` (DOL good -> HS headings),
``wro_goods.yaml`` (country-wide CBP WROs -> good) and ``lexicon.yaml`` (EN+ZH terms ->
concepts -> sectors and goods). Sector designation dates come from the regimes
(``resources/regimes/us_uflpa.yaml``). Method and figures: docs/products.md.

Speed: the index memoises (bounded; pickles empty) each ``hs_code`` cell's parse and mappings,
each ``product`` text's lexicon matches, and the findings of each (hs_code, matched-term
signature, country, date), so recurring cells cost a dictionary lookup. Results are exactly
those of the unmemoised computation (tests/core/products/test_context.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from laborlens.core import resources, rules
from laborlens.core.lists import ListSet
from laborlens.core.model import Finding, ListEntry, Record, RowError
from laborlens.core.products.hs import HsCode, parse_hs
from laborlens.core.products.lexicon import Lexicon, TermMatch, compile_lexicon
from laborlens.core.resources import ResourceError
from laborlens.core.rules.schema import Memo

ALGORITHM = "products-v2"

#: The plain sector names of DESIGN.md §3.2.
SECTORS: tuple[str, ...] = (
    "cotton",
    "apparel",
    "polysilicon",
    "tomatoes",
    "aluminum",
    "pvc",
    "seafood",
    "steel",
    "copper",
    "lithium",
    "caustic soda",
    "red dates",
)

_SCORE = {"high": 0.95, "medium": 0.8, "low": 0.5}
_TEXT_SCORE = {True: 0.85, False: 0.5}
_DOL = "us_dol_tvpra"
_WRO = "us_cbp_wro_findings"

__all__ = [
    "ALGORITHM",
    "SECTORS",
    "Classification",
    "HsCode",
    "ProductIndex",
    "ProductResult",
    "SectorHit",
    "build_product_index",
    "classify",
    "parse_hs",
    "sectors_of",
]


@dataclass(frozen=True, slots=True)
class HsMapping:
    """One row of hs_sectors.yaml."""

    sector: str
    prefix: str
    confidence: str
    status: str
    basis: str


@dataclass(frozen=True, slots=True)
class SectorHit:
    """Why a record belongs to a sector: HS mappings and/or lexicon terms."""

    sector: str
    score: float
    strong: bool
    hs: tuple[tuple[str, HsMapping], ...] = ()  # (code digits, mapping)
    terms: tuple[TermMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class GoodHit:
    good: str
    strong: bool
    via: tuple[str, ...]
    hs_code: str | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    """Date-free classification of one record's product."""

    codes: tuple[HsCode, ...] = ()
    sectors: tuple[SectorHit, ...] = ()
    goods: tuple[GoodHit, ...] = ()
    concepts: tuple[TermMatch, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductIndex:
    """Compiled product tables (immutable after build; picklable)."""

    hs_map: Mapping[str, tuple[HsMapping, ...]]
    goods_hs: Mapping[str, tuple[str, ...]]  # hs prefix -> goods
    goods_sectors: Mapping[str, tuple[str, ...]]  # sector -> goods
    lexicon: Lexicon
    dol: Mapping[tuple[str, str], tuple[ListEntry, ...]]  # (good, country) -> entries
    wro_orders: Mapping[tuple[str, str], tuple[tuple[ListEntry, str], ...]]  # -> (entry, match)
    designations: Mapping[str, tuple[tuple[str, date], ...]]  # sector -> ((regime, on), ...)
    versions: Mapping[str, str] = field(default_factory=dict)
    #: memo of per-cell results (a pure function of the tables above; pickles empty)
    memo: Memo = field(default_factory=lambda: Memo(65_536), compare=False, repr=False)

    @property
    def goods(self) -> int:
        return sum(len(v) for v in self.dol.values())


@dataclass(frozen=True, slots=True)
class ProductResult:
    findings: tuple[Finding, ...] = ()
    errors: tuple[RowError, ...] = ()


# --- build -------------------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _doc(name: str) -> Any:
    data = resources.read_yaml(f"products/{name}")
    if not isinstance(data, Mapping) or data.get("schema_version") != 1:
        raise ResourceError(f"products/{name}: field 'schema_version': expected 1")
    return data


def _hs_prefix(file: str, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.isdigit() or not 2 <= len(value) <= 10:
        raise ResourceError(f"{file}: field '{where}': expected 2-10 digits as text, got {value!r}")
    return value


def load_hs_sectors(data: Any, file: str = "hs_sectors.yaml") -> dict[str, tuple[HsMapping, ...]]:
    """Validate hs_sectors.yaml into ``prefix -> mappings``."""
    out: dict[str, list[HsMapping]] = {}
    sectors = data.get("sectors") if isinstance(data, Mapping) else None
    if not isinstance(sectors, Mapping):
        raise ResourceError(f"{file}: field 'sectors': expected a mapping")
    for sector, rows in sectors.items():
        if sector not in SECTORS:
            raise ResourceError(f"{file}: field 'sectors.{sector}': unknown sector")
        if not isinstance(rows, list) or not rows:
            raise ResourceError(f"{file}: field 'sectors.{sector}': expected a list of mappings")
        for n, row in enumerate(rows):
            where = f"sectors.{sector}[{n}]"
            if not isinstance(row, Mapping):
                raise ResourceError(f"{file}: field '{where}': expected a mapping")
            prefix = _hs_prefix(file, f"{where}.hs", row.get("hs"))
            conf = row.get("confidence")
            if conf not in _SCORE:
                raise ResourceError(f"{file}: field '{where}.confidence': expected high|medium|low")
            status = row.get("status")
            if status != "proposed" and not row.get("source"):
                raise ResourceError(
                    f"{file}: field '{where}.status': a mapping is 'proposed' or has a 'source'"
                )
            basis = row.get("basis")
            if not isinstance(basis, str) or not basis:
                raise ResourceError(f"{file}: field '{where}.basis': required")
            out.setdefault(prefix, []).append(
                HsMapping(sector, prefix, str(conf), str(status or "sourced"), basis)
            )
    return {k: tuple(v) for k, v in out.items()}


def _designations(regimes: rules.RegimeSet) -> dict[str, tuple[tuple[str, date], ...]]:
    out: dict[str, list[tuple[str, date]]] = {}
    for regime in regimes.regimes:
        for s in regime.sectors:
            out.setdefault(s.sector, []).append((regime.id, s.designated_on))
    return {k: tuple(v) for k, v in out.items()}


def build_product_index(lists: ListSet, regimes: rules.RegimeSet | None = None) -> ProductIndex:
    """Compile the product tables against the given lists (DOL goods, country-wide WROs)."""
    hs_map = load_hs_sectors(_doc("hs_sectors.yaml"))
    goods_doc = _doc("dol_goods.yaml")
    goods_hs: dict[str, list[str]] = {}
    goods_sectors: dict[str, list[str]] = {}
    goods = goods_doc.get("goods")
    if not isinstance(goods, Mapping):
        raise ResourceError("products/dol_goods.yaml: field 'goods': expected a mapping")
    goods = {_nfc(str(k)): v for k, v in goods.items()}
    for good, spec in goods.items():
        where = f"goods.{good}"
        if not isinstance(spec, Mapping):
            raise ResourceError(f"products/dol_goods.yaml: field '{where}': expected a mapping")
        for code in spec.get("hs") or ():
            goods_hs.setdefault(_hs_prefix("dol_goods.yaml", f"{where}.hs", code), []).append(good)
        for s in spec.get("sectors") or ():
            if s not in SECTORS:
                raise ResourceError(
                    f"products/dol_goods.yaml: field '{where}.sectors': unknown '{s}'"
                )
            goods_sectors.setdefault(s, []).append(str(good))
    lexicon = compile_lexicon(
        "products/lexicon.yaml",
        _doc("lexicon.yaml"),
        sectors=frozenset(SECTORS),
        goods=frozenset(str(g) for g in goods),
    )
    dol: dict[tuple[str, str], list[ListEntry]] = {}
    wro: dict[tuple[str, str], list[tuple[ListEntry, str]]] = {}
    versions: dict[str, str] = {}
    if _DOL in lists.ids():
        versions[_DOL] = lists.info(_DOL).version
        for e in lists.get(_DOL).entries:
            for c in e.countries:
                dol.setdefault((_nfc(e.name), c), []).append(e)
    if _WRO in lists.ids():
        versions[_WRO] = lists.info(_WRO).version
        by_id = {e.entry_id: e for e in lists.get(_WRO).entries}
        for n, order in enumerate(_doc("wro_goods.yaml").get("orders") or ()):
            entry = by_id.get(order.get("entry_id"))
            if entry is None:
                continue  # order not in this list snapshot
            if order.get("match") not in ("strong", "possible") or not order.get("source"):
                raise ResourceError(
                    f"products/wro_goods.yaml: field 'orders[{n}]': needs match and source"
                )
            wro.setdefault((str(order["good"]), str(order["country"])), []).append(
                (entry, str(order["match"]))
            )
    regime_set = regimes or rules.load_regimes()
    return ProductIndex(
        hs_map=hs_map,
        goods_hs={k: tuple(v) for k, v in goods_hs.items()},
        goods_sectors={k: tuple(v) for k, v in goods_sectors.items()},
        lexicon=lexicon,
        dol={k: tuple(v) for k, v in dol.items()},
        wro_orders={k: tuple(v) for k, v in wro.items()},
        designations=_designations(regime_set),
        versions=versions,
    )


# --- classify ----------------------------------------------------------------------------------


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
            agg[0] = max(agg[0], _SCORE[m.confidence])
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
    for sector in SECTORS:
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
        designated = [(r, on) for r, on in index.designations.get(hit.sector, ()) if on <= as_of]
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
                    list=_DOL,
                    list_version=index.versions.get(_DOL),
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
                    list=_WRO,
                    list_version=index.versions.get(_WRO),
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
                    details=(
                        ("program", "/".join(entry.programs) or "WRO"),
                        ("via", g.via),
                        # the region an order is limited to (the XUAR, the XPCC's units):
                        # regimes test it against the record's own regions
                        *((("order_region", r),) if (r := entry.prop("order_region")) else ()),
                    ),
                    why=f"CBP {'/'.join(entry.programs) or 'WRO'} '{entry.name}' covers {g.good} "
                    f"from {country}; product matched by {via}",
                )
            )
    return out


def parse_codes(value: str | None) -> Sequence[HsCode]:
    """The valid HS codes of a cell (problems ignored)."""
    return parse_hs(value)[0]
