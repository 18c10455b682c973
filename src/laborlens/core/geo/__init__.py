"""Place resolution (interim keyword detector; see issue 4).

Public entry points (stable):
    build_gazetteer() -> Gazetteer
    locate(gazetteer, record) -> GeoResult
"""

from __future__ import annotations

from dataclasses import dataclass

from laborlens.core.model import Finding, Record, RowError

ALGORITHM = "geo-v0"
_XJ = ("新疆", "乌鲁木齐", "xinjiang", "urumqi", "ürümqi", "wulumuqi")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    xinjiang_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GeoResult:
    findings: tuple[Finding, ...] = ()
    country: str | None = None
    country_inferred: bool = False
    errors: tuple[RowError, ...] = ()


def build_gazetteer() -> Gazetteer:
    return Gazetteer(_XJ)


def locate(gazetteer: Gazetteer, record: Record) -> GeoResult:
    text = (record.address or "").casefold()
    hits = [t for t in gazetteer.xinjiang_terms if t in text]
    country = record.country.upper() if record.country and len(record.country) == 2 else None
    if not hits:
        return GeoResult(country=country)
    f = Finding(kind="region", region="CN-XJ", label="Xinjiang Uygur Autonomous Region",
                score=0.9, evidence=tuple(hits), field="address", algorithm=ALGORITHM,
                why=f"address names {', '.join(hits)}")
    return GeoResult((f,), country or "CN", country is None)
