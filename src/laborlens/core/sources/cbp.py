"""CBP's Withhold Release Orders and Findings: the official CSV, or a JSON parse of it.

CBP publishes one CSV (``withhold-release-orders-findings-*.csv``) with the columns ``Country,
Entity, Effective Date, Status, WRO/Finding, Industry, Merchandise, Remarks, Press Release``
(and some that are ignored). The captured JSON is a third party's parse of that file: the same
rows with ``name, aliases, country, status, effective_date`` and the other columns folded into
``notes`` (``WRO; Industry: …; Merchandise: …; Remarks: …``).

Every row becomes at least one entry. A row naming several parties (``A and B``, ``A; B``,
``A and its two subsidiaries from China, B and C``) gives one entry per party, all carrying the
row's number, status and dates; a party the remarks say was "removed from the order" on a date
gets that ``end_date``. Region- and product-wide orders (``resources/lists/cbp_orders.yaml``)
become entries of schema ``Order``, which the name matcher skips: the regimes decide them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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

LIST_ID = "us_cbp_wro_findings"
URL = "https://www.cbp.gov/trade/forced-labor/withhold-release-orders-and-findings"
CSV_COLUMNS = ("Country", "Entity", "Effective Date", "Status", "WRO/Finding")
STATUSES = ("Active", "Partially Modified", "Partially Active", "Inactive", "Revoked", "Modified")
#: A file with fewer rows than this is not CBP's list (truncated or another file).
MIN_ROWS = 30


@dataclass(frozen=True)
class Row:
    """One row of CBP's file, whatever format it came in."""

    n: int
    entity: str
    aliases: tuple[str, ...]
    country: str
    status: str
    day: str
    kind: str  # WRO | Finding
    industry: str
    merchandise: str
    remarks: str
    press_release: str


@cache
def _orders() -> tuple[dict[str, dict[str, Any]], tuple[re.Pattern[str], ...]]:
    doc = resources.read_yaml("lists/cbp_orders.yaml") or {}
    orders = {name_key(str(o["entity"])): o for o in doc.get("orders") or ()}
    patterns = tuple(re.compile(p, re.I) for p in doc.get("patterns") or ())
    return orders, patterns


_FR = re.compile(r"\b(\d{2,3}\s+FR\s+\d+)")
_REMOVED = re.compile(
    r"(?P<names>[^:]*?)\s+removed from the order,?\s*(?:by [^,]*,\s*)?"
    r"(?P<day>\d{1,2}/\d{1,2}/\d{4})",
    re.I,
)
_VESSEL = re.compile(r"^Fishing Vessel:\s*(.+)$", re.I)
_OWNED = re.compile(r"^Fishing Vessels owned by\s+(.+)$", re.I)
_SUBS = re.compile(
    r"\s+and\s+(?:its|their)\s+(?:\w+\s+)?(?:subsidiaries|subordinates)(?:\s+from\s+[A-Z]\w+)?"
    r"\s*,?\s*",
    re.I,
)
_LEGAL_END = re.compile(
    r"(?:\bCo\.?|\bLtd\.?|\bInc\.?|\bLimited|\bCorporation|\bCompany|\bS\.A\. de C\.V\.|"
    r"\bPvt\.?|\bBhd|\bD\.O\.O\.?|\bS\.R\.L\.?|\bL\.L\.C\.?)$",
    re.I,
)
_PLACE_NOTE = re.compile(r"\s*\(of ([^)]+)\)\s*$")


def _and_split(text: str) -> list[str]:
    """``A Co., Ltd. and B`` -> [A Co., Ltd., B]; an "and" inside a name stays."""
    m = re.match(r"^(.+?)\s+and\s+(.+)$", text)
    if m and _LEGAL_END.search(m.group(1).rstrip(", ")):
        return [m.group(1).rstrip(", "), *_and_split(m.group(2))]
    return [text]


def _list_split(text: str) -> list[str]:
    """``A Pvt., B Pvt., Ltd., C, and D`` -> [A Pvt., B Pvt., Ltd., C, D] (only a list that
    ends in ", and X" is split on its commas; a legal form after a comma stays attached)."""
    if ", and " not in text:
        return [text]
    parts = comma_names(text)
    # "Agriculture, Industry, and Trade Co." is one name: a list of parties has no one-word part
    return parts if all(len(p.split()) >= 2 for p in parts) else [text]


