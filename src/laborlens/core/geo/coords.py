"""Coordinates: validated, then placed by the bundled province/country polygons.

The polygon holding the point decides. Within ``MARGIN_KM`` of a boundary the finding says the
point is *near the boundary*, with the distance; a point just outside Xinjiang's boundary (by
less than the margin, the accuracy of the 1:10m data) still raises a Xinjiang signal. The nearest
bundled place only explains where the point is ("12 km from 喀什市").
"""

from __future__ import annotations

import math

from laborlens.core.geo.boundary import MARGIN_KM, PointPlace
from laborlens.core.geo.gazetteer import GRID_CELL_DEG, Gazetteer
from laborlens.core.geo.signals import Signal
from laborlens.core.model import RowError

__all__ = ["MARGIN_WEIGHT", "POINT_WEIGHT", "coordinates", "nearest"]

POINT_WEIGHT = 0.9
#: Outside every polygon but within a few km of one (simplified coast or border).
OFF_POLYGON_WEIGHT = 0.7
#: Just outside Xinjiang's boundary, within the margin.
MARGIN_WEIGHT = 0.55
MAX_POINT_KM = 150.0
_XINJIANG = "CN-XJ"


def nearest(gaz: Gazetteer, lat: float, lon: float) -> tuple[int, float] | None:
    """Nearest bundled point (index, km), searching grid rings outwards until no closer
    point can exist outside the rings searched; None when that is not settled within eight
    rings (then the nearest point is more than ~200 km away, beyond ``MAX_POINT_KM``)."""
    best_i = -1
    best_d2 = math.inf
    cell = GRID_CELL_DEG
    ci, cj = int(lat // cell), int(lon // cell)
    coslat = max(math.cos(math.radians(lat)), 0.01)
    grid = gaz.grid
    points = gaz.points
    for ring in range(8):
        for di in range(-ring, ring + 1):
            edge = abs(di) == ring
            for dj in range(-ring, ring + 1) if edge else (-ring, ring):
                for i in grid.get((ci + di, cj + dj), ()):
                    p = points[i]
                    dy = p[0] - lat
                    dx = (p[1] - lon) * coslat
                    d2 = dy * dy + dx * dx
                    if d2 < best_d2:
                        best_d2, best_i = d2, i
        if best_i >= 0:
            # distance (degrees) from the point to the edge of the searched square
            margin = min(
                lat - (ci - ring) * cell,
                (ci + ring + 1) * cell - lat,
                (lon - (cj - ring) * cell) * coslat,
                ((cj + ring + 1) * cell - lon) * coslat,
            )
            if best_d2 <= margin * margin:
                return best_i, math.sqrt(best_d2) * 111.2
    return None


def _invalid(lat: float | None, lon: float | None) -> RowError | None:
    """The row error for unusable coordinates, or None when they can be placed."""
    if lat is None or lon is None:
        missing = "lat" if lat is None else "lon"
        return RowError(
            f"{missing} is missing while the other coordinate is given; coordinates not used",
            missing,
        )
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return RowError(f"coordinates lat {lat}, lon {lon} are not finite numbers; not used", "lat")
    if abs(lat) > 90 or abs(lon) > 180:
        if abs(lon) <= 90 and abs(lat) <= 180:
            return RowError(
                f"lat {lat} is out of range but lon {lon} is not: latitude and longitude look "
                "swapped; coordinates not used",
                "lat",
            )
        col = "lat" if abs(lat) > 90 else "lon"
        return RowError(f"{col} out of range (lat {lat}, lon {lon}); not used", col)
    if lat == 0 and lon == 0:
        return RowError("coordinates 0,0 are a placeholder, not a site; not used", "lat")
    return None


def _near_text(gaz: Gazetteer, lat: float, lon: float) -> str:
    hit = nearest(gaz, lat, lon)
    if hit is None or hit[1] > MAX_POINT_KM:
        return ""
    plat, plon, _region, code = gaz.points[hit[0]]
    name = f"{gaz.divisions.get(code, '')} (GB/T 2260 {code})" if code else "a GeoNames place"
    return f"; nearest bundled place {name} at {plat},{plon}, {hit[1]:.0f} km away"


def _region_signal(gaz: Gazetteer, lat: float, lon: float, pp: PointPlace) -> Signal | None:
    if pp.region is None or not pp.region.startswith("CN-"):
        return None
    prov = pp.code[:2]
    label = gaz.provinces[prov].label
    if pp.inside:
        where = f"inside the boundary of {label}, {pp.boundary_km:.1f} km from it"
        weight = POINT_WEIGHT
    else:
        where = (
            f"outside every bundled polygon, {pp.boundary_km:.1f} km from the boundary of {label} "
            "(coast or border simplified)"
        )
        weight = OFF_POLYGON_WEIGHT
    note = "near the boundary" if pp.boundary_km < MARGIN_KM else ""
    return Signal(
        prov,
        pp.code,
        weight,
        "coordinates",
        "lat/lon",
        f"{lat},{lon}",
        f"coordinates {lat},{lon} are {where} ({_source(gaz)}){_near_text(gaz, lat, lon)}",
        note=note,
    )


def _source(gaz: Gazetteer) -> str:
    return f"source {gaz.sources.get('natural_earth', 'Natural Earth')}"


def coordinates(
    gaz: Gazetteer, lat: float | None, lon: float | None
) -> tuple[list[Signal], list[RowError], str | None]:
    """Place lat/lon by polygon; (signals, errors, country)."""
    if lat is None and lon is None:
        return [], [], None
    err = _invalid(lat, lon)
    if err is not None or lat is None or lon is None:
        return [], [err] if err else [], None
    pp = gaz.boundaries.place(lat, lon)
    if pp is None:
        swapped = gaz.boundaries.place(lon, lat) if abs(lon) <= 90 else None
        if swapped is not None and swapped.inside:
            msg = (
                f"coordinates lat {lat}, lon {lon} lie in no bundled region, but swapped they "
                f"fall in {swapped.region}: latitude and longitude look swapped; not used"
            )
            return [], [RowError(msg, "lat")], None
        return [], [], None
    signals: list[Signal] = []
    sig = _region_signal(gaz, lat, lon, pp)
    if sig is not None:
        signals.append(sig)
    if pp.region != _XINJIANG and pp.xinjiang_km is not None and pp.xinjiang_km <= MARGIN_KM:
        signals.append(
            Signal(
                "65",
                "650000",
                MARGIN_WEIGHT,
                "coordinates",
                "lat/lon",
                f"{lat},{lon}",
                f"coordinates {lat},{lon} are {pp.xinjiang_km:.1f} km outside Xinjiang's "
                f"boundary, within the {MARGIN_KM:.0f} km accuracy of the 1:10m boundary data "
                f"({_source(gaz)}){_near_text(gaz, lat, lon)}",
                note="near the boundary",
            )
        )
    country = "CN" if pp.region and pp.region.startswith("CN-") else pp.region
    return signals, [], country
