"""Validate a chain given as columns into a :class:`ChainTable`, with the same rules and messages
as :func:`laborlens.core.chain.build_chain` (row by row): a file reader hands over text columns as
:class:`Codes` (few distinct values: unit, type, period …, each distinct value checked once),
numbers as :class:`Numbers`, and node references already looked up; nothing here is per row
except the making of a message for a row that has a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from laborlens.core import columns
from laborlens.core.chain import graph as g
from laborlens.core.chain.model import EDGE_TYPES, MATERIAL
from laborlens.core.chain.table import (
    DECLARED,
    NO_DAY,
    ChainTable,
    Codes,
    NodeRecords,
    day_date,
    day_number,
)
from laborlens.core.chain.tables import Tables, load_tables
from laborlens.core.chain.validate import _PERIOD
from laborlens.core.model import RowError

#: ``ChainTable.src`` / ``dst`` value of a reference that names no node, or is empty.
UNKNOWN, MISSING = -1, -2


@dataclass(frozen=True, slots=True)
class Numbers:
    """A numeric column: values (NaN when empty or not a number), by position the text of the
    values that are not numbers, and ``text(i)``: any value as written."""

    values: g.FloatArray
    bad: dict[int, str] = field(default_factory=dict)
    text: Callable[[int], str] = str


@dataclass(frozen=True, slots=True)
class NodeColumns:
    """Node rows: ``ids`` as given (``None`` when empty), input ``rows``, and the columns the
    chain itself uses (the rest of each record is built by ``records``); ``record_errors``: the
    problems building the rows' records reports (what ``Record.errors`` would hold), any order."""

    ids: Sequence[str | None]
    rows: g.IntArray
    role: Codes
    yield_: Numbers
    hs_code: Codes
    product: Codes
    records: Callable[[g.IntArray], NodeRecords]  # the records of the nodes kept
    record_errors: Sequence[RowError] = ()


@dataclass(frozen=True, slots=True)
class EdgeColumns:
    """Edge rows: ``src``/``dst`` node indices (or :data:`UNKNOWN` / :data:`MISSING`),
    ``ref_text(position, column)`` the text of an unknown reference, and the edge columns."""

    rows: g.IntArray
    src: g.IntArray
    dst: g.IntArray
    ref_text: Callable[[int, str], str]
    type: Codes
    product: Codes
    hs_code: Codes
    quantity: Numbers
    unit: Codes
    value: Numbers
    currency: Codes
    period: Codes
    date: Codes
    declared: Codes
    edge_id: Codes


class _Errors:
    """Row problems, kept with a sort key so that they come out in row order."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.items: list[tuple[int, int, RowError]] = []

    def add(self, row: int, order: int, message: str, column: str | None) -> None:
        self.items.append((row, order, RowError(message, column, row, self.source)))

    def sorted(self) -> list[RowError]:
        return [e for _, _, e in sorted(self.items, key=lambda t: (t[0], t[1]))]


def build_nodes(
    cols: NodeColumns, source: str | None, require_ids: bool
) -> tuple[g.IntArray, tuple[str, ...], list[RowError]]:
    """The nodes kept (positions), their ids, and the node rows' problems."""
    errs = _Errors(source)
    # a row's record problems come first, in the order the record reports them (sorting is stable)
    errs.items.extend((e.row, 0, e) for e in cols.record_errors)
    y = cols.yield_
    bad_yield = set(y.bad) | set(np.flatnonzero(y.values <= 0).tolist())
    if require_ids is False and None not in cols.ids and len(set(cols.ids)) == len(cols.ids):
        # every row has its own id (the common case): nothing to check row by row
        ids = tuple(str(i) for i in cols.ids)
        for i in sorted(bad_yield):
            text = y.bad.get(i) or y.text(i)
            errs.add(int(cols.rows[i]), 4, f"yield '{text}' is not a positive number", "yield")
        return np.arange(len(ids), dtype=np.int64), ids, errs.sorted()
    first: dict[str, int] = {}
    keep: list[int] = []
    ids_kept: list[str] = []
    for i, given in enumerate(cols.ids):
        row = int(cols.rows[i])
        if given is None and require_ids:
            errs.add(row, 2, "the node has no 'id'", "id")
        node_id = given if given is not None else str(row)
        at = first.get(node_id)
        if at is not None:
            message = (
                f"duplicate node id '{node_id}' (first on row {int(cols.rows[at])}); "
                "this row is ignored"
            )
            errs.add(row, 3, message, "id")
            continue
        first[node_id] = i
        keep.append(i)
        ids_kept.append(node_id)
        if i in bad_yield:
            text = y.bad.get(i) or y.text(i)
            errs.add(row, 4, f"yield '{text}' is not a positive number", "yield")
    return np.asarray(keep, dtype=np.int64), tuple(ids_kept), errs.sorted()


