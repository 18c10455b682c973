"""Parsers for the official list formats: text in, list-entry objects out (pure).

The build script (``scripts/build_lists.py``) and the list updater (``laborlens lists update``)
share these, so a bundled snapshot and a fresh download are read by the same code. Every row
becomes an entry or raises :class:`SourceError` naming the file and row: nothing is skipped
silently.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from typing import Any

from laborlens.core import resources


@cache
def _countries() -> dict[str, str]:
    table: dict[str, str] = resources.read_json("lists/countries.json")
    return table


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country name as the lists write it, or None when unknown."""
    key = name.strip().lower()
    if not key:
        return None
    if len(key) == 2 and key.isalpha():
        return key.upper()
    return _countries().get(key) or None


class SourceError(ValueError):
    """A row of an official list cannot be parsed; the message names the file and row."""


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
_SUBSIDIARIES = re.compile(
    r"\s*\((?:and|including)\s+(?:its\s+)?subsidiaries\)\s*|\s+and\s+subsidiaries\s*$", re.I
)


def parse_uflpa_csv(text: str, file_name: str = "uflpa.csv") -> list[dict[str, Any]]:
    """Entries of the UFLPA Entity List in the research CSV layout (see shared SOURCES.md)."""
    entries = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        name = _clean(row.get("entity_name"))
        if not name:
            raise SourceError(f"{file_name} row {n}: empty entity_name")
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


def parse_cbp_csv(text: str, file_name: str = "cbp.csv") -> list[dict[str, Any]]:
    """Entries of CBP's WRO/Findings list in the transcription's CSV layout."""
    entries = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        text = _clean(row.get("entity_as_listed"))
        if not text:
            raise SourceError(f"{file_name} row {n}: empty entity_as_listed")
        raw_date = _clean(row.get("effective_date_mdy"))
        try:
            eff = datetime.strptime(raw_date, "%m/%d/%Y").date().isoformat()
        except ValueError as exc:
            raise SourceError(f"{file_name} row {n}: bad date {raw_date!r}") from exc
        country = _clean(row.get("country"))
        iso = country_code(country)
        if country and iso is None:
            raise SourceError(f"{file_name} row {n}: unknown country {country!r}")
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


def _ofac_rows(text: str, file_name: str, width: int) -> Iterator[tuple[int, list[str]]]:
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (len(row) == 1 and row[0].strip() in ("\x1a", "")):
            continue  # OFAC ends each file with a lone EOF control character
        if len(row) != width:
            raise SourceError(f"{file_name} row {n}: expected {width} columns, found {len(row)}")
        yield n, [_clean(c) for c in row]


_SCHEMA = {"": "Company", "individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft"}


def parse_ofac(sdn: str, add: str, alt: str) -> list[dict[str, Any]]:
    """Entries of OFAC's SDN list from its legacy CSV files (decoded text; they are Latin-1)."""
    addresses: dict[str, list[tuple[str, str]]] = {}
    for _, (ent, _num, street, city, country, _rem) in _ofac_rows(add, "add.csv", 6):
        line = ", ".join(p for p in (street, city, country) if p)
        addresses.setdefault(ent, []).append((line, country))
    aliases: dict[str, list[str]] = {}
    for _, (ent, _num, _type, alt_name, _rem) in _ofac_rows(alt, "alt.csv", 5):
        if alt_name:
            aliases.setdefault(ent, []).append(alt_name)
    entries = []
    known_ents: set[str] = set()
    for n, row in _ofac_rows(sdn, "sdn.csv", 12):
        ent, name, sdn_type, program, title = row[:5]
        call_sign, vess_type, _tonnage, _grt, vess_flag, vess_owner, remarks = row[5:]
        if not name:
            raise SourceError(f"sdn.csv row {n}: empty SDN_Name")
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
        raise SourceError(f"OFAC add/alt rows refer to unknown ent_num: {sorted(orphans)[:5]}")
    return entries


# --- DOL ILAB List of Goods --------------------------------------------------------------------


