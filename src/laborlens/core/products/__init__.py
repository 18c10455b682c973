"""Products and sectors (interim: no classification yet; see issue 5).

Public entry points (stable):
    build_product_index(lists) -> ProductIndex
    classify(index, record, country, as_of) -> ProductResult
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from laborlens.core.lists import ListSet
from laborlens.core.model import Finding, Record, RowError

ALGORITHM = "products-v0"


@dataclass(frozen=True, slots=True)
class ProductIndex:
    goods: int


@dataclass(frozen=True, slots=True)
class ProductResult:
    findings: tuple[Finding, ...] = ()
    errors: tuple[RowError, ...] = ()


def build_product_index(lists: ListSet) -> ProductIndex:
    return ProductIndex(sum(1 for _ in lists.goods()))


def classify(index: ProductIndex, record: Record, country: str | None, as_of: date) -> ProductResult:
    return ProductResult()