def _relation(t: str) -> tuple[int, str | None]:
    mapped = columns.lookup("relation_types").get(t.casefold())
    if mapped is None:
        message = (
            f"unknown relation type '{t}' (expected material, ownership or control);"
            " treated as material"
        )
        return EDGE_TYPES.index(MATERIAL), message
    return EDGE_TYPES.index(mapped), None


def _day(text: str) -> int:
    try:
        return day_number(date.fromisoformat(text[:10]))
    except ValueError:
        return NO_DAY


def _declared(text: str) -> int:
    found = columns.lookup("declared").get(text.casefold())
    return -1 if found is None else DECLARED.index(found)


def _lookup(codes: Codes, per_value: Sequence[Any], missing: Any) -> Any:
    """Per row, the result of its distinct value (``missing`` for rows without a value)."""
    table = np.array([*per_value, missing])
    return table[codes.codes.astype(np.int64)]  # code -1 reads the trailing ``missing``


def _ends(cols: EdgeColumns, ids: Sequence[str], errs: _Errors) -> g.BoolArray:
    """Edges whose two ends name known, different nodes; a problem for each other edge."""
    rows, src, dst = cols.rows, cols.src, cols.dst
    for i in np.flatnonzero((src < 0) | (dst < 0)).tolist():
        for col, ref in (("from", int(src[i])), ("to", int(dst[i]))):
            if ref == MISSING:
                message = f"missing node id in column '{col}'; edge ignored"
            elif ref == UNKNOWN:
                message = f"unknown node id '{cols.ref_text(i, col)}'; edge ignored"
            else:
                continue
            errs.add(int(rows[i]), 0, message, col)
            break
    loops = (src >= 0) & (src == dst)
    for i in np.flatnonzero(loops).tolist():
        errs.add(int(rows[i]), 0, f"self-loop on node '{ids[int(src[i])]}'; edge ignored", "to")
    return np.asarray((src >= 0) & (dst >= 0) & ~loops, dtype=bool)


def _quantities(cols: EdgeColumns, ok: g.BoolArray, tables: Tables, errs: _Errors) -> g.FloatArray:
    q = cols.quantity.values.copy()
    rows = cols.rows
    for i, text in cols.quantity.bad.items():
        if ok[i]:
            errs.add(int(rows[i]), 1, f"quantity '{text}' is not a number", "quantity")
    with np.errstate(invalid="ignore"):
        negative = ok & (q < 0)
    for i in np.flatnonzero(negative).tolist():
        message = f"negative quantity {float(q[i]):g}; quantity ignored"
        errs.add(int(rows[i]), 1, message, "quantity")
    q[negative] = np.nan
    no_unit = ok & ~np.isnan(q) & (cols.unit.codes < 0)
    for i in np.flatnonzero(no_unit).tolist():
        errs.add(int(rows[i]), 1, "quantity without a unit; quantity ignored", "unit")
    q[no_unit] = np.nan
    known = _lookup(cols.unit, [tables.unit(u) is not None for u in cols.unit.values], True)
    unknown = ok & ~known.astype(bool)
    names = ", ".join(tables.unit_names())
    for i in np.flatnonzero(unknown).tolist():
        message = f"unknown unit '{cols.unit.text(i)}' (known: {names}); quantity ignored"
        errs.add(int(rows[i]), 2, message, "unit")
    q[unknown] = np.nan
    return q


