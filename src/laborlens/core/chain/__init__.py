"""Supply chains: graph model, validation, taint propagation, mass balance, routing, exposure.

Public entry points:
    build_chain(node_rows, edge_rows, ...) -> Chain            (validation, per-row errors)
    ChainTable.from_chain(chain) / table.to_chain()            (the chain as columns, any size)
    trace_table(table, screened, regimes, as_of, ...) -> GraphTrace    (arrays and references)
    node_trace(graph_trace, v) / full_result(graph_trace)      (full records, on demand)
    trace_chain(chain, screened, regimes, as_of, ...) -> TraceResult   (screened by the caller)
    node_balances(chain, as_of, own_taint=...) -> per node BalanceRows (mass balance, no trace)
    graph.reach / graph.exposure / graph.mass_balance           (array API for large graphs)
"""

from __future__ import annotations

from laborlens.core.chain.balance import node_balances
from laborlens.core.chain.expand import full_result, inherited_of, node_trace, trace_chain
from laborlens.core.chain.model import (
    CONTROL,
    EDGE_TYPES,
    MATERIAL,
    OWNERSHIP,
    Chain,
    ChainEdge,
    ChainNode,
)
from laborlens.core.chain.own import Screened
from laborlens.core.chain.propagate import channel_of, is_taint
from laborlens.core.chain.result import (
    BalanceRow,
    EdgeTrace,
    Hop,
    Inherited,
    NodeExposure,
    NodeTrace,
    TraceResult,
)
from laborlens.core.chain.table import ChainTable, Codes
from laborlens.core.chain.tables import Tables, load_tables, role_in
from laborlens.core.chain.trace import ALGORITHM, MAX_SOURCES, PATH_BUDGET, GraphTrace, trace_table
from laborlens.core.chain.validate import build_chain

__all__ = [
    "ALGORITHM",
    "CONTROL",
    "EDGE_TYPES",
    "MATERIAL",
    "MAX_SOURCES",
    "OWNERSHIP",
    "PATH_BUDGET",
    "BalanceRow",
    "Chain",
    "ChainEdge",
    "ChainNode",
    "ChainTable",
    "Codes",
    "EdgeTrace",
    "GraphTrace",
    "Hop",
    "Inherited",
    "NodeExposure",
    "NodeTrace",
    "Screened",
    "Tables",
    "TraceResult",
    "build_chain",
    "channel_of",
    "full_result",
    "inherited_of",
    "is_taint",
    "load_tables",
    "node_balances",
    "node_trace",
    "role_in",
    "trace_chain",
    "trace_table",
]