def parse_dol_csv(text: str, file_name: str = "dol.csv") -> list[dict[str, Any]]:
    """Good-country entries of the DOL TVPRA List of Goods (research CSV layout)."""
    entries = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        good, country = _clean(row.get("good")), _clean(row.get("country"))
        if not good or not country:
            raise SourceError(f"{file_name} row {n}: empty good or country")
        iso = country_code(country)
        if iso is None:
            raise SourceError(f"{file_name} row {n}: unknown country {country!r}")
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
                raise SourceError(f"{file_name} row {n}: column {k} is {v!r}, not Yes/No")
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


# --- UFLPA Entity List page (www.dhs.gov/uflpa-entity-list) -------------------------------------

_CLAUSES = ("2(d)(2)(B)(i)", "2(d)(2)(B)(ii)", "2(d)(2)(B)(iv)", "2(d)(2)(B)(v)")
_ALIAS_NOTE = re.compile(
    r"\((?P<body>[^()]*(?:also known as|aliases?|formerly known as)[^()]*)\)\s*$", re.I
)
_ALIAS_LEAD = re.compile(
    r"^(?:and\s+)?(?:also known as|formerly known as|(?:and\s+)?\w+\s+aliases?:)\s*", re.I
)


class _Tables(HTMLParser):
    """Collects the text of each table's rows: tables -> rows -> cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            if self._row:
                self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _split_aliases(body: str) -> list[str]:
    body = _ALIAS_LEAD.sub("", body.strip())
    parts = re.split(r";\s*(?:and\s+)?|,\s+and\s+", body)
    out = []
    for p in parts:
        p = _ALIAS_LEAD.sub("", p.strip()).strip(" ;,")
        if p:
            out.append(p)
    return out


def parse_uflpa_html(
    html: str, source: str = "https://www.dhs.gov/uflpa-entity-list"
) -> list[dict[str, Any]]:
    """Entries of the DHS UFLPA Entity List page.

    The page holds one table per statutory clause, in the order (i), (ii), (iv), (v), each with
    the header ``Name of Entity | Effective Date``; aliases sit in parentheses in the name cell.
    """
    parser = _Tables()
    parser.feed(html)
    tables = [t for t in parser.tables if t and "name of entity" in t[0][0].lower()]
    if len(tables) != len(_CLAUSES):
        raise SourceError(
            f"{source}: expected {len(_CLAUSES)} entity tables (clauses i, ii, iv, v), "
            f"found {len(tables)}; the page layout may have changed"
        )
    entries: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for clause, table in zip(_CLAUSES, tables, strict=True):
        for n, row in enumerate(table[1:], start=2):
            if len(row) < 2 or not row[0]:
                raise SourceError(
                    f"{source}: clause {clause} table row {n}: expected name and date"
                )
            cell, raw_date = row[0], row[1]
            try:
                eff = datetime.strptime(raw_date.strip(), "%B %d, %Y").date().isoformat()
            except ValueError as exc:
                raise SourceError(
                    f"{source}: clause {clause} table row {n}: bad date {raw_date!r}"
                ) from exc
            aliases: list[str] = []
            m = _ALIAS_NOTE.search(cell)
            if m:
                aliases = _split_aliases(m.group("body"))
                cell = cell[: m.start()].strip()
            subsidiaries = bool(_SUBSIDIARIES.search(cell))
            name = _SUBSIDIARIES.sub("", cell).strip()
            key = name.casefold()
            if key in seen:  # one entity listed under several clauses
                prior = seen[key]
                prior["programs"].append(clause)
                continue
            entry = _entry(
                "us_uflpa_entity_list",
                f"uflpa-{_slug(name)}",
                name,
                aliases=aliases,
                countries=["CN"],
                programs=[clause],
                effective_date=eff,
                subsidiaries=subsidiaries,
                properties={"name_as_published": row[0]},
                source=source,
            )
            seen[key] = entry
            entries.append(entry)
    return entries