def comma_names(text: str) -> list[str]:
    """Names separated by commas (and a final "and"), a legal form after a comma kept."""
    parts: list[str] = []
    for piece in re.split(r",\s+", text):
        piece = re.sub(r"^and\s+", "", piece.strip())
        if parts and re.match(r"^(?:Ltd|Limited|Inc|Co|LLC)\b", piece, re.I):
            parts[-1] = f"{parts[-1]}, {piece}"
        elif piece:
            parts.append(piece)
    return parts


def party_names(text: str) -> tuple[list[str], bool]:
    """The party names in a row's Entity text, and whether it names subsidiaries."""
    text = text.strip()
    if text.endswith(".."):
        text = text[:-1]  # a doubled full stop in the source ("D.O.O..")
    subsidiaries = False
    m = _SUBS.search(text)
    if m:
        subsidiaries = True
        text = (text[: m.start()] + "; " + text[m.end() :]).strip("; ")
    bare = re.sub(r"\s+and\s+Subsidiaries\s*$", "", text, flags=re.I)
    if bare != text:
        subsidiaries, text = True, bare
    names: list[str] = []
    for part in text.split(";"):
        part = part.strip(" ,")
        if not part or (names and re.fullmatch(r"[A-Z][a-z]+\.?", part)):
            continue  # a trailing place ("; Kathmandu")
        for p in _list_split(part):
            names.extend(n.strip(" ,") for n in _and_split(p) if n.strip(" ,"))
    return names, subsidiaries


def _removed(remarks: str) -> dict[str, str]:
    """Parties the remarks say were removed from the order: name key -> ISO date."""
    out: dict[str, str] = {}
    for m in _REMOVED.finditer(remarks):
        day = parse_day(m.group("day"))
        if day is None:
            continue
        for part in m.group("names").split(";"):
            for name in comma_names(part.strip(" ,")):
                out[name_key(name.strip(" ,"))] = day.isoformat()
    return out


def _removed_names(remarks: str) -> list[tuple[str, str]]:
    """(name as printed, ISO date) of everything the remarks say was removed from the order."""
    out = []
    for m in _REMOVED.finditer(remarks):
        day = parse_day(m.group("day"))
        if day is not None:
            out.append((m.group("names").strip(" ,;"), day.isoformat()))
    return out


def _entries_of(row: Row, source: str) -> list[dict[str, Any]]:
    day = parse_day(row.day)
    if day is None:
        raise SourceError(f"{source} row {row.n}: expected an effective date, found {row.day!r}")
    iso = country_code(row.country) if row.country else None
    countries = [iso] if iso else []
    props = {
        "row": str(row.n),
        "status": row.status,
        "entity_as_listed": row.entity,
        "country_as_listed": row.country,
        "industry": row.industry,
        "merchandise": row.merchandise,
        "remarks": row.remarks,
        "federal_register": "; ".join(_FR.findall(row.remarks)),
        "press_release": row.press_release,
    }
    common: dict[str, Any] = {
        "countries": countries,
        "programs": [row.kind],
        "effective_date": day.isoformat(),
        "source": source,
    }
    base = f"cbp-{row.kind.lower()}-{day.isoformat()}"
    orders, patterns = _orders()
    order = orders.get(name_key(row.entity))
    if order is not None or any(p.search(row.entity) for p in patterns):
        props["order_region"] = str(order["region"]) if order else ""
        props["order_covers"] = str(order["covers"]) if order else "not yet reviewed"
        props["removed_from_order"] = "; ".join(
            f"{n} ({d})" for n, d in _removed_names(row.remarks)
        )
        return [
            entry(
                LIST_ID,
                f"{base}-{slug(row.entity)}",
                row.entity,
                schema="Order",
                properties=props,
                **common,
            )
        ]
    vessel = _VESSEL.match(row.entity)
    if vessel:
        name = vessel.group(1).strip()
        return [
            entry(
                LIST_ID, f"{base}-{slug(name)}", name, schema="Vessel", properties=props, **common
            )
        ]
    owned = _OWNED.match(row.entity)
    if owned:
        name = owned.group(1).strip().rstrip(".")
        props["order_scope"] = "fishing vessels owned by this company"
        return [entry(LIST_ID, f"{base}-{slug(name)}", name, properties=props, **common)]
    names, subsidiaries = party_names(row.entity)
    if not names:
        raise SourceError(f"{source} row {row.n}: no party name in {row.entity!r}")
    removed = _removed(row.remarks)
    out = []
    for k, name in enumerate(names):
        addresses = []
        place = _PLACE_NOTE.search(name)
        if place:
            addresses.append(place.group(1))
            name = name[: place.start()].strip()
        party_props = dict(props, party=f"{k + 1} of {len(names)}") if len(names) > 1 else props
        out.append(
            entry(
                LIST_ID,
                f"{base}-{slug(name)}",
                name,
                aliases=[a for alias in row.aliases for a in alias.split(";")] if k == 0 else [],
                addresses=addresses,
                subsidiaries=subsidiaries,
                end_date=removed.get(name_key(name)),
                properties=party_props,
                **common,
            )
        )
    return out


