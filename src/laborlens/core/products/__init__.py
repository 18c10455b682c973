"""Products: HS codes and product text -> UFLPA sectors and DOL List of Goods entries.

Public entry points (stable):
    build_product_index(lists) -> ProductIndex
    classify(index, record, country, as_of) -> ProductResult
    sectors_of(index, record) -> Classification   # date-free classification (for explain/bench)

Resources (``resources/products/``): ``hs_sectors.yaml`` (HS prefix -> sector, each mapping
``proposed`` with its heading text), ``dol_goods.yaml`` (DOL good -> HS headings),
``wro_goods.yaml`` (country-wide CBP WROs -> good) and ``lexicon.yaml`` (EN+ZH terms ->
concepts -> sectors and goods). The sectors and their designation dates are data from the
regimes (``resources/regimes/us_uflpa.yaml``), handed in by the caller
(``RegimeSet.designations()``). Method and figures: docs/products.md.

Speed: the index memoises (bounded; pickles empty) each ``hs_code`` cell's parse and mappings,
each ``product`` text's lexicon matches, and the findings of each (hs_code, matched-term
signature, country, date), so recurring cells cost a dictionary lookup. Results are exactly
those of the unmemoised computation (tests/core/products/test_context.py).
"""

from __future__ import annotations

from laborlens.core.products.classify import classify, sectors_of
from laborlens.core.products.hs import HsCode, parse_hs
from laborlens.core.products.index import (
    ALGORITHM,
    Classification,
    Designations,
    ProductIndex,
    ProductResult,
    SectorHit,
    build_product_index,
)

__all__ = [
    "ALGORITHM",
    "Classification",
    "Designations",
    "HsCode",
    "ProductIndex",
    "ProductResult",
    "SectorHit",
    "build_product_index",
    "classify",
    "parse_hs",
    "sectors_of",
]
