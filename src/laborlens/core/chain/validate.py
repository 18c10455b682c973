"""Build a :class:`Chain` from rows of nodes and edges, with clear per-row errors.

Rows are plain mappings (from a JSON file, a CSV reader or an FtM converter). Problems never raise:
each becomes a :class:`RowError` naming the source, row and column. What is dropped and what is
kept is chosen so that a data problem never *hides* taint:

- an edge naming an unknown node, a self-loop or a duplicate edge is dropped (it cannot be placed
  or is already counted);
- an edge with a bad quantity, unit or value keeps carrying taint; only its quantity is ignored by
  mass balance (and the node's balance is marked incomplete);
- a relation type that is not recognised is treated as a material flow (the conservative choice).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from laborlens.core import columns
from laborlens.core.chain.model import MATERIAL, Chain, ChainEdge, ChainNode
from laborlens.core.chain.tables import Tables, load_tables
from laborlens.core.model import Record, RowError
from laborlens.core.records import ColumnMap, build_record

_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$")


def _norm_row(raw: Mapping[Any, Any], synonyms: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in raw.items():
        if k is None:
            continue
        key = str(k).strip().lstrip("\ufeff").lower().replace(" ", "_")
        key = synonyms.get(key, key)
        if isinstance(v, str):
            v = v.strip()
            if v == "":
                v = None
        if key in out and out[key] is not None:
            continue  # a synonym never overwrites the canonical column
        out[key] = v
    return out


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _number(v: Any) -> float:
    """A float from a number or text (``1,234.5`` accepted); ``ValueError`` otherwise."""
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, int | float):
        f = float(v)
    else:
        f = float(str(v).replace(",", "").replace("_", "").strip())
    if math.isnan(f) or math.isinf(f):
        raise ValueError(v)
    return f


#: columns of a node that are not record columns
_NODE_ONLY = ("role", "yield")


def _record(
    row: dict[str, Any], n: int, source: str | None, maps: dict[tuple[str, ...], ColumnMap]
) -> Record:
    """The node's record, read like a row of records to screen (same columns and synonyms)."""
    cells = {k: v for k, v in row.items() if k not in _NODE_ONLY}
    keys = tuple(cells)
    cmap = maps.get(keys) or maps.setdefault(keys, ColumnMap.from_headers(keys))
    return build_record(list(cells.values()), cmap, n, source)


def build_chain(
    node_rows: Iterable[Mapping[str, Any]],
    edge_rows: Iterable[Mapping[str, Any]],
    *,
    nodes_source: str | None = None,
    edges_source: str | None = None,
    tables: Tables | None = None,
    require_ids: bool = False,
) -> Chain:
    """Validate rows of nodes and edges into a :class:`Chain`.

    Args:
        node_rows: one mapping per node: record columns (docs/contracts.md), ``role``, ``yield``.
        edge_rows: one mapping per edge: ``id``, ``from``, ``to``, ``type``, ``product``,
            ``hs_code``, ``quantity``, ``unit``, ``value``, ``currency``, ``period``, ``date``,
            ``declared``.
        nodes_source: name of the nodes file (for messages).
        edges_source: name of the edges file (for messages).
        tables: unit/material tables (default: the bundled ones).
        require_ids: a node without an ``id`` is an error (else its row number is its id).

    Returns:
        The chain; ``chain.errors`` lists every problem (row 0 = file-level).
    """
    tables = tables or load_tables()
    errors: list[RowError] = []
    nodes = _nodes(node_rows, nodes_source, require_ids, errors)
    if not nodes:
        errors.append(RowError("the chain has no nodes", None, 0, nodes_source))
    by_id = {nd.id: nd.index for nd in nodes}
    edges: list[ChainEdge] = []
    seen: dict[tuple[Any, ...], int] = {}
    ids: dict[str, int] = {}
    for n, raw in enumerate(edge_rows, start=1):
        edge = _edge(raw, n, by_id=by_id, tables=tables, errors=errors, source=edges_source)
        if edge is None:
            continue
        key = (
            edge.src,
            edge.dst,
            edge.type,
            edge.product,
            edge.hs_code,
            edge.period,
            edge.ship_date,
            edge.quantity,
            edge.unit,
        )
        if key in seen:
            errors.append(
                RowError(
                    f"duplicate edge {nodes[edge.src].id} -> {nodes[edge.dst].id} "
                    f"(same as row {seen[key]}); this row is ignored",
                    None,
                    n,
                    edges_source,
                )
            )
            continue
        seen[key] = n
        edge_id = _edge_id(edge.id or f"{nodes[edge.src].id}->{nodes[edge.dst].id}", ids)
        edges.append(replace(edge, index=len(edges), id=edge_id))
    return Chain(tuple(nodes), tuple(edges), tuple(errors), nodes_source)


def _edge_id(base: str, ids: dict[str, int]) -> str:
    """``base``, or ``base#2``, ``base#3`` … when it is taken (repeated pairs, repeated ids)."""
    ids[base] = ids.get(base, 0) + 1
    return base if ids[base] == 1 else f"{base}#{ids[base]}"


def _nodes(
    node_rows: Iterable[Mapping[str, Any]],
    source: str | None,
    require_ids: bool,
    errors: list[RowError],
) -> list[ChainNode]:
    nodes: list[ChainNode] = []
    by_id: dict[str, int] = {}
    maps: dict[tuple[str, ...], ColumnMap] = {}
    for n, raw in enumerate(node_rows, start=1):
        row = _norm_row(raw, columns.lookup("chain_node"))
        rec = _record(row, n, source, maps)
        errors.extend(rec.errors)
        if require_ids and _text(row.get("id")) is None:
            errors.append(RowError("the node has no 'id'", "id", n, source))
        if rec.id in by_id:
            errors.append(
                RowError(
                    f"duplicate node id '{rec.id}' (first on row "
                    f"{nodes[by_id[rec.id]].record.row}); this row is ignored",
                    "id",
                    n,
                    source,
                )
            )
            continue
        by_id[rec.id] = len(nodes)
        nodes.append(
            ChainNode(len(nodes), rec, _text(row.get("role")), _yield(row, n, source, errors))
        )
    return nodes


