"""FollowTheMoney (FtM) entities: OpenSanctions' published formats in, the bundled lists out.

Read: FtM JSON lines (``entities.ftm.json``: one ``{"id", "schema", "properties", ...}`` object a
line; parties, their ``Sanction`` records and ``Address`` entities) and OpenSanctions' "simple
CSV" (``targets.simple.csv``: ``id, schema, name, aliases, countries, addresses, identifiers,
sanctions, ...`` with ``;`` between values). Names, aliases, former names, countries,
addresses, identifiers and the listing dates of the sanction records are kept.

Written: :func:`to_ftm` gives, for each party entry of a list, an FtM entity of its schema and a
``Sanction`` entity linking it to the list (authority, programme, dates, status). The objects
follow the FtM schema (checked against the ``followthemoney`` package in the test suite); the
package itself is not needed at run time because it builds a native library from source.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from laborlens.core.model import ListEntry, ListInfo
from laborlens.core.sources.common import SourceError, clean, country_code, entry, parse_day

#: FtM schemata of parties that can be screened (everything else is context).
PARTY_SCHEMATA = frozenset(
    {"Company", "Organization", "LegalEntity", "PublicBody", "Person", "Vessel", "Airplane"}
)
_OUR_SCHEMA = {"Airplane": "Aircraft", "LegalEntity": "Company", "PublicBody": "Organization"}
_FTM_SCHEMA = {
    "Aircraft": "Airplane",
    "Company": "Company",
    "Person": "Person",
    "Vessel": "Vessel",
    "Organization": "Organization",
}
_TOPIC = {
    "us_uflpa_entity_list": "forced.labor",
    "us_cbp_wro_findings": "forced.labor",
    "us_ofac_sdn": "sanction",
    "us_bis_entity_list": "export.control",
}


def _values(props: Mapping[str, Any], key: str) -> list[str]:
    raw = props.get(key) or []
    if isinstance(raw, str):
        raw = [raw]
    return [clean(v) for v in raw if clean(v)]


def _countries(values: Iterable[str]) -> list[str]:
    out = []
    for v in values:
        code = country_code(v)
        if code:
            out.append(code)
    return out


def _first_day(values: Iterable[str]) -> str | None:
    days = sorted(d for v in values if (d := parse_day(v[:10])))
    return days[0].isoformat() if days else None


def _ftm_objects(text: str, source: str) -> list[Mapping[str, Any]]:
    objects: list[Mapping[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{source} line {n}: not JSON ({exc.msg})") from exc
        if not isinstance(obj, Mapping) or "schema" not in obj or "properties" not in obj:
            raise SourceError(
                f"{source} line {n}: expected an FtM entity with 'schema' and 'properties'"
            )
        objects.append(obj)
    return objects


def parse_ftm_json(
    text: str, list_id: str, source: str = "entities.ftm.json"
) -> list[dict[str, Any]]:
    """Entries of an FtM JSON lines file (parties only; sanctions and addresses folded in)."""
    objects = _ftm_objects(text, source)
    by_id = {str(o.get("id")): o for o in objects}
    sanctions: dict[str, list[Mapping[str, Any]]] = {}
    for o in objects:
        if o["schema"] == "Sanction":
            for ent in _values(o["properties"], "entity"):
                sanctions.setdefault(ent, []).append(o["properties"])
    out = []
    for n, o in enumerate(objects, start=1):
        if o["schema"] not in PARTY_SCHEMATA or o.get("target") is False:
            continue
        props = o["properties"]
        names = _values(props, "name")
        if not names:
            raise SourceError(f"{source} line {n}: {o['schema']} {o.get('id')} has no name")
        sanc = sanctions.get(str(o.get("id")), [])
        addresses = _values(props, "address")
        for ref in _values(props, "addressEntity"):
            addr = by_id.get(ref)
            if addr is not None:
                addresses.extend(_values(addr["properties"], "full"))
        start = _first_day(
            [d for s in sanc for k in ("listingDate", "startDate") for d in _values(s, k)]
        )
        ends = [d for s in sanc for d in _values(s, "endDate")]
        out.append(
            entry(
                list_id,
                str(o.get("id") or f"{list_id}-{n}"),
                names[0],
                aliases=names[1:] + _values(props, "alias") + _values(props, "weakAlias"),
                former_names=_values(props, "previousName"),
                schema=_OUR_SCHEMA.get(o["schema"], o["schema"]),
                addresses=addresses,
                countries=_countries(
                    _values(props, "country")
                    + _values(props, "jurisdiction")
                    + _values(props, "nationality")
                ),
                programs=sorted({p for s in sanc for p in _values(s, "program")}),
                effective_date=start,
                end_date=_first_day(ends) if ends and len(ends) == len(sanc) else None,
                properties={
                    "registration_id": "; ".join(_values(props, "registrationNumber")),
                    "datasets": "; ".join(str(d) for d in o.get("datasets") or ()),
                    "ftm_schema": o["schema"],
                    "authority": "; ".join({a for s in sanc for a in _values(s, "authority")}),
                },
                source=f"{source} line {n}",
            )
        )
    if not out:
        raise SourceError(f"{source}: expected FtM party entities (Company, Person, …), found none")
    return out


SIMPLE_COLUMNS = ("id", "schema", "name", "aliases", "countries")


def parse_simple_csv(
    text: str, list_id: str, source: str = "targets.simple.csv"
) -> list[dict[str, Any]]:
    """Entries of OpenSanctions' simple CSV (``;`` separates the values of a cell)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or ()]
    missing = [c for c in SIMPLE_COLUMNS if c not in header]
    if missing:
        raise SourceError(
            f"{source}: expected the OpenSanctions simple CSV columns "
            f"{', '.join(SIMPLE_COLUMNS)}; missing {', '.join(missing)}"
        )
    out = []
    for n, raw in enumerate(reader, start=1):
        row = {str(k).strip(): (v or "") for k, v in raw.items() if k is not None}

        def many(key: str, row: dict[str, str] = row) -> list[str]:
            return [clean(v) for v in row.get(key, "").split(";") if clean(v)]

        name = clean(row.get("name"))
        if not name:
            raise SourceError(f"{source} row {n}: empty name")
        schema = clean(row.get("schema")) or "LegalEntity"
        sanctions = clean(row.get("sanctions"))
        out.append(
            entry(
                list_id,
                clean(row.get("id")) or f"{list_id}-{n}",
                name,
                aliases=many("aliases"),
                schema=_OUR_SCHEMA.get(schema, schema),
                addresses=many("addresses"),
                countries=_countries(many("countries")),
                effective_date=_first_day(re.findall(r"\d{4}-\d{2}-\d{2}", sanctions)),
                properties={
                    "registration_id": "; ".join(many("identifiers")),
                    "sanctions": sanctions,
                    "dataset": clean(row.get("dataset")),
                    "ftm_schema": schema,
                },
                source=f"{source} row {n}",
            )
        )
    if not out:
        raise SourceError(f"{source}: no rows")
    return out


