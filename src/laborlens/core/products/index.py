"""The compiled product tables: HS prefixes -> sectors, DOL goods, country-wide WROs, the
lexicon, and the sector designations handed in by the caller (the regimes' data)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from laborlens.core import resources
from laborlens.core.lists import ListSet
from laborlens.core.memo import Memo
from laborlens.core.model import Finding, ListEntry, RowError
from laborlens.core.products.hs import HsCode
from laborlens.core.products.lexicon import Lexicon, TermMatch
from laborlens.core.products.lexicon_file import compile_lexicon
from laborlens.core.resources import ResourceError

ALGORITHM = "products-v2"

#: Sector -> ``(regime id, designated on)`` of each regime designating it, in the public sector
#: order (``RegimeSet.designations()``).
Designations = Mapping[str, tuple[tuple[str, date], ...]]

CONFIDENCE_SCORE = {"high": 0.95, "medium": 0.8, "low": 0.5}
DOL_LIST = "us_dol_tvpra"
WRO_LIST = "us_cbp_wro_findings"


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
    designations: Designations
    versions: Mapping[str, str] = field(default_factory=dict)
    #: memo of per-cell results (a pure function of the tables above; pickles empty)
    memo: Memo = field(default_factory=lambda: Memo(65_536), compare=False, repr=False)

    @property
    def goods(self) -> int:
        return sum(len(v) for v in self.dol.values())

    @property
    def sectors(self) -> tuple[str, ...]:
        """The sector ids, in the public order."""
        return tuple(self.designations)


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


def load_hs_sectors(
    data: Any, sectors_known: Sequence[str], file: str = "hs_sectors.yaml"
) -> dict[str, tuple[HsMapping, ...]]:
    """Validate hs_sectors.yaml into ``prefix -> mappings``."""
    out: dict[str, list[HsMapping]] = {}
    sectors = data.get("sectors") if isinstance(data, Mapping) else None
    if not isinstance(sectors, Mapping):
        raise ResourceError(f"{file}: field 'sectors': expected a mapping")
    for sector, rows in sectors.items():
        if sector not in sectors_known:
            raise ResourceError(f"{file}: field 'sectors.{sector}': unknown sector")
        if not isinstance(rows, list) or not rows:
            raise ResourceError(f"{file}: field 'sectors.{sector}': expected a list of mappings")
        for n, row in enumerate(rows):
            m = _hs_row(file, f"sectors.{sector}[{n}]", sector, row)
            out.setdefault(m.prefix, []).append(m)
    return {k: tuple(v) for k, v in out.items()}


def _hs_row(file: str, where: str, sector: str, row: Any) -> HsMapping:
    if not isinstance(row, Mapping):
        raise ResourceError(f"{file}: field '{where}': expected a mapping")
    prefix = _hs_prefix(file, f"{where}.hs", row.get("hs"))
    conf = row.get("confidence")
    if conf not in CONFIDENCE_SCORE:
        raise ResourceError(f"{file}: field '{where}.confidence': expected high|medium|low")
    status = row.get("status")
    if status != "proposed" and not row.get("source"):
        raise ResourceError(
            f"{file}: field '{where}.status': a mapping is 'proposed' or has a 'source'"
        )
    basis = row.get("basis")
    if not isinstance(basis, str) or not basis:
        raise ResourceError(f"{file}: field '{where}.basis': required")
    return HsMapping(sector, prefix, str(conf), str(status or "sourced"), basis)


def _dol_goods(
    sectors: Sequence[str],
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, Any]]:
    """dol_goods.yaml: (HS prefix -> goods, sector -> goods, good -> spec)."""
    goods = _doc("dol_goods.yaml").get("goods")
    if not isinstance(goods, Mapping):
        raise ResourceError("products/dol_goods.yaml: field 'goods': expected a mapping")
    goods = {_nfc(str(k)): v for k, v in goods.items()}
    goods_hs: dict[str, list[str]] = {}
    goods_sectors: dict[str, list[str]] = {}
    for good, spec in goods.items():
        where = f"goods.{good}"
        if not isinstance(spec, Mapping):
            raise ResourceError(f"products/dol_goods.yaml: field '{where}': expected a mapping")
        for code in spec.get("hs") or ():
            goods_hs.setdefault(_hs_prefix("dol_goods.yaml", f"{where}.hs", code), []).append(good)
        for s in spec.get("sectors") or ():
            if s not in sectors:
                raise ResourceError(
                    f"products/dol_goods.yaml: field '{where}.sectors': unknown '{s}'"
                )
            goods_sectors.setdefault(s, []).append(str(good))
    return goods_hs, goods_sectors, goods


def _list_goods(
    lists: ListSet,
) -> tuple[
    dict[tuple[str, str], list[ListEntry]],
    dict[tuple[str, str], list[tuple[ListEntry, str]]],
    dict[str, str],
]:
    """DOL goods entries by (good, country), country-wide WROs by (good, country), versions."""
    dol: dict[tuple[str, str], list[ListEntry]] = {}
    wro: dict[tuple[str, str], list[tuple[ListEntry, str]]] = {}
    versions: dict[str, str] = {}
    if DOL_LIST in lists.ids():
        versions[DOL_LIST] = lists.info(DOL_LIST).version
        for e in lists.get(DOL_LIST).entries:
            for c in e.countries:
                dol.setdefault((_nfc(e.name), c), []).append(e)
    if WRO_LIST in lists.ids():
        versions[WRO_LIST] = lists.info(WRO_LIST).version
        by_id = {e.entry_id: e for e in lists.get(WRO_LIST).entries}
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
    return dol, wro, versions


def build_product_index(lists: ListSet, designations: Designations) -> ProductIndex:
    """Compile the product tables against the given lists (DOL goods, country-wide WROs) and
    the sector designations of the regimes (``RegimeSet.designations()``)."""
    sectors = tuple(designations)
    hs_map = load_hs_sectors(_doc("hs_sectors.yaml"), sectors)
    goods_hs, goods_sectors, goods = _dol_goods(sectors)
    lexicon = compile_lexicon(
        "products/lexicon.yaml",
        _doc("lexicon.yaml"),
        sectors=frozenset(sectors),
        goods=frozenset(str(g) for g in goods),
    )
    dol, wro, versions = _list_goods(lists)
    return ProductIndex(
        hs_map=hs_map,
        goods_hs={k: tuple(v) for k, v in goods_hs.items()},
        goods_sectors={k: tuple(v) for k, v in goods_sectors.items()},
        lexicon=lexicon,
        dol={k: tuple(v) for k, v in dol.items()},
        wro_orders={k: tuple(v) for k, v in wro.items()},
        designations=dict(designations),
        versions=versions,
    )