def _check(rows: list[Row], source: str) -> None:
    if len(rows) < MIN_ROWS:
        raise SourceError(
            f"{source}: expected at least {MIN_ROWS} orders and findings, found {len(rows)}; "
            "the file may be truncated"
        )
    for row in rows:
        if not row.entity:
            raise SourceError(f"{source} row {row.n}: empty Entity")
        if row.kind not in ("WRO", "Finding"):
            raise SourceError(
                f"{source} row {row.n}: expected 'WRO' or 'Finding', found {row.kind!r}"
            )
        if not any(row.status.startswith(s) for s in STATUSES):
            raise SourceError(
                f"{source} row {row.n}: expected a status ({', '.join(STATUSES)}), "
                f"found {row.status!r}"
            )


def to_entries(rows: Iterable[Row], source: str) -> list[dict[str, Any]]:
    """Entries of validated rows (every row at least one entry)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        out.extend(_entries_of(row, source))
    return unique_ids(out)


_NOTE_FIELD = re.compile(r"(Industry|Merchandise|Remarks):\s*")


def _split_notes(notes: str) -> dict[str, str]:
    """``WRO; Industry: X; Merchandise: Y; Remarks: Z`` -> kind, industry, merchandise, remarks."""
    out = {"kind": "", "industry": "", "merchandise": "", "remarks": ""}
    parts = _NOTE_FIELD.split(notes)
    out["kind"] = parts[0].strip().rstrip(";").strip()
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        key = label.lower()
        value = value.strip()
        if key != "remarks":
            value = value.rstrip(";").strip()
        out[key] = value
    return out


def parse_cbp_json(text: str, source: str = "cbp_wro.json") -> list[dict[str, Any]]:
    """Entries of the JSON parse of CBP's file (``{"entities": [{name, aliases, country,
    status, effective_date, notes}, …]}``)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{source}: not JSON (line {exc.lineno}: {exc.msg})") from exc
    items = doc.get("entities") if isinstance(doc, Mapping) else None
    if not isinstance(items, list):
        raise SourceError(f"{source}: expected an object with an 'entities' list")
    rows = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or "name" not in item or "notes" not in item:
            raise SourceError(f"{source} entity {n}: expected name, status, notes; found {item!r}")
        notes = _split_notes(clean(item.get("notes")))
        rows.append(
            Row(
                n=n,
                entity=clean(item.get("name")),
                aliases=tuple(clean(a) for a in item.get("aliases") or () if clean(a)),
                country=clean(item.get("country")),
                status=clean(item.get("status")),
                day=clean(item.get("effective_date")),
                kind=notes["kind"],
                industry=notes["industry"],
                merchandise=notes["merchandise"],
                remarks=notes["remarks"],
                press_release="",
            )
        )
    declared = doc.get("count")
    if isinstance(declared, int) and declared != len(rows):
        raise SourceError(f"{source}: says it holds {declared} rows, found {len(rows)}")
    _check(rows, source)
    return to_entries(rows, source)


def parse_cbp_csv(text: str, source: str = "cbp.csv") -> list[dict[str, Any]]:
    """Entries of CBP's own CSV file (header row with at least :data:`CSV_COLUMNS`)."""
    rows = []
    for n, row in csv_rows(text, source, CSV_COLUMNS):
        if not any(row.values()):
            continue
        rows.append(
            Row(
                n=n,
                entity=row.get("Entity", ""),
                aliases=(),
                country=row.get("Country", ""),
                status=row.get("Status", ""),
                day=row.get("Effective Date", ""),
                kind=row.get("WRO/Finding", ""),
                industry=row.get("Industry", ""),
                merchandise=row.get("Merchandise", ""),
                remarks=row.get("Remarks", ""),
                press_release=row.get("Press Release", ""),
            )
        )
    _check(rows, source)
    return to_entries(rows, source)
