"""Place resolution: which Chinese province (and prefecture, county) a record is in.

Public entry points (stable):
    build_gazetteer() -> Gazetteer
    locate(gazetteer, record) -> GeoResult

``locate`` gathers explained signals from every field (address text with the postal codes and
telephone numbers written in it, the party's name, the phone column, the division code inside a
Unified Social Credit Code, coordinates placed by province/country polygons), weighs them per
province in their administrative context, and reports one ``region`` finding per province that
clears the decision threshold, saying which signals won and which were set aside and why.
Xinjiang, including XPCC units, is ``CN-XJ``. See docs/geo.md.

This module only re-exports; the logic lives in the submodules (text, gazetteer, boundary,
textscan, codes, coords, weigh, finding, locate).
"""

from __future__ import annotations

from laborlens.core.geo.finding import ALGORITHM
from laborlens.core.geo.gazetteer import Gazetteer, build_gazetteer
from laborlens.core.geo.locate import DECISION_THRESHOLD, GeoResult, locate, normalise_country
from laborlens.core.geo.text import normalise

__all__ = [
    "ALGORITHM",
    "DECISION_THRESHOLD",
    "Gazetteer",
    "GeoResult",
    "build_gazetteer",
    "locate",
    "normalise",
    "normalise_country",
]