def _sanction(e: ListEntry, info: ListInfo, eid: str) -> dict[str, Any]:
    props: dict[str, list[str]] = {
        "entity": [eid],
        "authority": [info.publisher],
        "program": list(e.programs) or [info.title],
        "sourceUrl": [info.source] if info.source.startswith("http") else [],
        "startDate": [e.effective_date.isoformat()] if e.effective_date else [],
        "endDate": [e.end_date.isoformat()] if e.end_date else [],
        "status": [s] if (s := e.prop("status")) else [],
        "reason": [r] if (r := e.prop("listing_rule") or e.prop("merchandise")) else [],
    }
    return {
        "id": f"{eid}-sanction",
        "schema": "Sanction",
        "properties": {k: v for k, v in props.items() if v},
        "datasets": [info.list_id],
    }


def ftm_id(text: str) -> str:
    """An FtM entity id (letters, digits, ``.`` and ``-`` only)."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-")[:200] or "entity"


def to_ftm(entries: Iterable[ListEntry], info: ListInfo) -> Iterator[dict[str, Any]]:
    """FtM entities of a list's party entries: each party, then its ``Sanction`` record.

    Entries that are not parties (region- or product-wide orders, goods) have no FtM form and
    are left out; the caller can count them.
    """
    topic = _TOPIC.get(info.list_id)
    for e in entries:
        schema = _FTM_SCHEMA.get(e.schema)
        if schema is None:
            continue
        eid = ftm_id(f"{info.list_id}-{e.entry_id}")
        former = set(e.former_names)
        props: dict[str, list[str]] = {
            "name": [e.name],
            "alias": [a for a in e.aliases if a not in former],
            "previousName": list(e.former_names),
            "country": [c.lower() for c in e.countries],
            "address": list(e.addresses),
            "topics": [topic] if topic else [],
            "notes": [v for k, v in e.properties if k in ("remarks", "history")],
        }
        if schema in ("Company", "Organization") and e.prop("registration_id"):
            props["registrationNumber"] = [str(e.prop("registration_id"))]
        if schema == "Vessel":
            props.pop("address")
        yield {
            "id": eid,
            "schema": schema,
            "properties": {k: v for k, v in props.items() if v},
            "datasets": [info.list_id],
        }
        yield _sanction(e, info, eid)