def _values(cols: EdgeColumns, ok: g.BoolArray, errs: _Errors) -> g.FloatArray:
    v = cols.value.values.copy()
    for i, text in cols.value.bad.items():
        if ok[i]:
            errs.add(int(cols.rows[i]), 3, f"value '{text}' is not a number", "value")
    with np.errstate(invalid="ignore"):
        negative = ok & (v < 0)
    for i in np.flatnonzero(negative).tolist():
        errs.add(int(cols.rows[i]), 3, f"negative value {float(v[i]):g}; value ignored", "value")
    v[negative] = np.nan
    return v


def _when(cols: EdgeColumns, ok: g.BoolArray, errs: _Errors) -> tuple[g.IntArray, Codes]:
    """Shipment days and periods (the shipment's month when no valid period is given)."""
    rows = cols.rows
    day = _lookup(cols.date, [_day(d) for d in cols.date.values], NO_DAY).astype(np.int64)
    bad_date = ok & (cols.date.codes >= 0) & (day == NO_DAY)
    for i in np.flatnonzero(bad_date).tolist():
        errs.add(int(rows[i]), 4, f"'{cols.date.text(i)}' is not a date (YYYY-MM-DD)", "date")
    valid = _lookup(cols.period, [bool(_PERIOD.match(p)) for p in cols.period.values], False)
    bad_period = ok & (cols.period.codes >= 0) & ~valid.astype(bool)
    for i in np.flatnonzero(bad_period).tolist():
        message = f"period '{cols.period.text(i)}' is not YYYY, YYYY-MM or YYYY-Qn; ignored"
        errs.add(int(rows[i]), 5, message, "period")
    # one code per distinct period text, given or derived from the shipment date
    index: dict[str, int] = {}
    given = np.array([index.setdefault(p, len(index)) for p in cols.period.values] + [-1])
    pcode = np.where(valid.astype(bool), given[cols.period.codes.astype(np.int64)], -1)
    derive = (pcode < 0) & (day != NO_DAY)
    if derive.any():
        days, inverse = np.unique(day[derive], return_inverse=True)
        months = [index.setdefault(_month(d), len(index)) for d in days.tolist()]
        pcode[derive] = np.array(months, dtype=np.int64)[inverse.reshape(-1)]
    return day, Codes(pcode.astype(np.int32), tuple(index))


def _month(day: int) -> str:
    when = day_date(day)
    assert when is not None
    return when.isoformat()[:7]


def _claims(cols: EdgeColumns, ok: g.BoolArray, errs: _Errors) -> g.IntArray:
    code = _lookup(cols.declared, [_declared(d) for d in cols.declared.values], 0)
    for i in np.flatnonzero(ok & (code < 0)).tolist():
        message = f"declared '{cols.declared.text(i)}' is not untainted or tainted; ignored"
        errs.add(int(cols.rows[i]), 6, message, "declared")
    return np.asarray(np.maximum(code, 0), dtype=np.int64)


def _duplicates(keys: Sequence[g.IntArray], ok: g.BoolArray) -> tuple[g.IntArray, g.IntArray]:
    """Among ``ok`` rows, those repeating an earlier row's key, and that earlier row (only rows
    whose first two keys repeat are sorted on every key)."""
    idx = np.flatnonzero(ok)
    if not idx.size:
        return idx, idx
    pair = keys[0][idx] * (int(keys[1][idx].max()) + 1) + keys[1][idx]
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    idx = idx[counts[inverse.reshape(-1)] > 1]
    if not idx.size:
        return idx, idx
    cols = [k[idx] for k in keys]
    order = np.lexsort([idx, *reversed(cols)])
    same = np.ones(idx.shape[0], dtype=bool)
    same[0] = False
    for c in cols:
        same[1:] &= c[order][1:] == c[order][:-1]
    group_first = np.maximum.accumulate(np.where(same, 0, np.arange(idx.shape[0])))
    dup = idx[order][same]
    return dup, idx[order][group_first][same]


