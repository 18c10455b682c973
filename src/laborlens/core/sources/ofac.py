"""OFAC's SDN list in its legacy CSV layout (``sdn.csv`` and, when present, ``add.csv`` and
``alt.csv``; no header row; ``-0-`` means empty; Latin-1 text).

``sdn.csv`` alone still carries most aliases and nationalities inside its Remarks column
(``a.k.a. 'X'; f.k.a. 'Y'; nationality China``): they are read from there, so a snapshot
without the address and alias files still matches aliases and keeps countries.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from laborlens.core.sources.common import SourceError, clean, country_code, entry

LIST_ID = "us_ofac_sdn"
BASE_URL = "https://www.treasury.gov/ofac/downloads/"
#: A file with fewer entries than this is not the SDN list (truncated or another file).
MIN_ENTRIES = 1000

_SCHEMA = {"": "Company", "individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft"}
_ALIAS = re.compile(r"\b(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*'([^']+(?:'[A-Za-z][^']*)*)'", re.I)
_NATION = re.compile(r"\b(?:nationality|citizen)\s+([A-Z][A-Za-z .,'()-]+?)(?=;|\.$|$)")


def _rows(text: str, file_name: str, width: int) -> Iterator[tuple[int, list[str]]]:
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (len(row) == 1 and row[0].strip() in ("\x1a", "")):
            continue  # OFAC ends each file with a lone EOF control character
        if len(row) != width:
            raise SourceError(
                f"{file_name} row {n}: expected {width} columns (OFAC legacy CSV), found "
                f"{len(row)}: {','.join(row)[:80]!r}"
            )
        yield n, [clean(c) for c in row]


def remarks_aliases(remarks: str) -> tuple[list[str], list[str]]:
    """(aliases, former names) written in an SDN Remarks cell."""
    aliases: list[str] = []
    former: list[str] = []
    for kind, name in _ALIAS.findall(remarks):
        (former if kind.lower() == "f.k.a." else aliases).append(name.strip())
    return aliases, former


def parse_ofac(
    sdn: str, add: str = "", alt: str = "", *, other_snapshot: str | None = None
) -> list[dict[str, Any]]:
    """Entries of OFAC's SDN list from its legacy CSV files (decoded text).

    Args:
        sdn, add, alt: the three files (``add``/``alt`` may be empty).
        other_snapshot: when ``add``/``alt`` come from an older snapshot than ``sdn`` (a name
            for it, e.g. ``2021-07-07``): their rows for entries no longer listed are dropped
            instead of refused, and the entries say where their aliases and addresses came from.

    Raises:
        SourceError: a row with the wrong number of columns (naming file and row), an
            address or alias of an unknown entry, or fewer than :data:`MIN_ENTRIES` entries.
    """
    addresses: dict[str, list[tuple[str, str]]] = {}
    for _, (ent, _num, street, city, country, _rem) in _rows(add, "add.csv", 6):
        line = ", ".join(p for p in (street, city, country) if p)
        addresses.setdefault(ent, []).append((line, country))
    alt_names: dict[str, list[tuple[str, str]]] = {}
    for _, (ent, _num, alt_type, alt_name, _rem) in _rows(alt, "alt.csv", 5):
        if alt_name:
            alt_names.setdefault(ent, []).append((alt_type.lower(), alt_name))
    entries = []
    known: set[str] = set()
    for n, row in _rows(sdn, "sdn.csv", 12):
        ent, name, sdn_type, program, title = row[:5]
        call_sign, vess_type, _tonnage, _grt, vess_flag, vess_owner, remarks = row[5:]
        if not name:
            raise SourceError(f"sdn.csv row {n}: empty SDN_Name")
        if not ent.isdigit():
            raise SourceError(f"sdn.csv row {n}: expected a numeric ent_num, found {ent!r}")
        known.add(ent)
        aliases, former = remarks_aliases(remarks)
        for kind, alias in alt_names.get(ent, []):
            (former if kind == "fka" else aliases).append(alias)
        addr = addresses.get(ent, [])
        countries = [country_code(c) or "" for _, c in addr]
        countries += [country_code(c) or "" for c in _NATION.findall(remarks)]
        entries.append(
            entry(
                LIST_ID,
                f"ofac-{ent}",
                name,
                aliases=aliases,
                former_names=former,
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
                source="OFAC SDN legacy CSV (sdn.csv"
                + (", add.csv" if add else "")
                + (", alt.csv" if alt else "")
                + (f" of {other_snapshot}" if other_snapshot and (add or alt) else "")
                + ")",
            )
        )
    orphans = (set(addresses) | set(alt_names)) - known
    if orphans and other_snapshot is None:
        raise SourceError(f"OFAC add/alt rows refer to unknown ent_num: {sorted(orphans)[:5]}")
    if len(entries) < MIN_ENTRIES:
        raise SourceError(
            f"sdn.csv: expected at least {MIN_ENTRIES} entries, found {len(entries)}; "
            "the file may be truncated"
        )
    return entries
