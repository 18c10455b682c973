"""Readers for supply chains: JSON ``{"nodes", "edges"}``, a folder with ``nodes.csv`` and
``edges.csv``, and FollowTheMoney entities (JSON Lines or a JSON array).

File-level problems (missing file, invalid JSON, no ``from``/``to`` columns) raise
:class:`ChainInputError` with a message naming the file (and line/column where it helps). Row-level
problems become :class:`~laborlens.core.model.RowError` s on the returned chain (see
:func:`laborlens.core.chain.build_chain`).

FollowTheMoney mapping (https://followthemoney.tech/explorer/):

- ``LegalEntity``, ``Company``, ``Organization``, ``PublicBody``, ``Person`` → nodes (``name``,
  ``alias``/``previousName``/``weakAlias`` → aliases, ``address`` or the linked ``Address``
  entity's ``full`` → address, ``country``/``jurisdiction``/``mainCountry`` → country,
  ``registrationNumber``/``taxNumber``/``idNumber`` → registration_id, ``phone``, ``sector`` →
  role);
- ``Ownership`` (``owner`` → ``asset``) → ``ownership`` edges; ``Directorship``
  (``director`` → ``organization``) → ``control`` edges;
- ``Payment`` (goods flow from ``beneficiary`` to ``payer``; ``amount`` → value, ``purpose`` or
  ``summary`` → product, ``date``) and ``UnknownLink`` whose ``role`` names a supply/trade
  relation (``subject`` supplies ``object``) → material edges.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from laborlens.adapters.io.encoding import InputError, choose_encoding
from laborlens.core import columns
from laborlens.core.chain import Chain, build_chain


class ChainInputError(ValueError):
    """The chain input cannot be used at all; the message names the file."""


_NODE_SCHEMAS = {"LegalEntity", "Company", "Organization", "PublicBody", "Person"}
_SUPPLY_WORDS = ("suppl", "vendor", "ship", "sell", "sale", "trade", "export", "import")


def _read_text(path: Path) -> str:
    """The file's text, its encoding detected like any input's (adapters/io/encoding.py)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ChainInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        choice = choose_encoding(path, raw, True, None)
    except InputError as exc:
        raise ChainInputError(str(exc)) from exc
    return raw.decode(choice.encoding).lstrip("\ufeff")