def _float_key(x: g.FloatArray) -> g.IntArray:
    """Floats as integers that are equal exactly when the floats are (NaN equals NaN)."""
    clean = np.where(np.isnan(x), np.nan, x + 0.0)  # one NaN, and -0.0 as 0.0
    return np.asarray(clean.view(np.int64), dtype=np.int64)


def build_table(
    nodes: NodeColumns,
    edges: Callable[[tuple[str, ...]], EdgeColumns],
    *,
    nodes_source: str | None,
    edges_source: str | None,
    require_ids: bool = False,
    tables: Tables | None = None,
) -> ChainTable:
    """Validate node and edge columns into a table (``edges`` is called with the ids of the nodes
    kept, to look the references up)."""
    tables = tables or load_tables()
    keep, ids, node_errors = build_nodes(nodes, nodes_source, require_ids)
    if not ids:
        node_errors.append(RowError("the chain has no nodes", None, 0, nodes_source))
    cols = edges(ids)
    errs = _Errors(edges_source)
    ok = _ends(cols, ids, errs)
    rel = [_relation(t) for t in cols.type.values]
    etype = _lookup(cols.type, [t for t, _ in rel], EDGE_TYPES.index(MATERIAL)).astype(np.int8)
    wrong = _lookup(cols.type, [m is not None for _, m in rel], False).astype(bool)
    for i in np.flatnonzero(ok & wrong).tolist():
        message = rel[int(cols.type.codes[i])][1]
        assert message is not None
        errs.add(int(cols.rows[i]), 0, message, "type")
    quantity = _quantities(cols, ok, tables, errs)
    value = _values(cols, ok, errs)
    day, period = _when(cols, ok, errs)
    declared = _claims(cols, ok, errs)
    keys = [
        cols.src,
        cols.dst,
        etype.astype(np.int64),
        cols.product.codes.astype(np.int64),
        cols.hs_code.codes.astype(np.int64),
        period.codes.astype(np.int64),
        day,
        _float_key(quantity),
        cols.unit.codes.astype(np.int64),
    ]
    dup, first = _duplicates(keys, ok)
    for i, j in zip(dup.tolist(), first.tolist(), strict=True):
        message = (
            f"duplicate edge {ids[int(cols.src[i])]} -> {ids[int(cols.dst[i])]} "
            f"(same as row {int(cols.rows[j])}); this row is ignored"
        )
        errs.add(int(cols.rows[i]), 7, message, None)
    ok[dup] = False
    e = np.flatnonzero(ok)
    return ChainTable(
        ids=ids,
        node_row=np.asarray(nodes.rows[keep], dtype=np.int64),
        role=nodes.role.take(keep),
        node_yield=_positive(nodes.yield_.values[keep]),
        node_hs=nodes.hs_code.take(keep),
        node_product=nodes.product.take(keep),
        records=nodes.records(keep),
        row=np.asarray(cols.rows[e], dtype=np.int64),
        src=np.asarray(cols.src[e], dtype=np.int64),
        dst=np.asarray(cols.dst[e], dtype=np.int64),
        type=etype[e],
        product=cols.product.take(e),
        hs_code=cols.hs_code.take(e),
        quantity=quantity[e],
        unit=cols.unit.take(e),
        value=value[e],
        currency=cols.currency.take(e),
        period=period.take(e),
        day=day[e],
        declared=declared[e].astype(np.int8),
        edge_id=cols.edge_id.take(e),
        errors=(*node_errors, *errs.sorted()),
        nodes_source=nodes_source,
        edges_source=edges_source,
    )


def _positive(y: g.FloatArray) -> g.FloatArray:
    with np.errstate(invalid="ignore"):
        return np.where(y > 0, y, np.nan)
