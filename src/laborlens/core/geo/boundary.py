"""Point-in-boundary test against the bundled province and neighbour-country polygons.

``boundaries.json`` (built by ``scripts/build_boundaries.py`` from Natural Earth 10m data, public
domain) holds every mainland province and China's neighbours, simplified to ~0.5 km. The 10m
data is itself accurate to about 1 km, so a point within ``MARGIN_KM`` of a boundary is reported
as *near the boundary*, with the distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from laborlens.core.resources import read_json

__all__ = ["BOUNDARIES_RESOURCE", "MARGIN_KM", "Boundaries", "PointPlace", "load_boundaries"]

BOUNDARIES_RESOURCE = "geo/boundaries.json"
#: Distance from a boundary (km) under which a point is "near the boundary".
MARGIN_KM = 1.0
#: Points outside every polygon but this close to one (coast or border simplification) take
#: that polygon's region.
OUTSIDE_KM = 10.0
_KM_PER_DEG = 111.2
_XINJIANG = "CN-XJ"


class PointPlace(NamedTuple):
    """Where a point lies: its region and how far it is from that region's boundary."""

    region: str | None  # ISO 3166-2 for a Chinese province, alpha-2 for a country
    code: str  # GB/T 2260 province code, or "" for a country
    inside: bool  # False: outside every polygon but within OUTSIDE_KM of ``region``
    boundary_km: float  # distance to ``region``'s boundary (km)
    xinjiang_km: float | None  # distance to Xinjiang's boundary when the point is not in it


def _km(lat: float, lon: float, plat: float, plon: float) -> float:
    dx = (plon - lon) * max(math.cos(math.radians(lat)), 0.01)
    return math.hypot(plat - lat, dx) * _KM_PER_DEG


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Region polygons with their bounding boxes; picklable (re-prepared when unpickled)."""

    regions: tuple[str, ...]
    codes: tuple[str, ...]
    geoms: tuple[Any, ...]  # shapely MultiPolygons, prepared
    borders: tuple[Any, ...]  # their boundaries (lines), prepared
    boxes: tuple[tuple[float, float, float, float], ...]  # lon_min, lat_min, lon_max, lat_max
    xinjiang: int  # index of Xinjiang
    meta: dict[str, Any]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_restore, (self.regions, self.codes, self.geoms, self.boxes, self.meta))

    def _candidates(self, lat: float, lon: float, pad: float) -> list[int]:
        return [
            i
            for i, (x0, y0, x1, y1) in enumerate(self.boxes)
            if x0 - pad <= lon <= x1 + pad and y0 - pad <= lat <= y1 + pad
        ]

    def distance_km(self, i: int, lat: float, lon: float) -> float:
        """Distance (km) from the point to region ``i``'s boundary, via its nearest point."""
        border = self.borders[i]
        near = shapely.line_interpolate_point(
            border, shapely.line_locate_point(border, Point(lon, lat))
        )
        return _km(lat, lon, near.y, near.x)

    def place(self, lat: float, lon: float) -> PointPlace | None:
        """The region holding the point (or, off every polygon, the one within OUTSIDE_KM)."""
        pad = OUTSIDE_KM / _KM_PER_DEG / max(math.cos(math.radians(lat)), 0.1)
        near = self._candidates(lat, lon, pad)
        if not near:
            return None
        inside = next((i for i in near if shapely.contains_xy(self.geoms[i], lon, lat)), None)
        xj = self.xinjiang
        if inside is None:
            dists = sorted((self.distance_km(i, lat, lon), i) for i in near)
            if dists[0][0] > OUTSIDE_KM:
                return None
            km, best = dists[0]
            xj_km = next((d for d, i in dists if i == xj), None)
            return PointPlace(self.regions[best], self.codes[best], False, km, xj_km)
        own_km = self.distance_km(inside, lat, lon)
        xj_km = None
        if inside != xj and xj in near:
            xj_km = self.distance_km(xj, lat, lon) if own_km < 2 * OUTSIDE_KM else None
        return PointPlace(self.regions[inside], self.codes[inside], True, own_km, xj_km)


def _restore(
    regions: tuple[str, ...],
    codes: tuple[str, ...],
    geoms: tuple[Any, ...],
    boxes: tuple[tuple[float, float, float, float], ...],
    meta: dict[str, Any],
) -> Boundaries:
    borders = tuple(g.boundary for g in geoms)
    for g in (*geoms, *borders):
        shapely.prepare(g)
    return Boundaries(regions, codes, geoms, borders, boxes, regions.index(_XINJIANG), meta)


def load_boundaries() -> Boundaries:
    """Read ``boundaries.json`` into prepared shapely polygons."""
    data = read_json(BOUNDARIES_RESOURCE)
    regions: list[str] = []
    codes: list[str] = []
    geoms: list[Any] = []
    boxes: list[tuple[float, float, float, float]] = []
    for r in data["regions"]:
        geom = MultiPolygon([Polygon(p[0], p[1:]) for p in r["polygons"]])
        regions.append(str(r["region"]))
        codes.append(str(r.get("code") or ""))
        geoms.append(geom)
        x0, y0, x1, y1 = geom.bounds
        boxes.append((float(x0), float(y0), float(x1), float(y1)))
    return _restore(tuple(regions), tuple(codes), tuple(geoms), tuple(boxes), dict(data["meta"]))