def _yield(
    row: Mapping[str, Any], n: int, source: str | None, errors: list[RowError]
) -> float | None:
    if row.get("yield") is None:
        return None
    try:
        y = _number(row["yield"])
        if y <= 0:
            raise ValueError(y)
    except ValueError:
        errors.append(
            RowError(f"yield '{row['yield']}' is not a positive number", "yield", n, source)
        )
        return None
    return y


def _ends(
    row: Mapping[str, Any],
    n: int,
    by_id: Mapping[str, int],
    errors: list[RowError],
    source: str | None,
) -> tuple[int, int] | None:
    ends: list[int] = []
    for col in ("from", "to"):
        ref = _text(row.get(col))
        if ref is None:
            errors.append(
                RowError(f"missing node id in column '{col}'; edge ignored", col, n, source)
            )
            return None
        if ref not in by_id:
            errors.append(RowError(f"unknown node id '{ref}'; edge ignored", col, n, source))
            return None
        ends.append(by_id[ref])
    src, dst = ends
    if src == dst:
        errors.append(
            RowError(f"self-loop on node '{_text(row.get('from'))}'; edge ignored", "to", n, source)
        )
        return None
    return src, dst


def _relation(row: Mapping[str, Any], n: int, errors: list[RowError], source: str | None) -> str:
    t = _text(row.get("type"))
    if t is None:
        return MATERIAL
    mapped = columns.lookup("relation_types").get(t.casefold())
    if mapped is None:
        errors.append(
            RowError(
                f"unknown relation type '{t}' (expected material, ownership or"
                " control); treated as material",
                "type",
                n,
                source,
            )
        )
        return MATERIAL
    return mapped


def _quantity(
    row: Mapping[str, Any], n: int, tables: Tables, errors: list[RowError], source: str | None
) -> float | None:
    quantity: float | None = None
    unit = _text(row.get("unit"))
    if row.get("quantity") is not None:
        try:
            quantity = _number(row["quantity"])
        except ValueError:
            errors.append(
                RowError(f"quantity '{row['quantity']}' is not a number", "quantity", n, source)
            )
        else:
            if quantity < 0:
                errors.append(
                    RowError(
                        f"negative quantity {quantity:g}; quantity ignored", "quantity", n, source
                    )
                )
                quantity = None
            elif unit is None:
                errors.append(
                    RowError("quantity without a unit; quantity ignored", "unit", n, source)
                )
                quantity = None
    if unit is not None and tables.unit(unit) is None:
        errors.append(
            RowError(
                f"unknown unit '{unit}' (known: {', '.join(tables.unit_names())});"
                " quantity ignored",
                "unit",
                n,
                source,
            )
        )
        quantity = None
    return quantity


def _value(
    row: Mapping[str, Any], n: int, errors: list[RowError], source: str | None
) -> float | None:
    if row.get("value") is None:
        return None
    try:
        value = _number(row["value"])
    except ValueError:
        errors.append(RowError(f"value '{row['value']}' is not a number", "value", n, source))
        return None
    if value < 0:
        errors.append(RowError(f"negative value {value:g}; value ignored", "value", n, source))
        return None
    return value


def _when(
    row: Mapping[str, Any], n: int, errors: list[RowError], source: str | None
) -> tuple[date | None, str | None]:
    """The shipment date and the accounting period (the date's month when not given)."""
    ship: date | None = None
    if row.get("date") is not None:
        d = _text(row["date"]) or ""
        try:
            ship = date.fromisoformat(d[:10])
        except ValueError:
            errors.append(RowError(f"'{d}' is not a date (YYYY-MM-DD)", "date", n, source))
    period = _text(row.get("period"))
    if period is not None and not _PERIOD.match(period):
        errors.append(
            RowError(
                f"period '{period}' is not YYYY, YYYY-MM or YYYY-Qn; ignored", "period", n, source
            )
        )
        period = None
    if period is None and ship is not None:
        period = ship.isoformat()[:7]
    return ship, period


def _declared(
    row: Mapping[str, Any], n: int, errors: list[RowError], source: str | None
) -> str | None:
    dv = _text(row.get("declared"))
    if dv is None:
        return None
    declared = columns.lookup("declared").get(dv.casefold())
    if declared is None:
        errors.append(
            RowError(f"declared '{dv}' is not untainted or tainted; ignored", "declared", n, source)
        )
    return declared


def _edge(
    raw: Mapping[str, Any],
    n: int,
    *,
    by_id: Mapping[str, int],
    tables: Tables,
    errors: list[RowError],
    source: str | None,
) -> ChainEdge | None:
    row = _norm_row(raw, columns.lookup("chain_edge"))
    ends = _ends(row, n, by_id, errors, source)
    if ends is None:
        return None
    etype = _relation(row, n, errors, source)
    quantity = _quantity(row, n, tables, errors, source)
    value = _value(row, n, errors, source)
    ship, period = _when(row, n, errors, source)
    return ChainEdge(
        index=-1,
        row=n,
        src=ends[0],
        dst=ends[1],
        type=etype,
        product=_text(row.get("product")),
        hs_code=_text(row.get("hs_code")),
        quantity=quantity,
        unit=_text(row.get("unit")),
        value=value,
        currency=_text(row.get("currency")),
        period=period,
        ship_date=ship,
        declared=_declared(row, n, errors, source),
        id=_text(row.get("id")) or "",
    )
