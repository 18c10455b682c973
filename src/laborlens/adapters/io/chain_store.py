"""A trace's tables in DuckDB, for queries over the result (``laborlens trace … --store PATH``).

Tables (one database file, replaced on each run):

- ``nodes``: one row per node: ``id``, ``row``, ``name``, ``role``, ``country``, ``risk``,
  ``tainted``, one column per regime (its outcome), ``exposure_by_quantity``,
  ``exposure_by_value``, ``balance_status``, ``balance_shortfall``, ``errors``;
- ``findings``: ``node_id``, ``finding`` (the node's own findings, as keys);
- ``inherited``: ``node_id``, ``channel``, ``rank`` (0 = nearest), ``source_id``, ``hops``,
  ``via_id``, ``path`` (node ids, source first), ``sources_total``;
- ``edges``: every edge as given and validated, with ``active`` and the ``channels`` it carries;
- ``balance``: mass balance per node and period;
- ``problems``: every input problem (``source``, ``row``, ``column``, ``message``);
- ``run``: the as-of date, algorithms and list versions (one row).

Example queries are in docs/trace.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborlens.adapters.io.atomic import partial_path
from laborlens.adapters.io.chain_out import OutputError, compact_table, metadata
from laborlens.core.chain import GraphTrace
from laborlens.core.chain.balance import STATUSES
from laborlens.core.chain.model import EDGE_TYPES
from laborlens.core.chain.table import DECLARED, NO_DAY, Codes


def _text(codes: Codes) -> Any:
    values = pa.array([*codes.values, None], pa.string())
    idx = np.where(codes.codes < 0, len(codes.values), codes.codes).astype(np.int64)
    return values.take(pa.array(idx))


def _nodes(gt: GraphTrace, c: pa.Table) -> pa.Table:
    cols: dict[str, Any] = {k: c.column(k) for k in ("id", "row", "name", "role", "country")}
    cols.update(risk=c.column("risk"), tainted=c.column("tainted"))
    regimes = c.column("regimes").combine_chunks()
    for j, name in enumerate(gt.regime_ids):
        cols[name] = regimes.field(j)
    expo, bal = c.column("exposure").combine_chunks(), c.column("balance").combine_chunks()
    none = pa.scalar(None, pa.string())
    cols.update(
        exposure_by_quantity=expo.field(0),
        exposure_by_value=expo.field(1),
        # a node without any balance row has no status
        balance_status=pc.if_else(bal.is_null(), none, bal.field(1)),
        balance_shortfall=bal.field(3),
        errors=c.column("errors"),
    )
    return pa.table(cols)


def _inherited(gt: GraphTrace) -> pa.Table:
    ids = pa.array(list(gt.table.ids), pa.string())
    parts = []
    for ch in gt.channels:
        near = ch.nearest
        rank = np.arange(near.node.shape[0]) - near.ptr[near.node]
        pairs = np.flatnonzero(rank < ch.max_sources)
        ptr, nodes = near.paths(gt.ctx.graph, pairs)
        total = ch.counts[near.node[pairs]] if ch.counts is not None else None
        if total is None:
            kept = np.diff(near.ptr)[near.node[pairs]]
            total = np.where(kept <= ch.max_sources, kept, -1)
        parts.append(
            pa.table(
                {
                    "node_id": ids.take(pa.array(near.node[pairs])),
                    "channel": pa.array([ch.name] * pairs.shape[0], pa.string()),
                    "rank": pa.array(rank[pairs].astype(np.int32)),
                    "source_id": ids.take(pa.array(near.source[pairs])),
                    "hops": pa.array(near.dist[pairs].astype(np.int32)),
                    "via_id": ids.take(pa.array(gt.ctx.graph.src[near.pred[pairs]])),
                    "path": pa.ListArray.from_arrays(
                        pa.array(ptr.astype(np.int32)), ids.take(pa.array(nodes))
                    ),
                    "sources_total": pa.array(total.astype(np.int32), mask=total < 0),
                }
            )
        )
    if not parts:
        return pa.table(
            {
                "node_id": pa.array([], pa.string()),
                "channel": pa.array([], pa.string()),
                "rank": pa.array([], pa.int32()),
                "source_id": pa.array([], pa.string()),
                "hops": pa.array([], pa.int32()),
                "via_id": pa.array([], pa.string()),
                "path": pa.array([], pa.list_(pa.string())),
                "sources_total": pa.array([], pa.int32()),
            }
        )
    return pa.concat_tables(parts)


def _edges(gt: GraphTrace) -> pa.Table:
    t, ctx = gt.table, gt.ctx
    ids = pa.array(list(t.ids), pa.string())
    active = np.zeros(t.m, dtype=bool)
    active[ctx.pos] = True
    # channels per edge: those its (active) supplier carries, by name
    chans = sorted(gt.channels, key=lambda ch: ch.name)
    carried = np.zeros((t.m, len(chans)), dtype=bool)
    for j, ch in enumerate(chans):
        carried[ctx.pos, j] = ch.carries[ctx.graph.src]
    edge_of, chan_of = np.nonzero(carried)
    offsets = np.zeros(t.m + 1, dtype=np.int32)
    np.cumsum(np.bincount(edge_of, minlength=t.m), out=offsets[1:])
    channels = pa.ListArray.from_arrays(
        pa.array(offsets), pa.array([c.name for c in chans], pa.string()).take(pa.array(chan_of))
    )
    day = np.where(t.day == NO_DAY, 0, t.day).astype("datetime64[D]")
    return pa.table(
        {
            "row": pa.array(t.row),
            "from_id": ids.take(pa.array(t.src)),
            "to_id": ids.take(pa.array(t.dst)),
            "type": pa.array(list(EDGE_TYPES), pa.string()).take(pa.array(t.type.astype(np.int64))),
            "product": _text(t.product),
            "hs_code": _text(t.hs_code),
            "quantity": pa.array(t.quantity, mask=np.isnan(t.quantity)),
            "unit": _text(t.unit),
            "value": pa.array(t.value, mask=np.isnan(t.value)),
            "currency": _text(t.currency),
            "period": _text(t.period),
            "date": pa.array(day, mask=t.day == NO_DAY),
            "declared": pa.array(list(DECLARED), pa.string()).take(
                pa.array(t.declared.astype(np.int64))
            ),
            "active": pa.array(active),
            "channels": channels,
        }
    )


def _balance(gt: GraphTrace) -> pa.Table:
    nb = gt.balance
    b = nb.bal
    ids = pa.array(list(gt.table.ids), pa.string())
    periods = pa.array([*nb.periods, None], pa.string())
    units = pa.array([*nb.units, None], pa.string())
    dim = nb.out_dim[b.node]
    return pa.table(
        {
            "node_id": ids.take(pa.array(b.node)),
            "period": periods.take(pa.array(np.where(b.period < 0, len(nb.periods), b.period))),
            "unit": units.take(pa.array(np.where(dim < 0, len(nb.units), dim))),
            "inputs_untainted": pa.array(b.inputs_untainted),
            "inputs_tainted": pa.array(b.inputs_tainted),
            "inputs_unconverted": pa.array(b.inputs_unconverted),
            "outputs_claimed_untainted": pa.array(b.outputs_claimed),
            "outputs_total": pa.array(b.outputs_total),
            "outputs_unknown": pa.array(b.outputs_unknown),
            "shortfall": pa.array(b.shortfall, mask=np.isnan(b.shortfall)),
            "status": pa.array(list(STATUSES), pa.string()).take(pa.array(nb.status)),
        }
    )


def _findings(c: pa.Table) -> pa.Table:
    f = c.column("findings").combine_chunks()
    counts = np.diff(f.offsets.to_numpy())
    return pa.table(
        {
            "node_id": c.column("id")
            .combine_chunks()
            .take(pa.array(np.repeat(np.arange(len(f)), counts))),
            "finding": f.flatten(),
        }
    )


def _problems(gt: GraphTrace) -> pa.Table:
    es = gt.errors
    return pa.table(
        {
            "source": pa.array([e.source for e in es], pa.string()),
            "row": pa.array([e.row for e in es], pa.int64()),
            "column": pa.array([e.column for e in es], pa.string()),
            "message": pa.array([e.message for e in es], pa.string()),
        }
    )


def store_trace(gt: GraphTrace, path: Path) -> None:
    """Write the trace's tables into a new DuckDB database at ``path`` (see the module
    docstring); the file is built next to ``path`` under the temporary name of
    :mod:`~laborlens.adapters.io.atomic` (so a killed run's leftover is swept) and renamed at the
    end. DuckDB cannot open the empty file ``atomic_output`` creates, hence its own rename."""
    partial = partial_path(path)
    if partial.exists():
        partial.unlink()
    compact = compact_table(gt)
    tables = {
        "nodes": _nodes(gt, compact),
        "findings": _findings(compact),
        "inherited": _inherited(gt),
        "edges": _edges(gt),
        "balance": _balance(gt),
        "problems": _problems(gt),
        "run": pa.table({"metadata": [json.dumps(metadata(gt))]}),
    }
    try:
        con = duckdb.connect(str(partial))
        try:
            for name, table in tables.items():
                con.register("incoming", table)
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
                con.unregister("incoming")
        finally:
            con.close()
        os.replace(partial, path)
    except (OSError, duckdb.Error) as exc:
        raise OutputError(f"{path}: cannot write the store ({exc})") from exc
    finally:
        if partial.exists():
            partial.unlink()
