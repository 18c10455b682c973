"""The Commerce (BIS) Entity List (15 CFR Part 744, Supplement No. 4).

Two layouts are read: the JSON parse of the eCFR text captured for the bundled list (``{"entities":
[{name, aliases, country, address, federal_register, notes}]}``, a third party's parse), and the
Entity List rows of trade.gov's Consolidated Screening List CSV (columns ``source, name,
alt_names, addresses, federal_register_notice, start_date, license_requirement, ...``), which
``laborlens lists update`` downloads.

Each entry keeps its Federal Register citations; its listing date is the date of the first one
(the rule that added it). Entries added by the Xinjiang human-rights rules of
``resources/lists/bis_xinjiang_rules.yaml`` carry ``listing_reason: xinjiang_human_rights``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from laborlens.core import resources
from laborlens.core.sources.common import (
    SourceError,
    clean,
    country_code,
    csv_rows,
    entry,
    name_key,
    parse_day,
    slug,
    unique_ids,
)

LIST_ID = "us_bis_entity_list"
CSL_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
XINJIANG = "xinjiang_human_rights"
#: A file with fewer entries than this is not the Entity List (truncated or another file).
MIN_ENTRIES = 500

_CITE = re.compile(r"(\d{2,3})\s+FR\s+(\d+)(?:,\s*(\d{1,2}/\d{1,2}/\d{2,4}))?")


@dataclass(frozen=True)
class Citation:
    volume: int
    page: int
    day: date | None
    text: str


def citations(text: str) -> list[Citation]:
    """The Federal Register citations of an entry, in the order printed (first = added)."""
    out = []
    for m in _CITE.finditer(text or ""):
        out.append(
            Citation(int(m.group(1)), int(m.group(2)), parse_day(m.group(3) or ""), m.group(0))
        )
    return out


@cache
def _rules() -> tuple[dict[str, Any], ...]:
    doc = resources.read_yaml("lists/bis_xinjiang_rules.yaml") or {}
    return tuple(doc.get("rules") or ())


def xinjiang_rule(first: Citation | None, names: list[str]) -> dict[str, Any] | None:
    """The Xinjiang human-rights rule that added an entry, if any (see the resource file)."""
    if first is None or first.day is None:
        return None
    keys = {name_key(n) for n in names}
    for rule in _rules():
        if rule["volume"] != first.volume or rule["date"] != first.day:
            continue
        if rule["scope"] == "all":
            return rule
        if keys & {name_key(str(n)) for n in rule.get("entities") or ()}:
            return rule
    return None


def _split_addresses(text: str) -> list[str]:
    parts = re.split(r";\s*(?:and\s+)?|\.\s+and\s+", text or "")
    return [p.strip(" .;") for p in parts if p.strip(" .;")]


def _bis_entry(  # noqa: PLR0917 - one row's fields, called by both layouts
    n: int,
    name: str,
    aliases: list[str],
    country: str,
    addresses: list[str],
    fr_text: str,
    notes: dict[str, str],
    source: str,
    start: date | None = None,
) -> dict[str, Any]:
    cites = citations(fr_text)
    first = cites[0] if cites else None
    if first is not None and first.day is None and start is not None:
        first = Citation(first.volume, first.page, start, first.text)  # CSL: date apart
    rule = xinjiang_rule(first, [name, *aliases])
    iso = country_code(country) if country else None
    props = dict(notes)
    props["federal_register"] = "; ".join(c.text for c in cites) or fr_text
    props["country_as_listed"] = country
    if rule:
        props["listing_reason"] = XINJIANG
        props["listing_rule"] = f"{rule['citation']} ({rule['date']}): {rule['reason']}"
    return entry(
        LIST_ID,
        f"bis-{slug(name)}-{(iso or 'xx').lower()}",
        name,
        aliases=aliases,
        countries=[iso] if iso else [],
        addresses=addresses,
        programs=["EAR Entity List"],
        effective_date=first.day.isoformat() if first and first.day else None,
        properties=props,
        source=f"{source} entry {n}",
    )


def _check_size(entries: list[dict[str, Any]], source: str) -> None:
    if len(entries) < MIN_ENTRIES:
        raise SourceError(
            f"{source}: expected at least {MIN_ENTRIES} Entity List entries, found "
            f"{len(entries)}; the file may be truncated or not the Entity List"
        )


def parse_bis_json(text: str, source: str = "bis_entity_list.json") -> list[dict[str, Any]]:
    """Entries of the JSON parse of Supplement No. 4 (see the module docstring)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{source}: not JSON (line {exc.lineno}: {exc.msg})") from exc
    items = doc.get("entities") if isinstance(doc, Mapping) else None
    if not isinstance(items, list):
        raise SourceError(f"{source}: expected an object with an 'entities' list")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or not clean(item.get("name")):
            raise SourceError(f"{source} entity {n}: expected a name, found {item!r}"[:200])
        if "federal_register" not in item:
            raise SourceError(f"{source} entity {n}: no 'federal_register' field")
        out.append(
            _bis_entry(
                n,
                clean(item.get("name")),
                [clean(a) for a in item.get("aliases") or () if clean(a)],
                clean(item.get("country")),
                _split_addresses(clean(item.get("address"))),
                str(item.get("federal_register") or ""),
                {"license_requirement": clean(item.get("notes"))},
                source,
            )
        )
    declared = doc.get("count")
    if isinstance(declared, int) and declared != len(out):
        raise SourceError(f"{source}: says it holds {declared} entries, found {len(out)}")
    _check_size(out, source)
    return unique_ids(out)


CSL_COLUMNS = ("source", "name", "alt_names", "addresses", "federal_register_notice")


def parse_csl_csv(text: str, source: str = "consolidated.csv") -> list[dict[str, Any]]:
    """Entity List rows of trade.gov's Consolidated Screening List CSV."""
    out = []
    for n, row in csv_rows(text, source, CSL_COLUMNS, label="Consolidated Screening List "):
        if "entity list" not in row.get("source", "").lower():
            continue
        if not row.get("name"):
            raise SourceError(f"{source} row {n}: Entity List row without a name")
        addresses = [a for a in row.get("addresses", "").split(";") if a.strip()]
        last = addresses[0].rsplit(",", 1)[-1].strip() if addresses else ""
        out.append(
            _bis_entry(
                n,
                row["name"],
                [a.strip() for a in row.get("alt_names", "").split(";") if a.strip()],
                last,
                [a.strip() for a in addresses],
                row.get("federal_register_notice", ""),
                {
                    "license_requirement": row.get("license_requirement", ""),
                    "license_policy": row.get("license_policy", ""),
                    "start_date": row.get("start_date", ""),
                },
                source,
                parse_day(row.get("start_date", "")),
            )
        )
    _check_size(out, source)
    return unique_ids(out)