def _csv_rows(path: Path, required: Sequence[str] = ()) -> list[dict[str, Any]]:
    text = _read_text(path)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ChainInputError(f"{path}: empty file (a header row is needed)")
    try:
        dialect: Any = csv.Sniffer().sniff(lines[0], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(lines, dialect=dialect)
    header = [(h or "").strip().lower() for h in reader.fieldnames or ()]
    for col in required:
        alts = _REQUIRED_ALTS.get(col, (col,))
        if not any(a in header for a in alts):
            raise ChainInputError(
                f"{path}: row 1: no column '{col}' (header has: {', '.join(header) or 'nothing'})"
            )
    return [dict(r) for r in reader]


#: the names an edge's two required columns may have (resources/columns.yaml)
_REQUIRED_ALTS: dict[str, tuple[str, ...]] = {
    col: (col, *columns.synonyms("chain_edge").get(col, ())) for col in ("from", "to")
}


def _check_edge_keys(rows: Sequence[Mapping[str, Any]], where: str) -> None:
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise ChainInputError(f"{where}: edge {n} is not an object")
    if rows:
        keys = {str(k).strip().lower() for r in rows for k in r}
        for col, alts in _REQUIRED_ALTS.items():
            if not keys & set(alts):
                raise ChainInputError(f"{where}: no edge has a '{col}' field")


def read_chain_json(path: Path, *, require_ids: bool = False) -> Chain:
    """A chain from a JSON file ``{"nodes": [...], "edges": [...]}`` (or an FtM array)."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChainInputError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if isinstance(data, list):
        return chain_from_ftm(data, source=str(path))
    if not isinstance(data, dict) or "nodes" not in data:
        raise ChainInputError(f'{path}: expected an object with "nodes" and "edges" arrays')
    nodes, edges = data.get("nodes"), data.get("edges") or []
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise ChainInputError(f'{path}: "nodes" and "edges" must be arrays')
    for n, row in enumerate(nodes, start=1):
        if not isinstance(row, Mapping):
            raise ChainInputError(f"{path}: node {n} is not an object")
    _check_edge_keys(edges, str(path))
    return build_chain(
        nodes,
        edges,
        nodes_source=f"{path} nodes",
        edges_source=f"{path} edges",
        require_ids=require_ids,
    )


def read_chain_folder(folder: Path, *, require_ids: bool = False) -> Chain:
    """A chain from a folder with ``nodes.csv`` and ``edges.csv``."""
    nodes_p, edges_p = folder / "nodes.csv", folder / "edges.csv"
    for p in (nodes_p, edges_p):
        if not p.is_file():
            raise ChainInputError(
                f"{folder}: missing {p.name} (a chain folder needs nodes.csv and edges.csv)"
            )
    nodes = _csv_rows(nodes_p)
    edges = _csv_rows(edges_p, ("from", "to"))
    return build_chain(
        nodes, edges, nodes_source=str(nodes_p), edges_source=str(edges_p), require_ids=require_ids
    )


def _iter_ftm_lines(path: Path) -> Iterator[dict[str, Any]]:
    for n, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ChainInputError(f"{path}: line {n}: invalid JSON: {exc.msg}") from exc
        if not isinstance(obj, dict):
            raise ChainInputError(f"{path}: line {n}: not a JSON object")
        yield obj


def _props(entity: Mapping[str, Any]) -> dict[str, list[str]]:
    raw = entity.get("properties") or {}
    out: dict[str, list[str]] = {}
    if isinstance(raw, Mapping):
        for k, v in raw.items():
            vals = v if isinstance(v, list) else [v]
            out[str(k)] = [str(x) for x in vals if x is not None and str(x).strip()]
    return out


def _first(props: Mapping[str, list[str]], *keys: str) -> str | None:
    for k in keys:
        if props.get(k):
            return props[k][0]
    return None


def _ref(value: Any) -> str | None:
    """An FtM entity reference: a plain id or a nested entity object."""
    if isinstance(value, Mapping):
        return str(value.get("id")) if value.get("id") else None
    return str(value) if value else None


def _addresses(ents: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """FtM ``Address`` entities by id, as one line of text."""
    out: dict[str, str] = {}
    for e in ents:
        if e.get("schema") == "Address":
            p = _props(e)
            full = _first(p, "full") or ", ".join(
                x
                for k in ("street", "city", "region", "postalCode", "country")
                for x in p.get(k, [])[:1]
            )
            if e.get("id") and full:
                out[str(e["id"])] = full
    return out


def _ftm_node(e: Mapping[str, Any], n: int, addresses: Mapping[str, str]) -> dict[str, Any]:
    p = _props(e)
    raw_props = e.get("properties") or {}
    names = p.get("name", [])
    addr = _first(p, "address")
    refs = (raw_props.get("addressEntity") or []) if isinstance(raw_props, Mapping) else []
    if not addr:
        addr = next((addresses[r] for r in map(_ref, refs) if r and r in addresses), None)
    return {
        "id": e.get("id"),
        "name": names[0] if names else None,
        "aliases": names[1:]
        + p.get("alias", [])
        + p.get("previousName", [])
        + p.get("weakAlias", []),
        "address": addr,
        "country": _first(p, "country", "jurisdiction", "mainCountry"),
        "registration_id": _first(p, "registrationNumber", "taxNumber", "idNumber"),
        "phone": _first(p, "phone"),
        "role": _first(p, "sector", "classification"),
        "ftm_schema": e.get("schema"),
        "ftm_row": n,
    }


#: FtM link schemas -> (from property, to property, relation type)
_LINKS = {
    "Ownership": ("owner", "asset", "ownership"),
    "Directorship": ("director", "organization", "control"),
    "Payment": ("beneficiary", "payer", "material"),  # goods flow against the money
    "UnknownLink": ("subject", "object", "material"),
}


def _ftm_edge(e: Mapping[str, Any]) -> dict[str, Any] | None:
    schema = str(e.get("schema") or "")
    if schema not in _LINKS:
        return None
    p = _props(e)
    if schema == "UnknownLink":
        role = (_first(p, "role") or "").casefold()
        if not any(w in role for w in _SUPPLY_WORDS):
            return None
    raw_props = e.get("properties") or {}

    def ref(key: str) -> str | None:
        vals = raw_props.get(key) if isinstance(raw_props, Mapping) else None
        if isinstance(vals, list):
            return _ref(vals[0]) if vals else None
        return _ref(vals)

    src, dst, kind = _LINKS[schema]
    edge: dict[str, Any] = {"from": ref(src), "to": ref(dst), "type": kind}
    if schema == "Payment":
        edge.update(
            value=_first(p, "amount"),
            currency=_first(p, "currency"),
            product=_first(p, "purpose", "summary", "description"),
            date=_first(p, "date", "startDate"),
        )
    elif schema == "UnknownLink":
        edge.update(
            product=_first(p, "summary", "description"), date=_first(p, "date", "startDate")
        )
    edge["ftm_id"] = e.get("id")
    return edge


def chain_from_ftm(entities: Iterable[Mapping[str, Any]], *, source: str) -> Chain:
    """A chain from FollowTheMoney entities (see the module docstring for the mapping)."""
    ents = list(entities)
    for n, e in enumerate(ents, start=1):
        if not isinstance(e, Mapping):
            raise ChainInputError(f"{source}: entity {n} is not a JSON object")
    addresses = _addresses(ents)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for n, e in enumerate(ents, start=1):
        if str(e.get("schema") or "") in _NODE_SCHEMAS:
            nodes.append(_ftm_node(e, n, addresses))
        elif (edge := _ftm_edge(e)) is not None:
            edges.append(edge)
    if not nodes:
        raise ChainInputError(
            f"{source}: no FollowTheMoney party entities (LegalEntity, Company,"
            " Organization, PublicBody, Person)"
        )
    return build_chain(
        nodes, edges, nodes_source=f"{source} entities", edges_source=f"{source} relations"
    )


def read_chain(path: str | Path, *, require_ids: bool = False) -> Chain:
    """Read a chain from a JSON file, a folder (nodes.csv + edges.csv) or FtM JSON Lines.

    ``require_ids``: a node without an ``id`` is a row error (FtM entities always have one).

    Raises:
        ChainInputError: the input cannot be used at all (the message names the file).
    """
    p = Path(path)
    if p.is_dir():
        return read_chain_folder(p, require_ids=require_ids)
    if not p.exists():
        raise ChainInputError(f"{p}: no such file or folder")
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".ftm"):
        return chain_from_ftm(_iter_ftm_lines(p), source=str(p))
    if suffix == ".json":
        return read_chain_json(p, require_ids=require_ids)
    raise ChainInputError(
        f"{p}: unknown chain format '{suffix or p.name}' (expected .json, .jsonl/.ftm FtM entities,"
        " or a folder with nodes.csv and edges.csv)"
    )
